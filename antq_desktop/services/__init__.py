from . import audit  # noqa: F401  the audit trail's session events (services/audit.py)
