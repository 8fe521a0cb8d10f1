"""Text documents as Word files (python-docx): the year-end report and the certification
papers, in the state document format (base.py). Importing the package registers their forms."""

from . import forms  # noqa: F401
