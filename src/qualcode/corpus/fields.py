"""Metadata keys shared by front matter, manifests and defaults.

Known keys fill :class:`~qualcode.model.SourceDocument` fields: ``title``,
``source_type``, ``informant``, ``role``, ``date`` and ``place`` (Indonesian aliases
are accepted: judul, jenis_sumber, informan, narasumber, peran, jabatan, tanggal,
tempat, lokasi). Every other key, ``name`` included, goes into ``metadata``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualcode.errors import ReadError
from qualcode.model import SourceType

FIELD_NAMES: tuple[str, ...] = ("title", "source_type", "informant", "role", "date", "place")

KEY_ALIASES: dict[str, str] = {
    "judul": "title",
    "jenis_sumber": "source_type",
    "informan": "informant",
    "narasumber": "informant",
    "peran": "role",
    "jabatan": "role",
    "tanggal": "date",
    "tempat": "place",
    "lokasi": "place",
}

SOURCE_TYPE_WORDS: dict[str, SourceType] = {
    "interview": "interview",
    "interviews": "interview",
    "wawancara": "interview",
    "observation": "observation",
    "observations": "observation",
    "observasi": "observation",
    "pengamatan": "observation",
    "document": "document",
    "documents": "document",
    "dokumen": "document",
    "dokumentasi": "document",
}

_ACCEPTED_TYPES = "interview, observation, document (or wawancara, observasi, dokumentasi, dokumen)"


def _plain_key(key: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(key).strip()).casefold()


def canonical_key(key: object) -> str:
    """``"Source-Type "`` -> ``"source_type"``, aliases resolved."""
    norm = _plain_key(key)
    return KEY_ALIASES.get(norm, norm)


def parse_source_type(
    value: object, *, where: str, line: int | None = None, what: str = "metadata"
) -> SourceType:
    word = str(value).strip().casefold()
    if word in SOURCE_TYPE_WORDS:
        return SOURCE_TYPE_WORDS[word]
    raise ReadError(
        f"unknown source_type {str(value)!r} in {what}; use one of: {_ACCEPTED_TYPES}",
        path=where,
        line=line,
    )


# --------------------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "january", "jan"),
        ("februari", "pebruari", "february", "feb", "peb"),
        ("maret", "march", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "aug"),
        ("september", "sep", "sept"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "december", "des", "dec"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_WEEKDAY = r"(?:(?:hari\s+)?(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)\s*,?\s*)?"
_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"), "dmy"),
    (re.compile(_WEEKDAY + r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", re.IGNORECASE), "d name y"),
    (re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", re.IGNORECASE), "name d y"),
)


def normalise_date(value: object) -> str:
    """An ISO date when ``value`` is one (a YAML date, ``2024-03-14``, ``14/03/2024``,
    ``14 Maret 2024``, ``Kamis, 14 Maret 2024``, ``March 14, 2024``); otherwise the
    value as written."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for pattern, form in _DATE_FORMS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if form == "ymd":
                day = dt.date(int(a), int(b), int(c))
            elif form == "dmy":
                day = dt.date(int(c), int(b), int(a))
            elif form == "d name y":
                day = dt.date(int(c), _MONTHS[b.casefold()], int(a))
            else:
                day = dt.date(int(c), _MONTHS[a.casefold()], int(b))
        except (KeyError, ValueError):
            continue
        return day.isoformat()
    return text


# --------------------------------------------------------------------------- values


class TooComplex(ValueError):
    """A metadata value nests or repeats too much to store."""


def jsonable(value: Any, budget: list[int] | None = None) -> Any:
    """A copy of ``value`` that ``json.dumps`` accepts: dates become ISO strings,
    tuples and sets lists, keys strings. Raises :class:`TooComplex` beyond 10,000 items
    (YAML aliases can make a small file expand enormously)."""
    if budget is None:
        budget = [10_000]
    budget[0] -= 1
    if budget[0] < 0:
        raise TooComplex("the metadata is too large or nested")
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, budget) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v, budget) for v in value]
    return str(value)


# --------------------------------------------------------------------------- layers


@dataclass
class MetadataLayer:
    """One source of metadata (front matter, a manifest entry or defaults), parsed."""

    fields: dict[str, str] = field(default_factory=dict)  # known keys, non-empty only
    extra: dict[str, Any] = field(default_factory=dict)  # everything else


def parse_layer(
    mapping: Mapping[Any, Any],
    *,
    where: str,
    what: str,
    lines: Mapping[str, int] | None = None,
    default_line: int | None = None,
) -> MetadataLayer:
    """Split a metadata mapping into known fields and extra metadata.

    Empty values (``None`` or blank) of known keys are ignored, so that a layer with
    lower precedence can fill them. ``lines`` gives the line of each key for errors.
    """
    layer = MetadataLayer()
    canonical_given: set[str] = set()
    for raw_key, value in mapping.items():
        line = (lines or {}).get(str(raw_key), default_line)
        key = canonical_key(raw_key)
        if key not in FIELD_NAMES:
            try:
                layer.extra[str(raw_key).strip()] = jsonable(value)
            except (TooComplex, RecursionError) as exc:
                raise ReadError(
                    f"the value of {str(raw_key)!r} in {what} is too large or nested",
                    path=where,
                    line=line,
                ) from exc
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, Mapping | list | tuple | set):
            raise ReadError(
                f"{str(raw_key)!r} in {what} must be a single value, not a list or mapping",
                path=where,
                line=line,
            )
        is_alias = _plain_key(raw_key) != key
        if key in layer.fields and (is_alias or key in canonical_given):
            continue  # "informant" wins over its alias "informan"; else the first wins
        if not is_alias:
            canonical_given.add(key)
        if key == "source_type":
            layer.fields[key] = parse_source_type(value, where=where, line=line, what=what)
        elif key == "date":
            layer.fields[key] = normalise_date(value)
        else:
            layer.fields[key] = str(value).strip()
    return layer


# --------------------------------------------------------------------------- YAML


_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def load_yaml(
    text: str, *, where: str, line_offset: int = 0, what: str
) -> tuple[Any, yaml.Node | None]:
    """``yaml.safe_load`` that reports errors with the file line, and also returns the
    node tree (for :func:`key_lines`). ``line_offset`` is the number of file lines
    before ``text``."""
    if _FAST_LOADER is not None:
        # libyaml's parser, with PyYAML's own safe constructor; on any error the pure
        # Python parser below reads the text again, so messages stay the same.
        fast = _FAST_LOADER(text)
        try:
            node = fast.get_single_node()
            return (None if node is None else fast.construct_document(node)), node
        except (yaml.YAMLError, RecursionError):
            pass
        finally:
            fast.dispose()
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ReadError(f"malformed {what}: {problem}", path=where, line=line) from exc
    except yaml.YAMLError as exc:
        raise ReadError(f"malformed {what}: {exc}", path=where) from exc
    except RecursionError as exc:
        raise ReadError(f"malformed {what}: nested too deeply", path=where) from exc
    finally:
        loader.dispose()
    return data, node


def key_lines(node: yaml.Node | None, line_offset: int = 0) -> dict[str, int]:
    """The 1-based file line of each key of a YAML mapping node."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines.setdefault(str(key_node.value), key_node.start_mark.line + 1 + line_offset)
    return lines


# --------------------------------------------------------------------------- folders

_FOLDER_TYPES: dict[str, SourceType] = {
    "wawancara": "interview",
    "interview": "interview",
    "interviews": "interview",
    "observasi": "observation",
    "observation": "observation",
    "observations": "observation",
    "dokumen": "document",
    "dokumentasi": "document",
    "document": "document",
    "documents": "document",
}
_NUMBERING = re.compile(r"^\d+[\s._\-)]*")


def folder_source_type(path: Path, root: Path | None = None) -> SourceType | None:
    """The source type a folder name suggests: the file's own folder, then (when the
    file was found by walking ``root``) each folder up to and including ``root``.

    A leading number is ignored ("01_wawancara"). The user's own Documents folder
    (directly in the home folder or in OneDrive) is not a hint.
    """
    folders = [path.parent]
    if root is not None:
        folders = []
        current = path.parent
        while True:
            folders.append(current)
            if current == root or current.parent == current:
                break
            current = current.parent
    for folder in folders:
        word = _NUMBERING.sub("", folder.name).strip().casefold()
        kind = _FOLDER_TYPES.get(word)
        if kind is None:
            continue
        if kind == "document" and _is_personal_documents(folder):
            continue
        return kind
    return None


def _is_personal_documents(folder: Path) -> bool:
    try:
        parent = folder.resolve().parent
        home = Path.home().resolve()
    except (OSError, RuntimeError):
        return False
    return parent == home or parent.name.casefold().startswith("onedrive")
