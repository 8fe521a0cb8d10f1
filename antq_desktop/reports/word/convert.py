"""A .docx to PDF through LibreOffice (``soffice --headless --convert-to pdf``), when installed.

The app's own printing (QTextDocument) draws HTML, not Word documents, so a PDF drawn that way
would differ from the .docx; LibreOffice prints what Writer shows. Each conversion runs with
its own throw-away LibreOffice profile, so it neither waits for nor disturbs an open Writer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..registry import ReportError

TIMEOUT_S = 180
_CANDIDATES = ("soffice", "libreoffice")
_WINDOWS = (r"C:\Program Files\LibreOffice\program\soffice.exe",
            r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


def libreoffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    for candidate in _WINDOWS if os.name == "nt" else ():
        if Path(candidate).is_file():
            return candidate
    return None


def docx_to_pdf(document, target: str | os.PathLike) -> None:
    """Save ``document`` (python-docx) and write its PDF to ``target``; ReportError
    (Vietnamese) when LibreOffice is missing or fails."""
    program = libreoffice()
    if program is None:
        raise ReportError("Máy chưa cài LibreOffice nên chưa chuyển được sang PDF.")
    with tempfile.TemporaryDirectory(prefix="antq-docx-") as folder:
        source = Path(folder) / "document.docx"
        document.save(source)
        profile = Path(folder, "profile").as_uri()
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", folder, str(source)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"LibreOffice không chuyển xong sang PDF sau {TIMEOUT_S} giây.") \
                from None
        except OSError:
            raise ReportError("Không chạy được LibreOffice để chuyển sang PDF.") from None
        produced = Path(folder) / "document.pdf"
        if done.returncode != 0 or not produced.is_file():
            raise ReportError("LibreOffice không chuyển được văn bản sang PDF.")
        shutil.copyfile(produced, target)
