"""What a format reader hands back, and small helpers every reader shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Extracted:
    """The text of one file and what the reader learnt about it.

    ``facts`` are measured by the reader (encoding, page count...) and always win over
    user-supplied metadata of the same name. ``properties`` are what the file says about
    itself (title, author, created) and lose to user-supplied metadata. ``front_matter``
    is the YAML mapping at the top of a .txt/.md file, with ``front_matter_lines``
    giving the 1-based file line of each of its keys.
    """

    text: str
    facts: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    front_matter: dict[str, Any] | None = None
    front_matter_lines: dict[str, int] = field(default_factory=dict)
    no_text_message: str = "the file contains no text"


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (for example a .docx, .odt or .xlsx file)"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Microsoft Office file (.doc/.xls) or a password-protected Office document",
    ),
    (b"{\\rtf", "an RTF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"ID3", "an MP3 audio file"),
    (b"RIFF", "an audio or video file (RIFF)"),
    (b"OggS", "an Ogg audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)


def sniff(data: bytes) -> str | None:
    """What ``data`` looks like from its first bytes, for error hints; None if unknown."""
    head = data[:16].lstrip(b" \t\r\n")
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if len(data) > 8 and data[4:8] == b"ftyp":
        return "an MP4/M4A audio or video file"
    return None


def looks_like(data: bytes) -> str:
    """`` (it looks like a PNG image)`` or ``""``, to append to an error message."""
    kind = sniff(data)
    return f" (it looks like {kind})" if kind else ""
