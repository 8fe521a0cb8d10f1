"""Tệp → Nhập từ Excel…: the import dialog."""
