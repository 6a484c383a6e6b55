"""Folder manifests: metadata for files that cannot carry front matter.

A folder may hold ``metadata.yaml`` (or ``metadata.yml``, ``manifest.yaml``,
``manifest.yml``, ``manifest.csv``). The YAML forms are either a mapping from file name
to that file's metadata, where the name ``"*"`` applies to every file of the folder::

    "*":
      place: Setda Kabupaten Sleman
    informan-2.docx:
      informant: Informan 2
      role: Pegawai Bagian Organisasi
      date: 2024-03-14

or a list of mappings, each with a ``file`` key. ``manifest.csv`` has a header row with a
``file`` column (``filename``, ``nama_file`` and ``berkas`` are accepted too) and one
column per key; ``,``, ``;`` and tab separators are recognised. Empty cells are ignored.
File names match exactly, else ignoring case. When several manifests are present, they
are all read, in the order above (earlier ones win).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualcode.corpus.fields import MetadataLayer, canonical_key, key_lines, load_yaml, parse_layer
from qualcode.corpus.limits import ReadLimits, check_size
from qualcode.corpus.text import decode_bytes, normalise_text
from qualcode.errors import ReadError

MANIFEST_NAMES: tuple[str, ...] = (
    "metadata.yaml",
    "metadata.yml",
    "manifest.yaml",
    "manifest.yml",
    "manifest.csv",
)
_FILE_COLUMNS = ("file", "filename", "file_name", "nama_file", "berkas", "nama_berkas")
ALL_FILES = "*"


@dataclass(frozen=True)
class ManifestEntry:
    values: Mapping[Any, Any]
    source: str  # the manifest file, for errors
    line: int | None = None  # where the entry starts
    lines: Mapping[str, int] = field(default_factory=dict)  # line of each key


@dataclass
class Manifest:
    """The manifests of one folder, merged."""

    folder: Path
    sources: tuple[Path, ...] = ()
    entries: dict[str, list[ManifestEntry]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def entries_for(self, file_name: str) -> list[ManifestEntry]:
        """Entries for ``file_name``, highest precedence first (its own, then ``"*"``)."""
        name = unicodedata.normalize("NFC", file_name)
        own = self.entries.get(name)
        if own is None:
            folded = name.casefold()
            own = next(
                (v for k, v in self.entries.items() if k != ALL_FILES and k.casefold() == folded),
                [],
            )
        return [*own, *self.entries.get(ALL_FILES, [])]

    def layers_for(self, file_name: str) -> list[MetadataLayer]:
        """The parsed metadata for ``file_name``; raises :class:`ReadError` on a bad value."""
        return [
            parse_layer(
                e.values,
                where=e.source,
                what=Path(e.source).name,
                lines=e.lines,
                default_line=e.line,
            )
            for e in self.entries_for(file_name)
        ]


def load_manifest(folder: str | Path, *, limits: ReadLimits | None = None) -> Manifest:
    """Read the manifests of ``folder`` (an empty :class:`Manifest` when there are none)."""
    folder = Path(folder)
    limits = limits or ReadLimits()
    manifest = Manifest(folder)
    sources: list[Path] = []
    for name in MANIFEST_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        sources.append(path)
        text = _read_manifest_text(path, limits)
        if name.endswith(".csv"):
            found = _csv_entries(text, str(path))
        else:
            found = _yaml_entries(text, str(path))
        for file_name, entry in found:
            manifest.entries.setdefault(file_name, []).append(entry)
    manifest.sources = tuple(sources)
    return manifest


def _read_manifest_text(path: Path, limits: ReadLimits) -> str:
    where = str(path)
    try:
        size = path.stat().st_size
        check_size(size, limits, where)
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"the manifest cannot be read: {exc.strerror or exc}", path=where) from exc
    return normalise_text(decode_bytes(data, where=where).text)


def _yaml_entries(text: str, where: str) -> list[tuple[str, ManifestEntry]]:
    what = Path(where).name
    data, node = load_yaml(text, where=where, what=what)
    if data is None:
        return []
    found: list[tuple[str, ManifestEntry]] = []
    if isinstance(data, dict) and isinstance(node, yaml.MappingNode):
        top = key_lines(node)
        values_by_key = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        for file_name, values in data.items():
            line = top.get(str(file_name))
            if values is None:
                values = {}
            if not isinstance(values, dict):
                raise ReadError(
                    f"{what} must map each file name to its metadata "
                    f"('{file_name}:' followed by indented 'key: value' lines)",
                    path=where,
                    line=line,
                )
            found.append(
                (
                    _name(file_name),
                    ManifestEntry(
                        values, where, line, key_lines(values_by_key.get(str(file_name)))
                    ),
                )
            )
        return found
    if isinstance(data, list) and isinstance(node, yaml.SequenceNode):
        for item, item_node in zip(data, node.value, strict=True):
            line = item_node.start_mark.line + 1
            if not isinstance(item, dict):
                raise ReadError(
                    f"each item of {what} must be a mapping with a 'file' key",
                    path=where,
                    line=line,
                )
            file_key = next((k for k in item if canonical_key(k) in _FILE_COLUMNS), None)
            if file_key is None or item[file_key] in (None, ""):
                raise ReadError(f"an item of {what} has no 'file' key", path=where, line=line)
            values = {k: v for k, v in item.items() if k != file_key}
            found.append(
                (_name(item[file_key]), ManifestEntry(values, where, line, key_lines(item_node)))
            )
        return found
    raise ReadError(
        f"{what} must map file names to metadata (or be a list of mappings with a 'file' key)",
        path=where,
        line=1,
    )


def _csv_entries(text: str, where: str) -> list[tuple[str, ManifestEntry]]:
    what = Path(where).name
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            return []
        keys = [h.strip() for h in header]
        file_index = next(
            (i for i, k in enumerate(keys) if canonical_key(k) in _FILE_COLUMNS), None
        )
        if file_index is None:
            raise ReadError(f"{what} needs a 'file' column naming each file", path=where, line=1)
        found: list[tuple[str, ManifestEntry]] = []
        for row in reader:
            line = reader.line_num
            if file_index >= len(row) or not row[file_index].strip():
                continue
            values = {
                keys[i]: cell.strip()
                for i, cell in enumerate(row)
                if i != file_index and i < len(keys) and keys[i] and cell.strip()
            }
            lines = dict.fromkeys(values, line)
            found.append((_name(row[file_index]), ManifestEntry(values, where, line, lines)))
        return found
    except csv.Error as exc:
        raise ReadError(f"malformed {what}: {exc}", path=where, line=reader.line_num) from exc


def _name(value: object) -> str:
    return unicodedata.normalize("NFC", str(value).strip())
