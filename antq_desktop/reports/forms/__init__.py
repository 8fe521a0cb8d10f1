"""The report forms of every area.

Each area module registers its own forms (``registry.register(Form(...))``) when it is imported;
add one import line here per area module.
"""

from . import (
    certification,  # noqa: F401
    households,  # noqa: F401
    mediation,  # noqa: F401
    mediation_book,  # noqa: F401
    province,  # noqa: F401
    rehabilitation,  # noqa: F401
    reintegration,  # noqa: F401
    yearend,  # noqa: F401
)
