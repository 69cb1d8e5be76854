"""PDF text for official notices (ministries, customs): pypdf wrapped in one pure function.

`read_pdf` turns PDF bytes into plain text plus the document's own title, author and
creation day, or None when the bytes are not a readable PDF. Extract calls it so a PDF
notice goes through the same stages as an HTML page.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

log = logging.getLogger(__name__)

MAX_PAGES = 200
PDF_TYPES = ("application/pdf", "application/x-pdf")
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})(\d{2})")
_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class PdfDocument:
    """The text and document-info fields of a PDF."""

    text: str
    title: str | None = None
    author: str | None = None
    created: str | None = None  # ISO day from /CreationDate


def read_pdf(body: bytes, max_pages: int = MAX_PAGES) -> PdfDocument | None:
    """Text of the first `max_pages` pages and the info fields; None for unreadable bytes."""
    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages[:max_pages]]
        info = reader.metadata
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        log.debug("unreadable PDF: %s", error)
        return None
    text = _BLANK_RUN.sub("\n\n", "\n\n".join(p.strip() for p in pages if p.strip()))
    return PdfDocument(
        text=text,
        title=_info(info, "/Title"),
        author=_info(info, "/Author"),
        created=_pdf_day(_info(info, "/CreationDate")),
    )


def _info(info: object, key: str) -> str | None:
    if not info:
        return None
    value = info.get(key)  # type: ignore[attr-defined]
    return str(value).strip() or None if value is not None else None


def _pdf_day(value: str | None) -> str | None:
    match = _PDF_DATE.match(value or "")
    return "-".join(match.groups()) if match else None
