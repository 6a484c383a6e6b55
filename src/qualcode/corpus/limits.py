"""Size limits that keep a hostile or broken file from exhausting memory."""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Upper bounds checked before and while a file is read.

    ``max_bytes`` applies to the file as stored; ``max_chars`` to the text read from
    it. The zip limits apply to .docx and .odt files (which are zip archives) and are
    checked from the archive's central directory before anything is decompressed.
    """

    max_bytes: int = 50 * MB
    max_chars: int = 5_000_000
    max_zip_members: int = 2000
    max_uncompressed_bytes: int = 200 * MB
    max_compression_ratio: float = 200.0

    def __post_init__(self) -> None:
        for name in (
            "max_bytes",
            "max_chars",
            "max_zip_members",
            "max_uncompressed_bytes",
            "max_compression_ratio",
        ):
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"ReadLimits.{name} must be a positive number, got {value!r}")


def format_size(n_bytes: int) -> str:
    """A size for people: ``512 bytes``, ``3.4 KB``, ``61.2 MB``."""
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    if n_bytes < MB:
        return f"{n_bytes / 1024:.1f} KB"
    if n_bytes < 1024 * MB:
        return f"{n_bytes / MB:.1f} MB"
    return f"{n_bytes / (1024 * MB):.1f} GB"


def check_size(n_bytes: int, limits: ReadLimits, where: str) -> None:
    """Refuse an empty file or one larger than ``limits.max_bytes``."""
    if n_bytes == 0:
        raise ReadError("the file is empty (0 bytes)", path=where)
    if n_bytes > limits.max_bytes:
        raise ReadError(
            f"the file is {format_size(n_bytes)}, larger than the limit of "
            f"{format_size(limits.max_bytes)}",
            path=where,
        )


def check_chars(n_chars: int, limits: ReadLimits, where: str) -> None:
    """Refuse text longer than ``limits.max_chars``."""
    if n_chars > limits.max_chars:
        raise ReadError(
            f"the text has {n_chars:,} characters, more than the limit of "
            f"{limits.max_chars:,}; split the file into smaller parts",
            path=where,
        )
