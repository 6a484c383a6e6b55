"""Pieces shared by the REFI-QDA reader, writer and validator.

Namespaces, deterministic GUIDs, safe XML parsing, safe in-memory zip reading,
text decoding, character-position conventions and pseudonymisation with offset
remapping. Nothing here touches the database or the local disk beyond opening
the one file the caller names.
"""

from __future__ import annotations

import bisect
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from lxml import etree

from qualcode.errors import ExchangeError

# --------------------------------------------------------------------------- namespaces

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA_URL = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_SCHEMA_URL = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"

_NS_PATTERN = re.compile(r"^urn:QDA-XML:(project|codebook):\S+$", re.IGNORECASE)

# Fixed namespace for the uuid5 GUIDs written by qualcode. Never change it: doing so
# would give every record a new GUID on the next export.
QUALCODE_GUID_NAMESPACE = uuid.UUID("6f1d8a52-3c0e-5b7a-9a64-2f1e0c4d8b17")

COLOUR_PATTERN = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
DEFAULT_COLOUR = "#999999"

PathOrFile = str | Path | IO[bytes] | bytes | bytearray


def make_guid(*parts: object) -> str:
    """A stable GUID (uuid5) for a record, from its scope and identity."""
    key = "\x1f".join(str(p) for p in parts)
    return str(uuid.uuid5(QUALCODE_GUID_NAMESPACE, key))


def normalise_guid(value: str | None) -> str:
    """GUIDs compare case-insensitively and with or without braces."""
    if not value:
        return ""
    return value.strip().strip("{}").lower()


def namespace_of(element: Any) -> str:
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""


def is_qda_namespace(ns: str, kind: Literal["project", "codebook"]) -> bool:
    match = _NS_PATTERN.match(ns)
    return match is not None and match.group(1).lower() == kind


# --------------------------------------------------------------------------- element helpers
# Readers match elements by local name so that files with a missing or variant
# namespace (urn:QDA-XML:project:1:0, …:codebook:0:4) are read all the same.


def local_name(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element: Any, name: str) -> list[Any]:
    return [c for c in element if local_name(c) == name]


def child(element: Any, name: str) -> Any | None:
    for c in element:
        if local_name(c) == name:
            return c
    return None


def child_text(element: Any, name: str) -> str:
    found = child(element, name)
    if found is None:
        return ""
    return found.text or ""


def descendants(element: Any, name: str) -> Iterator[Any]:
    for el in element.iter():
        if local_name(el) == name:
            yield el


# --------------------------------------------------------------------------- XML text

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _XML_INVALID.sub("", value)


# --------------------------------------------------------------------------- safe XML

_DOCTYPE_MARKERS = tuple(
    marker.encode(enc)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("utf-8", "utf-16-le", "utf-16-be")
)


def _safe_parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, *, source: str) -> Any:
    """Parse XML bytes safely; refuse any document type declaration.

    A DOCTYPE is what XXE and entity-expansion ("billion laughs") attacks need, and
    no REFI-QDA file has one, so any document carrying one is refused outright.
    """
    upper = data.upper()
    if any(marker.upper() in upper for marker in _DOCTYPE_MARKERS):
        raise ExchangeError(
            "refused: the XML declares a DOCTYPE or entities, which REFI-QDA files never "
            "need (possible XXE or entity-expansion attack)",
            path=source,
        )
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        raise ExchangeError(
            f"not well-formed XML: {exc.msg}", path=source, line=line, column=column
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ExchangeError("refused: the XML declares a DOCTYPE", path=source)
    return root


# --------------------------------------------------------------------------- safe zip


@dataclass(frozen=True)
class ZipLimits:
    """Bounds that keep a hostile archive (zip bomb, huge member count) harmless."""

    max_members: int = 10_000
    max_total_uncompressed: int = 2 * 1024**3  # declared sizes of all members together
    max_member_read: int = 512 * 1024**2  # a single member we actually read
    max_ratio: float = 200.0  # uncompressed / compressed, for members above ratio_floor
    ratio_floor: int = 1024**2


DEFAULT_LIMITS = ZipLimits()


def unsafe_member_name(name: str) -> bool:
    """True for names that would escape a folder if ever extracted (traversal, absolute)."""
    if "\x00" in name:
        return True
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return any(part == ".." for part in norm.split("/"))


def _source_label(source: PathOrFile) -> str:
    if isinstance(source, str | Path):
        return str(source)
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, str) else "<stream>"


class SafeZip:
    """A zip archive read in memory, member by member, never extracted to disk."""

    def __init__(self, source: PathOrFile, *, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.label = _source_label(source)
        self.limits = limits
        self._owned: IO[bytes] | None = None
        fileobj: IO[bytes]
        if isinstance(source, bytes | bytearray):
            fileobj = io.BytesIO(bytes(source))
        elif isinstance(source, str | Path):
            path = Path(source)
            if not path.is_file():
                raise ExchangeError("file not found", path=self.label)
            fileobj = self._owned = path.open("rb")
        else:
            fileobj = source
            if not (hasattr(fileobj, "seekable") and fileobj.seekable()):
                fileobj = io.BytesIO(fileobj.read())
        try:
            if not zipfile.is_zipfile(fileobj):
                raise ExchangeError(
                    "not a REFI-QDA project: the file is not a zip archive", path=self.label
                )
            fileobj.seek(0)
            try:
                self._zip = zipfile.ZipFile(fileobj)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
                raise ExchangeError(f"corrupt zip archive: {exc}", path=self.label) from exc
            self._check()
        except BaseException:
            self.close()
            raise
        self.infos = {info.filename: info for info in self._zip.infolist()}

    def _check(self) -> None:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_members:
            raise ExchangeError(
                f"refused: the archive has {len(infos)} members (limit {limits.max_members})",
                path=self.label,
            )
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            if unsafe_member_name(name):
                raise ExchangeError(
                    f"refused: unsafe member name {name!r} (path traversal or absolute path)",
                    path=self.label,
                )
            if name in seen:
                raise ExchangeError(f"refused: member {name!r} appears twice", path=self.label)
            seen.add(name)
            total += info.file_size
            if info.file_size > limits.ratio_floor:
                ratio = info.file_size / max(1, info.compress_size)
                if ratio > limits.max_ratio:
                    raise ExchangeError(
                        f"refused: member {name!r} expands {ratio:.0f} times "
                        f"(limit {limits.max_ratio:.0f}; possible zip bomb)",
                        path=self.label,
                    )
        if total > limits.max_total_uncompressed:
            raise ExchangeError(
                f"refused: the archive would expand to {total} bytes "
                f"(limit {limits.max_total_uncompressed}; possible zip bomb)",
                path=self.label,
            )

    @property
    def names(self) -> list[str]:
        return list(self.infos)

    def find(self, wanted: str) -> str | None:
        """The member called ``wanted``, matched exactly, then case-insensitively."""
        if wanted in self.infos:
            return wanted
        lowered = wanted.lower()
        for name in self.infos:
            if name.lower() == lowered:
                return name
        return None

    def read(self, name: str) -> bytes:
        info = self.infos[name]
        limit = self.limits.max_member_read
        if info.file_size > limit:
            raise ExchangeError(
                f"refused: member {name!r} is {info.file_size} bytes (limit {limit})",
                path=self.label,
            )
        if info.flag_bits & 0x1:
            raise ExchangeError(f"member {name!r} is encrypted", path=self.label)
        try:
            with self._zip.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError) as exc:
            raise ExchangeError(f"cannot read member {name!r}: {exc}", path=self.label) from exc
        if len(data) > limit:
            raise ExchangeError(f"refused: member {name!r} is too large", path=self.label)
        return data

    def close(self) -> None:
        if hasattr(self, "_zip"):
            self._zip.close()
        if self._owned is not None:
            self._owned.close()
            self._owned = None


MAX_XML_FILE = 512 * 1024**2


def read_limited(source: PathOrFile, limit: int = MAX_XML_FILE) -> tuple[bytes, str]:
    """The bytes of a stand-alone file (a .qdc or bare .qde) and a label for messages."""
    label = _source_label(source)
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise ExchangeError("file not found", path=label)
        if path.stat().st_size > limit:
            raise ExchangeError(f"refused: the file is larger than {limit} bytes", path=label)
        data = path.read_bytes()
    else:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise ExchangeError(f"refused: the file is larger than {limit} bytes", path=label)
    return data, label


# --------------------------------------------------------------------------- text files


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a source text file; return the text (BOM removed) and a note, or ''."""
    note = ""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        note = "was UTF-16, not UTF-8 as the standard asks"
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            note = "was not valid UTF-8; read as Windows-1252"
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, note


def normalise_newlines(raw: str) -> tuple[str, list[int]]:
    """Turn CR LF and lone CR into LF.

    Returns the normalised text and the indices (into it) of the LFs that were CR LF,
    which is what a vendor counting CR LF as two characters needs.
    """
    if "\r" not in raw:
        return raw, []
    parts: list[str] = []
    crlf_at: list[int] = []
    out_len = 0
    i = 0
    n = len(raw)
    while i < n:
        j = raw.find("\r", i)
        if j < 0:
            parts.append(raw[i:])
            break
        parts.append(raw[i:j])
        out_len += j - i
        if j + 1 < n and raw[j + 1] == "\n":
            crlf_at.append(out_len)
            i = j + 2
        else:
            i = j + 1
        parts.append("\n")
        out_len += 1
    return "".join(parts), crlf_at


# --------------------------------------------------------------------------- positions


@dataclass(frozen=True)
class PositionConvention:
    """How a tool counts ``startPosition``/``endPosition``.

    ``utf16``: count UTF-16 code units (a character outside the Basic Multilingual
    Plane, such as most emoji, counts as two). ``crlf_as_two``: a CR LF line break in
    the source file counts as two characters; otherwise as one.
    """

    utf16: bool = False
    crlf_as_two: bool = True

    def describe(self) -> str:
        unit = "UTF-16 code units" if self.utf16 else "Unicode code points"
        crlf = "CR LF counted as two" if self.crlf_as_two else "CR LF counted as one"
        return f"{unit}, {crlf}"


CODE_POINTS = PositionConvention(utf16=False, crlf_as_two=True)
ALL_CONVENTIONS: tuple[PositionConvention, ...] = (
    PositionConvention(False, True),
    PositionConvention(False, False),
    PositionConvention(True, True),
    PositionConvention(True, False),
)

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def default_convention(origin: str) -> tuple[PositionConvention, str]:
    """The counting convention a tool is known to use, from ``Project/@origin``."""
    o = origin.lower()
    if "nvivo" in o:
        return PositionConvention(utf16=True, crlf_as_two=True), "NVivo"
    if "atlas.ti" in o or "atlasti" in o:
        return PositionConvention(utf16=False, crlf_as_two=False), "ATLAS.ti"
    if "maxqda" in o:
        return PositionConvention(utf16=False, crlf_as_two=True), "MAXQDA"
    return CODE_POINTS, ""


class TextIndex:
    """Maps between our offsets (code points into LF text) and a tool's positions."""

    def __init__(self, text: str, crlf_at: Iterable[int] = ()) -> None:
        self.text = text
        self.crlf = sorted(crlf_at)
        self.astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._extras: dict[PositionConvention, list[int]] = {}

    def extras(self, conv: PositionConvention) -> list[int]:
        """Indices of characters that count as two units under ``conv``."""
        cached = self._extras.get(conv)
        if cached is None:
            parts: list[int] = []
            if conv.crlf_as_two:
                parts.extend(self.crlf)
            if conv.utf16:
                parts.extend(self.astral)
            cached = sorted(parts)
            self._extras[conv] = cached
        return cached

    def to_vendor(self, offset: int, conv: PositionConvention) -> int:
        return offset + bisect.bisect_left(self.extras(conv), offset)

    def from_vendor(
        self, position: int, conv: PositionConvention, *, side: Literal["start", "end"]
    ) -> tuple[int, bool]:
        """Our offset for a tool's position, and whether it fell on a character boundary.

        A position past the end maps past the end (the caller rejects it). A position
        inside a CR LF pair snaps so the line break is left out; one inside a
        surrogate pair snaps so the character is kept.
        """
        extras = self.extras(conv)
        if not extras:
            return position, True
        if position <= 0:
            return position, True
        vlen = len(self.text) + len(extras)
        if position >= vlen:
            return len(self.text) + (position - vlen), True
        lo, hi = 0, len(self.text)
        while lo < hi:  # largest i with to_vendor(i) <= position
            mid = (lo + hi + 1) // 2
            if mid + bisect.bisect_left(extras, mid) <= position:
                lo = mid
            else:
                hi = mid - 1
        i = lo
        if i + bisect.bisect_left(extras, i) == position:
            return i, True
        # position is inside character i, which counts as two units
        if self.text[i] == "\n":  # inside CR LF: leave the line break out
            return (i + 1, False) if side == "start" else (i, False)
        return (i, False) if side == "start" else (i + 1, False)


def clean_boundaries(text: str, start: int, end: int) -> bool:
    """A selection that neither starts nor ends in the middle of a word."""
    if not (0 <= start < end <= len(text)):
        return False
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return False
    return not (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


_WS = re.compile(r"\s+")


def quote_matches(name: str, quoted: str) -> bool:
    """ATLAS.ti names a quotation after its text (cut with '…'); check that it fits."""
    label = _WS.sub(" ", name).strip().rstrip("…").rstrip(".").strip()
    if len(label) < 8:
        return False
    return _WS.sub(" ", quoted).strip().startswith(label)


def short_quote(text: str, limit: int = 80) -> str:
    flat = _WS.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- pseudonyms


class OffsetRemap:
    """Offsets before a set of replacements -> offsets after them."""

    def __init__(self) -> None:
        # (old_start, old_end, new_start, new_end) for each replacement, in order
        self.edits: list[tuple[int, int, int, int]] = []
        self._starts: list[int] = []

    def add(self, old_start: int, old_end: int, new_start: int, new_end: int) -> None:
        self.edits.append((old_start, old_end, new_start, new_end))
        self._starts.append(old_start)

    def _find(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos) - 1

    def map(self, pos: int, *, side: Literal["start", "end"]) -> int:
        """New offset of ``pos``. Inside a replaced name, a start moves to the start of
        its pseudonym and an end to its end, so a span keeps covering the same words."""
        if not self.edits:
            return pos
        k = self._find(pos)
        if k < 0:
            return pos
        old_start, old_end, new_start, new_end = self.edits[k]
        if pos == old_start:
            return new_start
        if pos < old_end:
            return new_start if side == "start" else new_end
        return new_end + (pos - old_end)


class Pseudonymiser:
    """Replaces real names with pseudonyms, whole words only, longest name first."""

    def __init__(self, mapping: Mapping[str, str] | None) -> None:
        pairs = {k: v for k, v in (mapping or {}).items() if k and k.strip() and k != v}
        self.mapping = pairs
        if pairs:
            alternatives = "|".join(re.escape(k) for k in sorted(pairs, key=lambda s: (-len(s), s)))
            self._pattern: re.Pattern[str] | None = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        else:
            self._pattern = None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, value: str) -> str:
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(lambda m: self.mapping[m.group(0)], value)

    def text_with_remap(self, value: str) -> tuple[str, OffsetRemap]:
        remap = OffsetRemap()
        if self._pattern is None or not value:
            return value, remap
        out: list[str] = []
        last = 0
        shift = 0
        for m in self._pattern.finditer(value):
            replacement = self.mapping[m.group(0)]
            out.append(value[last : m.start()])
            new_start = m.start() + shift
            out.append(replacement)
            new_end = new_start + len(replacement)
            remap.add(m.start(), m.end(), new_start, new_end)
            shift += len(replacement) - (m.end() - m.start())
            last = m.end()
        out.append(value[last:])
        return "".join(out), remap

    def value(self, value: Any) -> Any:
        """Apply to metadata values, recursively through lists and dicts."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list | tuple):
            return type(value)(self.value(v) for v in value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


# --------------------------------------------------------------------------- ids, colours, dates


def slugify(name: str, fallback: str = "code") -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    return slug or fallback


def unique_id(base: str, taken: set[str]) -> str:
    candidate = base
    n = 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


def valid_colour(value: str | None) -> str | None:
    """The colour as REFI-QDA accepts it (#RRGGBB or #RGB), or None."""
    if value and COLOUR_PATTERN.match(value.strip()):
        return value.strip()
    return None


def parse_colour(value: str | None) -> tuple[str, bool]:
    """Read a colour written by any tool; return it as #RRGGBB/#RGB and whether it was kept."""
    if not value:
        return DEFAULT_COLOUR, True
    v = value.strip()
    if COLOUR_PATTERN.match(v):
        return v, True
    m = re.match(r"^#([0-9A-Fa-f]{2})([0-9A-Fa-f]{6})$", v)
    if m:  # #AARRGGBB
        return "#" + m.group(2), True
    m = re.match(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})", v)
    if m:
        r, g, b = (min(255, int(x)) for x in m.groups())
        return f"#{r:02X}{g:02X}{b:02X}", True
    return DEFAULT_COLOUR, False


def format_datetime(value: str | datetime | None) -> str | None:
    """An xsd:dateTime in UTC (``2024-03-14T10:00:00Z``), or None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_datetime(value: str | None) -> str:
    """A tool's xsd:dateTime as our ISO text (UTC, ``Z``), or '' when absent or unreadable."""
    return format_datetime(value) or ""


def is_iso_date(value: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- labelled descriptions
# qualcode keeps a few fields that REFI-QDA has no place for as labelled lines at the
# end of a <Description>, e.g. "When to use: ...". People see readable text in other
# tools, and qualcode reads the fields back.

CODE_LABELS: tuple[tuple[str, str], ...] = (
    ("name_en", "English name"),
    ("when_to_use", "When to use"),
    ("when_not_to_use", "When not to use"),
    ("example", "Example"),
    ("id", "qualcode id"),
)
FRAMEWORK_LABELS: tuple[tuple[str, str], ...] = (
    ("author", "Author"),
    ("reference", "Reference"),
    ("id", "qualcode framework id"),
)


def encode_description(
    free_text: str, fields: Mapping[str, str], labels: tuple[tuple[str, str], ...]
) -> str:
    body = free_text.strip()
    lines = [
        f"{label}: {fields[key].strip()}" for key, label in labels if fields.get(key, "").strip()
    ]
    if not lines:
        return body
    trailer = "\n".join(lines)
    return f"{body}\n\n{trailer}" if body else trailer


def decode_description(
    text: str, labels: tuple[tuple[str, str], ...]
) -> tuple[str, dict[str, str]]:
    """Split a description into its free text and the labelled fields at its end."""
    by_label = {label.lower(): key for key, label in labels}
    label_re = re.compile(
        r"^(" + "|".join(re.escape(label) for _, label in labels) + r"):[ \t]?(.*)$",
        re.IGNORECASE,
    )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = None
    for i, line in enumerate(lines):
        if label_re.match(line) and (i == 0 or lines[i - 1].strip() == ""):
            start = i
            break
    if start is None:
        return text.strip(), {}
    fields: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines[start:]:
        m = label_re.match(line)
        if m:
            current = by_label[m.group(1).lower()]
            fields[current] = [m.group(2)]
        elif current is not None:
            fields[current].append(line)
    free = "\n".join(lines[:start]).strip()
    return free, {k: "\n".join(v).strip() for k, v in fields.items()}


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def qualcode_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("qualcode")
        except PackageNotFoundError:
            return ""
    except ImportError:  # pragma: no cover
        return ""


def origin_string() -> str:
    v = qualcode_version()
    return f"qualcode {v}" if v else "qualcode"
