"""Importing the office's existing lists (Excel, CSV) into the register: docs/IMPORT.md."""
