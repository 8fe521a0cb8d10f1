"""Report forms: the state-format layout (layout.py), the form registry (registry.py), the
area forms (forms/) and writing them to files (export.py). No Qt here; printing to PDF lives in
its own module."""
