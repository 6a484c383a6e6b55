"""Plain text: decoding, the normalisation every format goes through, front matter.

The normalised string is the text the project stores and every offset points into,
so :func:`normalise_text` is the only place where text is rewritten, and it only:
removes a leading byte-order mark, turns CRLF, lone CR, VT, FF, NEL and the Unicode
line/paragraph separators into ``\\n``, pairs UTF-16 surrogates (lone ones become
U+FFFD), removes the other control characters except ``\\t`` and ``\\n``, applies
NFC, and strips whitespace at the very end. Blank lines and spacing inside the text
are kept as they are.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from charset_normalizer import from_bytes

from qualcode.corpus.base import Extracted, looks_like
from qualcode.corpus.fields import FIELD_NAMES, canonical_key, key_lines, load_yaml
from qualcode.corpus.limits import ReadLimits, check_chars
from qualcode.errors import ReadError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
# Characters that do not occur in text: C0/C1 controls other than tab, newline,
# carriage return and form feed, and the replacement character.
_NON_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_BINARY_SHARE = 0.1  # more than this share of odd characters...
_BINARY_MIN = 16  # ...and at least this many: a few stray ones are removed, not refused


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-8-sig, utf-16-le, utf-16-be, utf-32-le/be, cp1252, latin-1
    replaced: int = 0  # byte sequences that could not be decoded and became U+FFFD


def decode_bytes(data: bytes, *, where: str) -> Decoded:
    """Decode the bytes of a text file.

    Order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); then, when the data
    holds NUL bytes, UTF-16 without a byte-order mark if their pattern says so (else the
    file is binary); strict UTF-8; otherwise charset-normalizer's best guess among
    cp1252, latin-1 and UTF-16, falling back to cp1252 (and to latin-1 when the data
    uses one of the five bytes cp1252 leaves undefined). Text that is mostly control
    characters is binary too: both raise a :class:`ReadError`.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            plain = codec.removesuffix("-sig")
            try:
                text = body.decode(plain)
                replaced = 0
            except UnicodeDecodeError:
                # Keep the file readable; count the sequences that became U+FFFD.
                text = body.decode(plain, errors="replace")
                genuine = body.decode(plain, errors="ignore").count("\ufffd")
                replaced = text.count("\ufffd") - genuine
            _refuse_binary(text, data, where)
            return Decoded(text, codec, replaced)
    if b"\x00" in data:
        guessed = _utf16_without_bom(data)
        if guessed is not None:
            _refuse_binary(guessed.text, data, where)
            return guessed
        raise ReadError(
            "the file is binary, not text (it contains NUL bytes)" + looks_like(data),
            path=where,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A copy cut inside its last character: the rest is good UTF-8, so keep it
        # and mark the broken tail rather than reading the whole file as cp1252.
        if exc.reason == "unexpected end of data" and len(data) - exc.start < 4:
            text = data[: exc.start].decode("utf-8") + "\ufffd"
            _refuse_binary(text, data, where)
            return Decoded(text, "utf-8", replaced=1)
    else:
        _refuse_binary(text, data, where)
        return Decoded(text, "utf-8")
    encoding = _guess_single_byte(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding = "latin-1"
        text = data.decode(encoding)
    _refuse_binary(text, data, where)
    return Decoded(text, encoding)


def _guess_single_byte(data: bytes) -> str:
    try:
        best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "utf_16"]).best()
    except Exception:  # the detector is a heuristic: never let it fail the read
        best = None
    if best is not None:
        name = codecs.lookup(best.encoding).name
        if name == "iso8859-1":
            return "latin-1"
        if name == "cp1252":
            return "cp1252"
    return "cp1252"


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text saved without a byte-order mark: mostly Latin text has a zero high
    byte in every other position and (almost) no zero byte in the others."""
    if len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    pairs = len(even)
    for zeros, others, codec in (
        (odd.count(0), even.count(0), "utf-16-le"),
        (even.count(0), odd.count(0), "utf-16-be"),
    ):
        if zeros >= 0.3 * pairs and others <= 0.01 * pairs:
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError:
                return None
    return None


def _refuse_binary(text: str, data: bytes, where: str) -> None:
    if "\x00" in text:
        raise ReadError(
            "the file is binary, not text (it contains NUL characters)" + looks_like(data),
            path=where,
        )
    sample = text[:100_000]
    odd = len(_NON_TEXT.findall(sample))
    if odd >= _BINARY_MIN and odd > _BINARY_SHARE * len(sample):
        raise ReadError(
            "the file is binary, not text (it is mostly control characters)" + looks_like(data),
            path=where,
        )


def normalise_text(text: str) -> str:
    """The one normalisation every format goes through (see the module docstring)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if _SURROGATES.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return text.rstrip()


# --------------------------------------------------------------------------- front matter

_DELIMITER = re.compile(r"---[ \t]*")
_CLOSING = re.compile(r"(?:---|\.\.\.)[ \t]*")
_KEY_LINE = re.compile(r"([A-Za-z_][\w -]*):(?:\s|$)")


@dataclass(frozen=True)
class FrontMatter:
    mapping: dict[str, Any] | None  # None when the text has no front matter
    key_lines: dict[str, int]
    body: str


def split_front_matter(text: str, *, where: str) -> FrontMatter:
    """Split a leading ``---`` YAML block from normalised text.

    The block runs from a first line ``---`` to the next line ``---`` (or ``...``);
    it must be a YAML mapping. The body starts on the line after the closing line,
    skipping blank lines that separate it from the block. A first line ``---`` with no
    closing line is plain text, unless the next line is a known metadata key (``title:``,
    ``informant:``...): then the closing line was forgotten, and that is an error.
    """
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _DELIMITER.fullmatch(first):
        return FrontMatter(None, {}, text)
    lines = text.split("\n")
    closing = next(
        (i for i in range(1, len(lines)) if _CLOSING.fullmatch(lines[i])),
        None,
    )
    if closing is None:
        key = _KEY_LINE.match(lines[1]) if len(lines) > 1 else None
        if key and canonical_key(key.group(1)) in (*FIELD_NAMES, "name"):
            raise ReadError(
                "the front matter that starts on line 1 has no closing '---' line",
                path=where,
                line=1,
            )
        return FrontMatter(None, {}, text)
    data, node = load_yaml(
        "\n".join(lines[1:closing]), where=where, line_offset=1, what="front matter"
    )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError(
            "the front matter must be a list of 'key: value' lines "
            f"(found a {type(data).__name__})",
            path=where,
            line=2,
        )
    start = closing + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    return FrontMatter(data, key_lines(node, 1), "\n".join(lines[start:]))


# --------------------------------------------------------------------------- .txt / .md


def read_text(data: bytes, *, where: str, limits: ReadLimits) -> Extracted:
    """A .txt or .md file: decode, normalise, split off the front matter.

    Markdown is kept as written (it is not rendered).
    """
    decoded = decode_bytes(data, where=where)
    check_chars(len(decoded.text), limits, where)
    text = normalise_text(decoded.text)
    front = split_front_matter(text, where=where)
    facts: dict[str, Any] = {"encoding": decoded.encoding}
    if decoded.replaced:
        facts["decode_errors"] = decoded.replaced
    return Extracted(
        text=front.body,
        facts=facts,
        front_matter=front.mapping,
        front_matter_lines=front.key_lines,
        no_text_message=(
            "the file has front matter but no text after it"
            if front.mapping is not None
            else "the file contains no text (only blank lines or spaces)"
        ),
    )
