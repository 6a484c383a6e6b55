"""Pseudonymisation of informants' real names in everything that leaves the tool.

A document's real informant name sits in its metadata (key ``name``, or an
Indonesian alias such as ``nama``), e.g. "Rina Wulandari"; its pseudonym is the
document's informant label, e.g. "Informan 1" (a label ``Informan N`` is made up
when the document has none, or when the label is the real name itself).

:func:`build_pseudonyms` maps every form of a real name to that label: the full
name ("Rina Wulandari"), each part of it ("Rina", "Wulandari"), every honorific
form ("Bu Rina", "Pak Agus", "Ibu Rina Wulandari") and the forms in other letter
cases found in the project ("RINA WULANDARI", "pak agus"). A part shared by two
informants' names maps to "nama disamarkan". A theorist's name from the codebook
that shares a word with an informant's name ("Agus Dwiyanto" when an informant is
"Agus Pratama") maps to itself: it is protected, so that it never becomes
"[Informan 2] Dwiyanto".

:func:`apply_pseudonyms` replaces whole words, case-sensitively, longest form first;
in running text every replacement is marked with square brackets ("Bu Rina bilang"
-> "[Informan 1] bilang"), the usual sign of an edit inside a quotation, while a
metadata value that is just a name becomes the bare label ("Informan 1").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from qualcode.model import ProjectData

# Metadata keys that hold an informant's real name.
NAME_KEYS: tuple[str, ...] = (
    "name",
    "nama",
    "nama_informan",
    "nama_narasumber",
    "nama_asli",
    "informant_name",
    "real_name",
)

# Forms of address written before a name (Indonesian and regional).
HONORIFICS: tuple[str, ...] = (
    "Bapak",
    "Pak",
    "Bpk.",
    "Bpk",
    "Ibu",
    "Bu",
    "Mas",
    "Mbak",
    "Mba",
    "Dik",
    "Adik",
    "Kak",
    "Kakak",
    "Bang",
    "Abang",
    "Kang",
    "Teh",
    "Uda",
    "Uni",
    "Cak",
    "Ning",
    "Neng",
    "Bli",
    "Daeng",
    "Sdr.",
    "Sdri.",
    "Saudara",
    "Saudari",
    "Tuan",
    "Nyonya",
)

# Tokens of a name that are titles or degrees, not the person's name.
_TITLE_TOKENS = frozenset(
    t.casefold()
    for t in (
        "Dr",
        "Drs",
        "Dra",
        "Drg",
        "Ir",
        "Prof",
        "H",
        "Hj",
        "KH",
        "bin",
        "binti",
        "Sos",
        "Si",
        "SH",
        "SE",
        "ST",
        "MM",
        "MSi",
        "MAP",
        "MPd",
        "SPd",
        "SKom",
        "SIP",
        "SAP",
        "MH",
        "MT",
        "AMd",
    )
)

UNKNOWN_PERSON = "nama disamarkan"
_LABEL_PATTERN = re.compile(r"^informan\s+(\d+)$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def real_name_of(metadata: Mapping[str, Any]) -> str:
    """The informant's real name from a document's metadata, or ""."""
    for key, value in metadata.items():
        if str(key).strip().casefold() in NAME_KEYS and isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def name_parts(name: str) -> list[str]:
    """The words of a name that identify the person: titles, degrees and
    initials left out ("Drs. Agus Salim, M.Si." -> ["Agus", "Salim"])."""
    base = name.split(",")[0]
    parts: list[str] = []
    for match in _WORD.finditer(base):
        word = match.group(0)
        plain = word.replace(".", "")
        if len(plain) < 3 or plain.casefold() in _TITLE_TOKENS:
            continue
        if word not in parts:
            parts.append(word)
    return parts


def build_pseudonyms(project_data: ProjectData) -> dict[str, str]:
    """Real name forms -> pseudonyms for every informant of the project (see the
    module docstring). Empty when no document records a real name."""
    labels = _labels_by_name(project_data)
    if not labels:
        return {}
    forms_of = {name: _forms(name) for name in labels}
    owners: dict[str, set[str]] = {}
    for name, label in labels.items():
        for form in forms_of[name]:
            owners.setdefault(form, set()).add(label)
    mapping: dict[str, str] = {}
    for name, label in labels.items():
        for form in forms_of[name]:
            value = label if len(owners[form]) == 1 else UNKNOWN_PERSON
            if form != name:
                mapping.setdefault(form, value)
            for honorific in HONORIFICS:
                mapping.setdefault(f"{honorific} {form}", value)
    for name, label in labels.items():
        mapping[name] = label
    _add_case_variants(mapping, _project_texts(project_data))
    words = {w for name in labels for w in name_parts(name)}
    for protected in protected_names(project_data):
        if protected not in mapping and set(protected.split()) & words:
            mapping[protected] = protected
    return mapping


def _forms(name: str) -> list[str]:
    """A name as written, without titles ("Agus Salim"), and each of its parts."""
    parts = name_parts(name)
    core = " ".join(parts)
    forms = [name]
    if " " in core and core != name:
        forms.append(core)
    return forms + [p for p in parts if p not in forms]


def protected_names(project_data: ProjectData) -> list[str]:
    """Names that are not informants and must stay as written: the authors of the
    codebook's frameworks (theorists such as "Agus Dwiyanto")."""
    names: list[str] = []
    for framework in project_data.codebook.frameworks:
        for author in re.split(r"\s*(?:,|;|&|\bdan\b|\band\b)\s*", framework.author or ""):
            author = " ".join(author.split())
            if " " in author and author not in names:
                names.append(author)
    return names


class NameReplacer:
    """A compiled mapping: replaces name forms whole-word, longest first."""

    def __init__(self, mapping: Mapping[str, str] | None) -> None:
        # A form mapped to itself is protected: it is matched (longest first) and
        # left as it is, so that its words are not replaced on their own.
        self.mapping = {k: v for k, v in (mapping or {}).items() if k.strip()}
        self._exact = _alternation(self.mapping, ignore_case=False) if self.mapping else None
        self._loose = _alternation(self.mapping, ignore_case=True) if self.mapping else None
        self._folded: dict[str, str] = {}
        for key, value in sorted(self.mapping.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            self._folded.setdefault(_fold(key), value)

    def __bool__(self) -> bool:
        return any(k != v for k, v in self.mapping.items())

    def text(self, value: str) -> str:
        """Running text (quotes, memos): every replaced name is marked with square
        brackets ("Bu Rina bilang" -> "[Informan 1] bilang")."""
        if self._exact is None or not value:
            return value
        return self._exact.sub(self._in_text, value)

    def field(self, value: str) -> str:
        """A metadata value: a value that is just a name becomes the bare label
        ("Rina Wulandari" -> "Informan 1"); other values as :meth:`text`."""
        if self._exact is None or not value:
            return value
        whole = self._exact.fullmatch(value.strip())
        if whole is not None:
            return _bare(self._lookup(whole.group(0)))
        return self.text(value)

    def identifier(self, value: str) -> str:
        """File names and identifiers: any letter case, ``_``/``-``/``.`` between
        words, and the label written with ``_`` ("wawancara_rina.txt" ->
        "wawancara_Informan_1.txt")."""
        if self._loose is None or not value:
            return value
        return self._loose.sub(self._in_identifier, value)

    def value(self, value: Any) -> Any:
        """:meth:`field` on strings, recursively through lists, tuples and dicts."""
        if isinstance(value, str):
            return self.field(value)
        if isinstance(value, list | tuple):
            return type(value)(self.value(v) for v in value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def text_mapping(self) -> dict[str, str]:
        """The mapping as running text uses it (labels in brackets, protected forms
        left out), for writers that replace exact keys, such as the REFI-QDA one."""
        return {k: _bracketed(v) for k, v in self.mapping.items() if k != v}

    def _lookup(self, found: str) -> str:
        return self.mapping.get(found) or self._folded[_fold(found)]

    def _in_text(self, match: re.Match[str]) -> str:
        found = match.group(0)
        value = self._lookup(found)
        return found if _fold(value) == _fold(found) else _bracketed(value)

    def _in_identifier(self, match: re.Match[str]) -> str:
        found = match.group(0)
        value = self._folded[_fold(found)]
        if _fold(value) == _fold(found):
            return found
        return re.sub(r"[^\w]+", "_", value).strip("_")


def _bracketed(value: str) -> str:
    return value if value.startswith("[") else f"[{value}]"


def _bare(value: str) -> str:
    return value[1:-1] if value.startswith("[") and value.endswith("]") else value


def apply_pseudonyms(text: str, mapping: Mapping[str, str], *, ignore_case: bool = False) -> str:
    """``text`` with every name form of ``mapping`` replaced, whole words only,
    longest form first, each replacement in square brackets ("[Informan 1]").
    ``ignore_case`` also replaces forms in other letter cases and with ``_``, ``-``
    or ``.`` between words, writing the label with ``_`` (for file names)."""
    replacer = NameReplacer(mapping)
    return replacer.identifier(text) if ignore_case else replacer.text(text)


def find_names(text: str, mapping: Mapping[str, str]) -> list[str]:
    """The real names still present in ``text``, whole words: full names in any
    letter case, single name parts capitalised or in capitals (protected names such
    as a theorist's do not count). Used to check an export before it is handed
    over."""
    if not text or not mapping:
        return []
    protected = [k for k, v in mapping.items() if k == v]
    if protected:
        text = _alternation(protected, ignore_case=True).sub(" ", text)
    names = [
        k
        for k, v in mapping.items()
        if k != v and not any(k.startswith(h + " ") for h in HONORIFICS)
    ]
    multi = sorted({_fold(k) for k in names if " " in k.strip()})
    single = sorted({w for k in names if " " not in k.strip() for w in (k, k.upper())})
    parts = []
    if multi:
        parts.append(f"(?i:{_trie(multi, loose=True)})")
    if single:
        parts.append(_trie(single, loose=False))
    if not parts:
        return []
    pattern = re.compile(rf"(?<![^\W_])(?:{'|'.join(parts)})(?![^\W_])")
    hits = {m.group(0) for m in pattern.finditer(text)}
    folded_hits = {_fold(h) for h in hits}
    found: list[str] = []
    for form in sorted(names, key=lambda s: (-len(s), s)):
        hit = (
            _fold(form) in folded_hits
            if " " in form.strip()
            else (form in hits or form.upper() in hits)
        )
        if hit and not any(_fold(f) == _fold(form) for f in found):
            found.append(form)
    return found


# --------------------------------------------------------------------------- internals


def _labels_by_name(project_data: ProjectData) -> dict[str, str]:
    """Real name -> informant label; a label is made up ("Informan N", N not yet
    used) when a document has a real name but no label, or its label is the name."""
    used: set[int] = set()
    for doc in project_data.documents:
        match = _LABEL_PATTERN.match(doc.informant.strip())
        if match:
            used.add(int(match.group(1)))
    labels: dict[str, str] = {}
    pending: list[str] = []
    for doc in sorted(project_data.documents, key=lambda d: d.id):
        name = real_name_of(doc.metadata)
        if not name or name in labels or name in pending:
            continue
        label = " ".join(doc.informant.split())
        if label and not _shares_a_name(label, name):
            labels[name] = label
        else:
            pending.append(name)
    number = 1
    for name in pending:
        while number in used:
            number += 1
        used.add(number)
        labels[name] = f"Informan {number}"
    return labels


def _shares_a_name(label: str, name: str) -> bool:
    folded = {p.casefold() for p in name_parts(name)}
    return label.casefold() == name.casefold() or any(
        p.casefold() in folded for p in name_parts(label)
    )


def _project_texts(project_data: ProjectData) -> Iterable[str]:
    for doc in project_data.documents:
        yield doc.text
        yield doc.name
        yield doc.title
    for memo in project_data.memos:
        yield memo.text
        yield memo.title
    for conclusion in project_data.conclusions:
        yield conclusion.text


def _add_case_variants(mapping: dict[str, str], texts: Iterable[str]) -> None:
    """Add the name forms that occur in the texts in another letter case: full
    names and honorific forms in any case ("RINA WULANDARI", "pak agus"), single
    name parts in capitals ("RINA")."""
    forms = list(mapping)
    folded = {_fold(k): mapping[k] for k in sorted(forms, key=lambda s: (-len(s), s))}
    pattern = _alternation(forms, ignore_case=True)
    for text in texts:
        if not text:
            continue
        for match in pattern.finditer(text):
            found = match.group(0)
            multi_word = re.search(r"\s", found) is not None
            if found in mapping or not multi_word and not found.isupper():
                continue
            if re.search(r"[_\-]", found):
                continue
            value = folded.get(_fold(found))
            if value is not None:
                mapping[found] = value


def _fold(value: str) -> str:
    return " ".join(re.split(r"[\s_\-.]+", value.casefold())).strip()


def _trie(forms: Iterable[str], *, loose: bool) -> str:
    """One regular expression for many forms, as a trie: far faster than a plain
    alternation of hundreds of names, and longest forms win (optional tails are
    greedy). A space matches any run of spaces (and ``_``, ``-``, ``.`` when
    ``loose``)."""
    root: dict[str, Any] = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}
    joiner = r"[\s_\-.]+" if loose else r"\s+"

    def build(node: dict[str, Any]) -> str:
        branches = [
            (joiner if char == " " else re.escape(char)) + build(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            if len(branches) == 1:
                body = "(?:" + body + ")"
            return body + "?"
        return body

    return build(root)


def _alternation(forms: Iterable[str], *, ignore_case: bool) -> re.Pattern[str]:
    keys = {_fold_case(f) if ignore_case else f for f in forms if f.strip()}
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![^\W_])(?:{_trie(keys, loose=ignore_case)})(?![^\W_])", flags)


def _fold_case(form: str) -> str:
    """A form for case-insensitive matching: lower case, one space between words."""
    return " ".join(re.split(r"[\s_\-]+", form.casefold())).strip()
