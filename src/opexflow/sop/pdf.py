"""PDF export through LibreOffice (headless): the DOCX converted as Word would print it.

LibreOffice is a system program, not a Python package: :func:`to_pdf` looks for
``soffice`` (or ``libreoffice``) on the PATH and says how to install it when it
is missing. Chinese glyphs need a CJK font on the machine (Debian:
``apt-get install libreoffice-writer-nogui fonts-noto-cjk``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from opexflow.errors import NotFoundError, ResourceError
from opexflow.sop.docx import to_docx
from opexflow.sop.labels import Lang
from opexflow.sop.model import Sop

TIMEOUT_S = 120.0


def find_soffice() -> str | None:
    """The LibreOffice program on the PATH, or ``None``."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert DOCX bytes to PDF bytes with LibreOffice.

    Raises:
        NotFoundError: LibreOffice is not installed.
        ResourceError: the conversion failed or took longer than :data:`TIMEOUT_S`.
    """
    soffice = find_soffice()
    if soffice is None:
        raise NotFoundError(
            "PDF export needs LibreOffice (soffice) on the PATH; install it "
            "(Debian: apt-get install libreoffice-writer-nogui fonts-noto-cjk) or export "
            "--format docx and print from Word",
            message_zh="导出 PDF 需要 LibreOffice（soffice）；请安装，或导出 DOCX 后用 Word 打印",
        )
    with tempfile.TemporaryDirectory(prefix="opexflow-sop-") as tmp:
        src = Path(tmp) / "sop.docx"
        src.write_bytes(docx)
        # A private profile directory: a user's running LibreOffice would otherwise lock it.
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=TIMEOUT_S)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ResourceError(f"LibreOffice could not convert the SOP to PDF: {exc}") from None
        out = Path(tmp) / "sop.pdf"
        if not out.is_file():
            raise ResourceError("LibreOffice wrote no PDF; run it by hand to see why")
        return out.read_bytes()


def to_pdf(sop: Sop, lang: Lang = "zh") -> bytes:
    """The SOP as PDF bytes (its DOCX converted by LibreOffice)."""
    return docx_to_pdf(to_docx(sop, lang))
