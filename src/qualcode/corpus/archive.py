"""Zip containers (.docx, .odt) opened in memory, with bomb and XML-attack checks.

Nothing is ever extracted to disk: members are read into memory one at a time, and
only after the archive's central directory has passed the limits.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from qualcode.corpus.base import looks_like
from qualcode.corpus.limits import ReadLimits, format_size
from qualcode.errors import ReadError

# Members smaller than this cannot hurt however well they compress, and small XML
# parts can legitimately have odd ratios.
_RATIO_FLOOR = 64 * 1024


def open_zip(data: bytes, *, where: str, kind: str, limits: ReadLimits) -> zipfile.ZipFile:
    """Open ``data`` as a zip archive after checking its directory against ``limits``.

    ``kind`` names the expected format in messages, e.g. "Word (.docx)".
    """
    if not data.startswith(b"PK"):
        hint = looks_like(data)
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            hint = (
                " (it looks like an old Word .doc file or a password-protected document: "
                "open it in Word or LibreOffice and save it again, without a password)"
            )
        raise ReadError(f"the file is not a valid {kind} file{hint}", path=where)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(
            f"the {kind} file is damaged or truncated (its zip structure is invalid: {exc})",
            path=where,
        ) from exc
    try:
        _check_directory(archive, where=where, kind=kind, limits=limits)
    except ReadError:
        archive.close()
        raise
    return archive


def _check_directory(
    archive: zipfile.ZipFile, *, where: str, kind: str, limits: ReadLimits
) -> None:
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise ReadError(
            f"the {kind} file holds {len(members):,} parts, more than the limit of "
            f"{limits.max_zip_members:,}; refused as a possible zip bomb",
            path=where,
        )
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise ReadError(
                f"the {kind} file is encrypted (part {info.filename!r}); "
                "save it again without a password",
                path=where,
            )
        total += info.file_size
        if info.file_size >= _RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise ReadError(
                    f"part {info.filename!r} of the {kind} file expands {ratio:,.0f} times "
                    f"(to {format_size(info.file_size)}), more than the limit of "
                    f"{limits.max_compression_ratio:,.0f}; refused as a possible zip bomb",
                    path=where,
                )
    if total > limits.max_uncompressed_bytes:
        raise ReadError(
            f"the {kind} file expands to {format_size(total)}, more than the limit of "
            f"{format_size(limits.max_uncompressed_bytes)}; refused as a possible zip bomb",
            path=where,
        )


def read_member(archive: zipfile.ZipFile, name: str, *, where: str, kind: str) -> bytes:
    """The bytes of one member, with a ReadError (not a traceback) when it is broken."""
    try:
        return archive.read(name)
    except KeyError as exc:
        raise ReadError(
            f"the {kind} file is incomplete: it has no part {name!r}", path=where
        ) from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ReadError(f"part {name!r} of the {kind} file is damaged ({exc})", path=where) from exc
    except RuntimeError as exc:  # zipfile raises it for encrypted members
        raise ReadError(
            f"part {name!r} of the {kind} file cannot be read ({exc})", path=where
        ) from exc


def parse_xml(blob: bytes, *, member: str, where: str, kind: str) -> Element:
    """Parse one XML part, refusing any DOCTYPE or entity declaration.

    Word and LibreOffice never write a DTD into these parts; one that does was made to
    attack XML parsers (external entities, "billion laughs").
    """
    try:
        root: Any = SafeET.fromstring(blob, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise ReadError(
            f"refused: part {member!r} of the {kind} file declares a DOCTYPE or entities, "
            "which real documents never do (the file may be crafted to attack XML parsers)",
            path=where,
        ) from exc
    except ParseError as exc:
        raise ReadError(
            f"the {kind} file is damaged: part {member!r} is not well-formed XML ({exc})",
            path=where,
        ) from exc
    except RecursionError as exc:
        raise ReadError(
            f"the {kind} file is damaged: part {member!r} is nested too deeply",
            path=where,
        ) from exc
    return root
