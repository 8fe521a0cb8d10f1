"""ANTQ Desktop: records of the ward police movement "Toàn dân bảo vệ an ninh Tổ quốc"."""
__version__ = "0.1.0"
