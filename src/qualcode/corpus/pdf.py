"""PDF files: the text layer, read with pypdf.

Text convention: each page's text as pypdf extracts it (lines joined by ``"\\n"``),
trailing whitespace of each page removed, pages joined by ``"\\n\\n"`` (an empty page
still takes its place). ``metadata["pages"]`` is the page count and
``metadata["page_starts"]`` the offset in the text where each page starts, so that a
quote can be cited with its page number.

A PDF encrypted with an empty user password (only copying or printing restricted, as
many official documents are) opens like in any viewer; one that needs a password to
open is refused. A PDF without a text layer (a scan) is refused with advice to run OCR.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PasswordType, PdfReader

from qualcode.corpus.base import Extracted, looks_like
from qualcode.corpus.limits import ReadLimits, check_chars
from qualcode.corpus.text import normalise_text
from qualcode.errors import ReadError

PAGE_SEPARATOR = "\n\n"

_NO_TEXT = (
    "the PDF has no text layer (it is probably a scanned image); run OCR on it first "
    "(for example with OCRmyPDF, or by opening it in Google Drive as a Google Doc) and "
    "import the result"
)


def read_pdf(data: bytes, *, where: str, limits: ReadLimits) -> Extracted:
    if b"%PDF-" not in data[:1024]:
        raise ReadError(
            "the file is not a PDF (it has no '%PDF-' header)" + looks_like(data), path=where
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader, where)
        pages = reader.pages
        n_pages = len(pages)
    except ReadError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise ReadError(
            f"the PDF is damaged and cannot be opened ({type(exc).__name__}: {exc})",
            path=where,
        ) from exc

    texts: list[str] = []
    starts: list[int] = []
    failed: list[int] = []
    offset = 0
    for number in range(n_pages):
        try:
            raw = pages[number].extract_text() or ""
        except Exception:  # one unreadable page must not lose the others
            raw = ""
            failed.append(number + 1)
        page_text = normalise_text(raw)
        starts.append(offset)
        texts.append(page_text)
        offset += len(page_text) + len(PAGE_SEPARATOR)
        check_chars(offset, limits, where)

    text = normalise_text(PAGE_SEPARATOR.join(texts))
    facts: dict[str, Any] = {
        "pages": n_pages,
        "page_starts": [min(start, len(text)) for start in starts],
    }
    if failed:
        facts["unreadable_pages"] = failed
    return Extracted(
        text=text,
        facts=facts,
        properties=_properties(reader),
        no_text_message=_NO_TEXT,
    )


def _decrypt(reader: PdfReader, where: str) -> None:
    try:
        result = reader.decrypt("")
    except Exception as exc:  # e.g. an AES-encrypted file and no crypto library
        raise ReadError(
            "the PDF is encrypted and cannot be read; save or print it as a PDF without "
            f"protection first ({type(exc).__name__}: {exc})",
            path=where,
        ) from exc
    if result == PasswordType.NOT_DECRYPTED:
        raise ReadError(
            "the PDF is password-protected; save it again without a password first",
            path=where,
        )


def _properties(reader: PdfReader) -> dict[str, Any]:
    found: dict[str, Any] = {}
    try:
        info = reader.metadata
        if info is None:
            return found
        if info.title and str(info.title).strip():
            found["title"] = str(info.title).strip()
        if info.author and str(info.author).strip():
            found["author"] = str(info.author).strip()
        created = info.creation_date
        if created is not None:
            found["created"] = created.isoformat()
    except Exception:  # properties are a courtesy: broken ones must not stop reading
        return found
    return found
