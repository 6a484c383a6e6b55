"""The codebook: a versioned YAML file read into a validated, immutable ``Codebook``.

The file format (``format: qualcode-codebook/1``) is described in docs/codebook-format.md.

Reading is safe by construction: the YAML text is only *composed* into a node tree by a
``yaml.SafeLoader`` subclass, never constructed into Python objects by PyYAML, so no tag
can run code. The composer refuses non-standard tags, merge keys, recursive anchors and
alias expansion past a limit (the "billion laughs" attack) while it builds the tree. The
tree is then validated node by node, so every error names the file, the 1-based line and
column of the offending node, and the code it belongs to.

The same rules check a single code edited in the app: ``validate_code`` and ``with_code``.
"""

from __future__ import annotations

import difflib
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qualcode.errors import CodebookError
from qualcode.model import Code, Codebook, Framework, ValenceCues

__all__ = [
    "CODE_KEYS", "DEFAULT_MAX_ALIASES", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_NODES", "FORMAT",
    "default_codebook_path", "dump_codebook", "load_codebook", "normalize_term",
    "parse_codebook", "save_codebook", "template_names", "template_path", "validate_code",
    "with_code", "without_code",
]  # fmt: skip

FORMAT = "qualcode-codebook/1"

DEFAULT_MAX_BYTES = 2 * 1024 * 1024  # a rich codebook is well under 200 kB
DEFAULT_MAX_ALIASES = 100
DEFAULT_MAX_NODES = 100_000  # counted with every alias expanded

TOP_KEYS = ("format", "name", "version", "language", "description", "frameworks", "cues", "codes")
TOP_REQUIRED = ("format", "name", "version", "frameworks", "codes")
FRAMEWORK_KEYS = ("id", "name", "author", "description", "reference")
FRAMEWORK_REQUIRED = ("id", "name")
CUE_KEYS = ("supporting", "inhibiting", "negators", "hedges")
# The fields of qualcode.model.Code, in the order a code is written.
CODE_KEYS = (
    "id", "name", "name_en", "framework", "parent", "definition", "when_to_use",
    "when_not_to_use", "example", "colour", "keywords", "phrases", "supporting_cues",
    "inhibiting_cues", "codable",
)  # fmt: skip
CODE_REQUIRED = ("id", "name", "framework")
CODE_TEXT_FIELDS = ("name_en", "definition", "when_to_use", "when_not_to_use", "example")
CODE_TERM_FIELDS = ("keywords", "phrases", "supporting_cues", "inhibiting_cues")

ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
ID_MAX_LENGTH = 64
COLOUR_PATTERN = re.compile(r"#[0-9A-Fa-f]{6}")

_YAML = "tag:yaml.org,2002:"
# Tags a node may carry. Scalars are read as the text written, so an int, float, bool or
# timestamp tag only means "this text looks like a number/date"; nothing is converted.
_ALLOWED_TAGS = frozenset(
    _YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value", "seq", "map")
)
_BOOL_VALUES: dict[str, bool] = SafeConstructor.bool_values
_MAX_DEPTH = 32  # a codebook needs 5 levels: codebook, codes, code, keywords, keyword

_DATA_DIR = Path(__file__).resolve().parent / "data"


# --------------------------------------------------------------------------- public API


def default_codebook_path() -> Path:
    """The default codebook shipped in the package (Dwiyanto indicators, Mahmudi factors)."""
    return _DATA_DIR / "codebook.yaml"


def template_names() -> tuple[str, ...]:
    """Names of the template codebooks shipped in the package, e.g. ``edward_iii``."""
    folder = _DATA_DIR / "templates"
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.yaml")))


def template_path(name: str) -> Path:
    """Path of the shipped template codebook ``name`` (see ``template_names``)."""
    if name not in template_names():
        known = ", ".join(template_names()) or "none"
        raise CodebookError(f"no template codebook named '{name}' (available: {known})")
    return _DATA_DIR / "templates" / f"{name}.yaml"


def load_codebook(
    path: str | os.PathLike[str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_aliases: int = DEFAULT_MAX_ALIASES,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Codebook:
    """Read and validate a codebook file; ``None`` reads the packaged default.

    Raises ``CodebookError`` (with path, line and column) for anything malformed or unsafe.
    The returned codebook's ``source_path`` is the path that was read.
    """
    file = default_codebook_path() if path is None else Path(path)
    shown = str(file) if path is None else str(path)
    try:
        if file.is_dir():
            raise CodebookError("is a folder, not a codebook file", path=shown)
        size = file.stat().st_size
    except FileNotFoundError:
        raise CodebookError("codebook file not found", path=shown) from None
    except OSError as exc:
        raise CodebookError(f"cannot read the codebook file: {exc.strerror}", path=shown) from None
    if size > max_bytes:
        raise CodebookError(_too_big(size, max_bytes), path=shown)
    try:
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise CodebookError(f"cannot read the codebook file: {exc.strerror}", path=shown) from None
    if len(data) > max_bytes:  # the file grew after stat()
        raise CodebookError(_too_big(len(data), max_bytes), path=shown)
    text = _decode(data, shown)
    codebook = parse_codebook(
        text, source=shown, max_bytes=max_bytes, max_aliases=max_aliases, max_nodes=max_nodes
    )
    return replace(codebook, source_path=str(file))


def parse_codebook(
    text: str,
    source: str = "<string>",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_aliases: int = DEFAULT_MAX_ALIASES,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Codebook:
    """Validate codebook YAML text. ``source`` names it in error messages.

    The result has ``source_path=None``; ``load_codebook`` fills it in.
    """
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise CodebookError(_too_big(size, max_bytes), path=source)
    if text.startswith("\ufeff"):
        text = text[1:]
    root = _compose(text, source, max_aliases=max_aliases, max_nodes=max_nodes)
    return _Reader(source).codebook(root)


def dump_codebook(codebook: Codebook) -> str:
    """YAML text of ``codebook`` in the current format; ``parse_codebook`` reads it back equal.

    Holds for any codebook that passed validation (``load_codebook``, ``parse_codebook``,
    ``with_code``). Comments and layout of the file it came from are not kept; term lists
    are written as wrapped ``[a, b, c]`` lists and long texts as folded ``>-`` blocks.
    """
    token = f"qcterms{secrets.token_hex(6)}"
    term_lists: dict[str, tuple[str, ...]] = {}

    def terms(values: tuple[str, ...]) -> str:
        placeholder = f"{token}_{len(term_lists)}"
        term_lists[placeholder] = values
        return placeholder

    data: dict[str, Any] = {
        "format": FORMAT,
        "name": codebook.name,
        "version": codebook.version,
        "language": codebook.language,
        "description": codebook.description,
        "frameworks": [
            {
                "id": f.id,
                "name": f.name,
                "author": f.author,
                "description": f.description,
                "reference": f.reference,
            }
            for f in codebook.frameworks
        ],
        "cues": {key: terms(getattr(codebook.cues, key)) for key in CUE_KEYS},
        "codes": [
            {
                key: terms(getattr(code, key)) if key in CODE_TERM_FIELDS else getattr(code, key)
                for key in CODE_KEYS
            }
            for code in codebook.codes
        ],
    }
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=_WIDTH - 12,  # PyYAML breaks after the word that crosses the width
        indent=2,
        default_flow_style=False,
    )
    body = re.sub(
        rf"^( *)([a-z_]+): ({token}_\d+)$",
        lambda m: _flow_list(m.group(1), m.group(2), term_lists[m.group(3)]),
        body,
        flags=re.MULTILINE,
    )
    header = f"# qualcode codebook, format {FORMAT} (described in docs/codebook-format.md).\n"
    return header + body


def save_codebook(codebook: Codebook, path: str | os.PathLike[str]) -> Path:
    """Write ``dump_codebook(codebook)`` to ``path`` atomically (temp file, then rename).

    An existing file keeps its permissions; a new one gets the usual ``rw-r--r--``.
    """
    target = Path(path)
    text = dump_codebook(codebook)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".codebook-", suffix=".yaml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def normalize_term(term: str) -> str:
    """A keyword, phrase or cue as it is stored: stripped, lowercased, single-spaced."""
    return " ".join(term.split()).lower()


def validate_code(codebook: Codebook, code: Code) -> Code:
    """Check one added or edited code against ``codebook`` before it is saved.

    Returns the code with its colour upper-cased and its terms normalised (see
    ``normalize_term``). Raises ``CodebookError`` naming the code id and the field.
    A code with the same id as an existing one is checked as its replacement.
    """
    where: dict[str, Any] = {
        "path": codebook.source_path,
        "code_id": code.id if isinstance(code.id, str) else None,
    }
    normal = _normalised_code(code, where)
    for problem in _code_problems(normal):
        raise CodebookError(f"field '{problem.field}': {problem.message}", **where)
    framework_ids = [f.id for f in codebook.frameworks]
    if normal.framework not in framework_ids:
        raise CodebookError(
            f"field 'framework': {_unknown_framework(normal.framework, framework_ids)}", **where
        )
    others = {c.id: c.parent for c in codebook.codes if c.id != normal.id}
    if normal.parent is not None and normal.parent not in others:
        raise CodebookError(
            f"field 'parent': {_unknown_parent(normal.parent, list(others))}", **where
        )
    parents = {**others, normal.id: normal.parent}
    cycle = _cycle_from(normal.id, parents)
    if cycle:
        raise CodebookError(f"field 'parent': {_cycle_message(cycle)}", **where)
    if not normal.codable and not any(c.codable for c in codebook.codes if c.id != normal.id):
        raise CodebookError(
            "field 'codable': it is the only codable code; a codebook needs at least one", **where
        )
    return normal


def with_code(codebook: Codebook, code: Code) -> Codebook:
    """A copy of ``codebook`` with ``code`` added, or replacing the code with its id."""
    normal = validate_code(codebook, code)
    codes = list(codebook.codes)
    for i, existing in enumerate(codes):
        if existing.id == normal.id:
            codes[i] = normal
            break
    else:
        codes.append(normal)
    return replace(codebook, codes=tuple(codes))


def without_code(codebook: Codebook, code_id: str) -> Codebook:
    """A copy of ``codebook`` without the code ``code_id``; refuses to orphan children."""
    where: dict[str, Any] = {"path": codebook.source_path, "code_id": code_id}
    if code_id not in codebook.code_ids:
        raise CodebookError("no such code in the codebook", **where)
    children = [c.id for c in codebook.children(code_id)]
    if children:
        raise CodebookError(
            f"the code has child codes ({', '.join(children)}); move or remove them first",
            **where,
        )
    remaining = tuple(c for c in codebook.codes if c.id != code_id)
    if not any(c.codable for c in remaining):
        raise CodebookError("a codebook needs at least one codable code", **where)
    return replace(codebook, codes=remaining)


# --------------------------------------------------------------------------- composing


class _SafeComposer(yaml.SafeLoader):
    """A SafeLoader that only composes nodes, and refuses dangerous documents as it goes.

    It keeps every node's start mark (line/column). It refuses non-standard tags, merge
    keys, aliases to a node that is still being composed (recursion), more than
    ``max_aliases`` aliases, and trees of more than ``max_nodes`` nodes counted with every
    alias expanded, so an alias bomb is refused before anything walks it.
    """

    def __init__(self, text: str, source: str, max_aliases: int, max_nodes: int) -> None:
        super().__init__(text)
        self._source = source
        self._max_aliases = max_aliases
        self._max_nodes = max_nodes
        self._aliases = 0
        self._composed = 0
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(node) -> node count with aliases expanded

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > self._max_aliases:
                raise self._refuse(
                    f"too many aliases (more than {self._max_aliases}); "
                    "write the values out instead of repeating '*' references",
                    event.start_mark,
                )
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._sizes:
                raise self._refuse(
                    f"alias '*{event.anchor}' refers to a value that contains it", event.start_mark
                )
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            raise self._refuse(
                f"the YAML is nested more than {_MAX_DEPTH} levels deep", event.start_mark
            )
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:  # pragma: no cover - only at the end of a stream
            return None
        self._composed += 1
        self._check_tag(node)
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(self._sizes[id(item)] for item in node.value)
        elif isinstance(node, MappingNode):
            size += sum(self._sizes[id(k)] + self._sizes[id(v)] for k, v in node.value)
        self._sizes[id(node)] = size
        if size > self._max_nodes or self._composed > self._max_nodes:
            raise self._refuse(
                f"the document expands to more than {self._max_nodes} values "
                "(an alias bomb, or far too large for a codebook)",
                node.start_mark,
            )
        return node

    def _check_tag(self, node: Node) -> None:
        if node.tag in _ALLOWED_TAGS:
            return
        if node.tag == _YAML + "merge":
            raise self._refuse(
                "merge keys ('<<') are not supported; write the keys out", node.start_mark
            )
        raise self._refuse(
            f"tag '{_short_tag(node.tag)}' is not allowed; a codebook holds only text, "
            "true/false, lists and mappings",
            node.start_mark,
        )

    def _refuse(self, message: str, mark: Any) -> CodebookError:
        line, column = _position(mark)
        return CodebookError(message, path=self._source, line=line, column=column)


def _compose(text: str, source: str, *, max_aliases: int, max_nodes: int) -> Node:
    loader: _SafeComposer | None = None
    try:
        loader = _SafeComposer(text, source, max_aliases, max_nodes)  # checks the characters
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, source) from None
    except yaml.reader.ReaderError as exc:
        line, column = _offset_position(text, exc.position)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise CodebookError(
            f"the text contains a control character YAML does not allow ({char}); remove it",
            path=source,
            line=line,
            column=column,
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other PyYAML errors carry no mark
        raise CodebookError(f"YAML error: {exc}", path=source) from None
    except RecursionError:
        raise CodebookError("the YAML is nested too deeply", path=source) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise CodebookError("the codebook is empty", path=source, line=1, column=1)
    return root


def _syntax_error(exc: yaml.MarkedYAMLError, source: str) -> CodebookError:
    mark = exc.problem_mark or exc.context_mark
    line, column = _position(mark)
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{problem} ({exc.context}"
        if exc.context_mark is not None and exc.context_mark is not mark:
            problem += f" at line {exc.context_mark.line + 1}"
        problem += ")"
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = "; text that contains ': ' must be put in quotes or written as a '>' block"
    elif "'\\t'" in problem:
        hint = "; indent with spaces, not tabs"
    return CodebookError(
        f"YAML syntax error: {problem}{hint}", path=source, line=line, column=column
    )


# --------------------------------------------------------------------------- reading nodes


@dataclass(frozen=True)
class _Problem:
    """A rule a code breaks: the field, and the list item when the rule is about one."""

    field: str
    message: str
    item: int | None = None  # index in the field's list
    first: int | None = None  # index of an earlier item the problem refers to (duplicates)


class _Reader:
    """Turns a composed node tree into a Codebook, raising at the first problem.

    ``code_id`` names the code being read, so that every error inside it carries it.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.code_id: str | None = None

    def error(self, message: str, node: Node | None, code_id: str | None = None) -> CodebookError:
        line, column = _position(node.start_mark if node is not None else None)
        return CodebookError(
            message, path=self.source, line=line, column=column, code_id=code_id or self.code_id
        )

    # -- generic value readers

    def mapping(self, node: Node, allowed: tuple[str, ...], what: str) -> dict[str, Node]:
        """The value node of each key, after checking the keys; see ``key_nodes`` for keys."""
        if not isinstance(node, MappingNode):
            message = f"{what} must be a mapping of 'key: value' lines, found {_kind(node)}"
            raise self.error(message, node)
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _YAML + "null":
                message = f"a key in {what} must be a plain name, found {_kind(key_node)}"
                raise self.error(message, key_node)
            key = key_node.value
            if key in entries:
                first = _line(entries[key][0])
                message = f"key '{key}' appears twice in {what} (first at line {first})"
                raise self.error(message, key_node)
            if key not in allowed:
                raise self.error(_unknown_key(key, allowed, what), key_node)
            entries[key] = (key_node, value_node)
        return {key: value for key, (_, value) in entries.items()}

    def require(
        self, entries: dict[str, Node], required: tuple[str, ...], node: Node, what: str
    ) -> None:
        for key in required:
            if key not in entries:
                raise self.error(f"{what} is missing the required key '{key}'", node)

    def text(self, node: Node, key: str, *, required: bool = False) -> str:
        if not isinstance(node, ScalarNode):
            raise self.error(f"'{key}' must be text, found {_kind(node)}", node)
        value = "" if node.tag == _YAML + "null" else str(node.value).strip()
        if required and not value:
            raise self.error(f"'{key}' must not be empty", node)
        return value

    def boolean(self, node: Node, key: str) -> bool:
        if isinstance(node, ScalarNode) and node.tag == _YAML + "bool":
            return _BOOL_VALUES[str(node.value).lower()]
        raise self.error(f"'{key}' must be true or false, found {_kind(node)}", node)

    def terms(self, node: Node, key: str) -> list[tuple[str, Node]]:
        """A list of words/phrases, normalised, each with its node (for positions)."""
        if isinstance(node, ScalarNode) and node.tag == _YAML + "null":
            return []
        if not isinstance(node, SequenceNode):
            hint = ""
            if isinstance(node, ScalarNode) and node.tag == _YAML + "str":
                hint = "; write one item a line ('- item') or [item, item]"
            message = f"'{key}' must be a list of words or phrases, found {_kind(node)}{hint}"
            raise self.error(message, node)
        items: list[tuple[str, Node]] = []
        for item in node.value:
            if not isinstance(item, ScalarNode) or item.tag == _YAML + "null":
                message = f"each item of '{key}' must be a word or phrase, found {_kind(item)}"
                raise self.error(message, item)
            items.append((normalize_term(str(item.value)), item))
        return items

    def problem_error(
        self, problem: _Problem, nodes: dict[str, Node], terms: dict[str, list[tuple[str, Node]]]
    ) -> CodebookError:
        """The error for a rule broken by a value read from ``nodes`` (or list ``terms``)."""
        message = problem.message
        node = nodes.get(problem.field)
        if problem.item is not None:
            items = terms[problem.field]
            node = items[problem.item][1]
            if problem.first is not None:
                message += f" (first at line {_line(items[problem.first][1])})"
        return self.error(message, node)

    # -- the document

    def codebook(self, root: Node) -> Codebook:
        if not isinstance(root, MappingNode):
            raise self.error(
                "a codebook must be a mapping with the keys format, name, version, frameworks "
                f"and codes; found {_kind(root)} at the top level",
                root,
            )
        self.check_format(root)
        top = self.mapping(root, TOP_KEYS, "the codebook")
        self.require(top, TOP_REQUIRED, root, "the codebook")
        texts = {key: self.text(top[key], key) for key in ("language", "description") if key in top}
        frameworks = self.frameworks(top["frameworks"])
        return Codebook(
            name=self.text(top["name"], "name", required=True),
            version=self.text(top["version"], "version", required=True),
            language=texts.get("language") or "id",
            description=texts.get("description", ""),
            frameworks=tuple(frameworks),
            cues=self.cues(top["cues"]) if "cues" in top else ValenceCues(),
            codes=tuple(self.codes(top["codes"], [f.id for f in frameworks])),
        )

    def check_format(self, root: MappingNode) -> None:
        for key_node, value in root.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "format":
                written = value.value if isinstance(value, ScalarNode) else _kind(value)
                if str(written).strip() != FORMAT:
                    message = f"unsupported format '{written}': this version of qualcode reads"
                    raise self.error(f"{message} 'format: {FORMAT}'", value)
                return
        raise self.error(
            f"the codebook is missing the required key 'format' (write 'format: {FORMAT}' "
            "on the first line)",
            root,
        )

    def frameworks(self, node: Node) -> list[Framework]:
        if not isinstance(node, SequenceNode) or not node.value:
            raise self.error(
                "'frameworks' must list at least one framework (- id: ..., name: ...), "
                f"found {_kind(node)}",
                node,
            )
        result: list[Framework] = []
        seen: dict[str, Node] = {}
        for item in node.value:
            entries = self.mapping(item, FRAMEWORK_KEYS, "a framework")
            self.require(entries, FRAMEWORK_REQUIRED, item, "a framework")
            framework_id = self.text(entries["id"], "id", required=True)
            problem = _id_problem(framework_id)
            if problem:
                raise self.error(f"framework {problem}", entries["id"])
            if framework_id in seen:
                lines = f"at lines {_line(seen[framework_id])} and {_line(entries['id'])}"
                message = f"framework id '{framework_id}' is used twice, {lines}"
                raise self.error(message, entries["id"])
            seen[framework_id] = entries["id"]
            values = {
                key: self.text(entries[key], key, required=key in FRAMEWORK_REQUIRED)
                for key in FRAMEWORK_KEYS[1:]
                if key in entries
            }
            result.append(Framework(id=framework_id, **values))
        return result

    def cues(self, node: Node) -> ValenceCues:
        if isinstance(node, ScalarNode) and node.tag == _YAML + "null":
            return ValenceCues()
        entries = self.mapping(node, CUE_KEYS, "'cues'")
        terms = {key: self.terms(entries[key], key) if key in entries else [] for key in CUE_KEYS}
        cues = ValenceCues(**{key: tuple(t for t, _ in terms[key]) for key in CUE_KEYS})
        for problem in _cue_problems(cues):
            raise self.problem_error(problem, entries, terms)
        return cues

    def codes(self, node: Node, framework_ids: list[str]) -> list[Code]:
        empty = isinstance(node, ScalarNode) and node.tag == _YAML + "null"
        if empty or isinstance(node, SequenceNode) and not node.value:
            raise self.error("the codebook has no codes; list them under 'codes:'", node)
        if not isinstance(node, SequenceNode):
            raise self.error(f"'codes' must be a list of codes, found {_kind(node)}", node)
        codes: list[Code] = []
        id_nodes: dict[str, Node] = {}
        parent_nodes: dict[str, Node] = {}
        for position, item in enumerate(node.value, start=1):
            code, nodes = self.code(item, position, framework_ids)
            if code.id in id_nodes:
                lines = f"at lines {_line(id_nodes[code.id])} and {_line(nodes['id'])}"
                message = f"code id '{code.id}' is used twice, {lines}"
                raise self.error(message, nodes["id"], code.id)
            id_nodes[code.id] = nodes["id"]
            if "parent" in nodes:
                parent_nodes[code.id] = nodes["parent"]
            codes.append(code)
        parents = {c.id: c.parent for c in codes}
        for code in codes:
            if code.parent is not None and code.parent not in parents:
                message = _unknown_parent(code.parent, parents)
                raise self.error(message, parent_nodes[code.id], code.id)
        for code in codes:
            cycle = _cycle_from(code.id, parents)
            if cycle:
                raise self.error(_cycle_message(cycle), parent_nodes[code.id], code.id)
        if not any(c.codable for c in codes):
            message = "every code has 'codable: false'; at least one code must be codable"
            raise self.error(message, node)
        return codes

    def code(
        self, node: Node, position: int, framework_ids: list[str]
    ) -> tuple[Code, dict[str, Node]]:
        self.code_id = _peek_id(node)
        try:
            what = f"code #{position}"
            nodes = self.mapping(node, CODE_KEYS, what)
            self.require(nodes, CODE_REQUIRED, node, what)
            values: dict[str, Any] = {
                key: self.text(nodes[key], key, required=key in CODE_REQUIRED or key == "colour")
                for key in (*CODE_REQUIRED, *CODE_TEXT_FIELDS, "colour")
                if key in nodes
            }
            if "parent" in nodes:
                values["parent"] = self.text(nodes["parent"], "parent") or None
            if "codable" in nodes:
                values["codable"] = self.boolean(nodes["codable"], "codable")
            terms = {key: self.terms(nodes[key], key) for key in CODE_TERM_FIELDS if key in nodes}
            values.update({key: tuple(t for t, _ in items) for key, items in terms.items()})
            code = Code(**values)
            code = replace(code, colour=code.colour.upper())
            for problem in _code_problems(code):
                raise self.problem_error(problem, nodes, terms)
            if code.framework not in framework_ids:
                message = _unknown_framework(code.framework, framework_ids)
                raise self.error(message, nodes["framework"])
            return code, nodes
        finally:
            self.code_id = None


# --------------------------------------------------------------------------- rules


def _code_problems(code: Code) -> Iterator[_Problem]:
    """The rules a single code must follow, whatever it came from (file or app)."""
    problem = _id_problem(code.id)
    if problem:
        yield _Problem("id", problem)
    if not code.name.strip():
        yield _Problem("name", "'name' must not be empty")
    if not code.framework.strip():
        yield _Problem("framework", "'framework' must not be empty")
    if not COLOUR_PATTERN.fullmatch(code.colour):
        message = f"colour '{code.colour}' is not of the form #RRGGBB (for example #1F77B4)"
        yield _Problem("colour", message)
    if code.parent is not None and code.parent == code.id:
        yield _Problem("parent", "a code cannot be its own parent")
    for key in CODE_TERM_FIELDS:
        yield from _term_problems(key, getattr(code, key))
    yield from _both_ways(code.supporting_cues, code.inhibiting_cues, "inhibiting_cues")


def _cue_problems(cues: ValenceCues) -> Iterator[_Problem]:
    for key in CUE_KEYS:
        yield from _term_problems(key, getattr(cues, key))
    yield from _both_ways(cues.supporting, cues.inhibiting, "inhibiting")


def _term_problems(key: str, terms: tuple[str, ...]) -> Iterator[_Problem]:
    """Rules for one list of normalised terms: no empty or repeated items, word counts."""
    seen: dict[str, int] = {}
    for index, term in enumerate(terms):
        if not term:
            yield _Problem(key, f"'{key}' has an empty item", index)
        elif key == "keywords" and " " in term:
            message = f"keyword '{term}' has several words; list it under 'phrases'"
            yield _Problem(key, message, index)
        elif key == "phrases" and " " not in term:
            message = f"phrase '{term}' is a single word; list it under 'keywords'"
            yield _Problem(key, message, index)
        elif key == "negators" and " " in term:
            message = f"negator '{term}' has several words; a negator is one word such as 'tidak'"
            yield _Problem(key, message, index)
        if term in seen:
            yield _Problem(key, f"'{key}' lists '{term}' twice", index, seen[term])
        seen.setdefault(term, index)


def _both_ways(
    supporting: tuple[str, ...], inhibiting: tuple[str, ...], key: str
) -> Iterator[_Problem]:
    both = set(supporting)
    for index, cue in enumerate(inhibiting):
        if cue in both:
            yield _Problem(key, f"cue '{cue}' is listed as both supporting and inhibiting", index)


def _id_problem(value: str) -> str | None:
    if not ID_PATTERN.fullmatch(value):
        return (
            f"id '{value}' is not valid: use lowercase letters, digits and single underscores, "
            "starting with a letter (for example 'kualitas_layanan')"
        )
    if len(value) > ID_MAX_LENGTH:
        return f"id '{value}' is longer than {ID_MAX_LENGTH} characters"
    return None


def _cycle_from(start: str, parents: dict[str, str | None]) -> list[str] | None:
    """The parent chain from ``start`` if it comes back to ``start``, else None."""
    chain = [start]
    current = parents.get(start)
    while current is not None and current in parents:
        if current == start:
            return [*chain, start]
        if current in chain:  # a cycle further up, reported for its own members
            return None
        chain.append(current)
        current = parents[current]
    return None


def _cycle_message(cycle: list[str]) -> str:
    return f"parent cycle: {' -> '.join(cycle)}"


def _unknown_parent(parent: str, known: Iterable[str]) -> str:
    return (
        f"unknown parent '{parent}'"
        + _suggest(parent, known, " (did you mean '{}'?)")
        + ("; a parent must be the id of another code")
    )


def _unknown_framework(framework: str, known: list[str]) -> str:
    listed = ", ".join(known) or "none"
    return (
        f"unknown framework '{framework}'"
        + _suggest(framework, known, " (did you mean '{}'?)")
        + f"; declared frameworks: {listed}"
    )


def _unknown_key(key: str, allowed: tuple[str, ...], what: str) -> str:
    suggestion = _suggest(key, allowed, " (did you mean '{}'?)")
    if suggestion:
        return f"unknown key '{key}'{suggestion}"
    return f"unknown key '{key}' in {what}; allowed keys: {', '.join(allowed)}"


def _suggest(word: str, candidates: Iterable[str], template: str) -> str:
    aliases = {"color": "colour", "keyword": "keywords", "phrase": "phrases"}
    candidates = list(candidates)
    if word in aliases and aliases[word] in candidates:
        return template.format(aliases[word])
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return template.format(match[0]) if match else ""


# --------------------------------------------------------------------------- app-side checks


def _normalised_code(code: Code, where: dict[str, Any]) -> Code:
    """Type-check a Code built by the app, and normalise its terms and colour."""
    if not isinstance(code, Code):
        raise CodebookError(f"expected a Code, got {type(code).__name__}", **where)
    values: dict[str, Any] = {}
    for key in ("id", "name", "framework", "colour", *CODE_TEXT_FIELDS):
        value = getattr(code, key)
        if not isinstance(value, str):
            raise CodebookError(f"field '{key}': must be text, got {type(value).__name__}", **where)
        values[key] = value.strip()
    values["colour"] = values["colour"].upper()
    parent = code.parent
    if parent is not None and not isinstance(parent, str):
        raise CodebookError(
            f"field 'parent': must be a code id or None, got {type(parent).__name__}", **where
        )
    values["parent"] = (parent.strip() or None) if parent is not None else None
    if not isinstance(code.codable, bool):
        raise CodebookError("field 'codable': must be True or False", **where)
    values["codable"] = code.codable
    for key in CODE_TERM_FIELDS:
        value = getattr(code, key)
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise CodebookError(
                f"field '{key}': must be a list of words or phrases, got {type(value).__name__}",
                **where,
            )
        terms: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise CodebookError(
                    f"field '{key}': each item must be text, got {type(item).__name__}", **where
                )
            terms.append(normalize_term(item))
        values[key] = tuple(terms)
    return Code(**values)


# --------------------------------------------------------------------------- dumping


_WIDTH = 92


class _Dumper(yaml.SafeDumper):
    """Writes block sequences indented under their key and never emits anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar(_YAML + "str", value, style="|")
    if len(value) > 72 and _FOLDABLE.fullmatch(value):
        return dumper.represent_scalar(_YAML + "str", value, style=">")
    return dumper.represent_scalar(_YAML + "str", value)


# Text that reads back unchanged from a folded block: single spaces between printable words.
_FOLDABLE = re.compile(r"[^\s#\-?:,\[\]{}&*!|>'\"%@`](?:[^\s\u0085\u2028\u2029]| (?! ))*(?<! )")

_Dumper.add_representer(str, _represent_str)


# Terms YAML writes plain in a flow list and reads back as the same text: words of ASCII
# letters and digits joined by single spaces or hyphens, starting with a letter (so no
# number or date), that are not a word YAML 1.1 reads as true/false or null.
_PLAIN_TERM = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[ -][A-Za-z0-9]+)*")
_NOT_PLAIN = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def _flow_item(term: str) -> str:
    """How ``term`` is written inside a flow list: plain when YAML allows it, else quoted."""
    if _PLAIN_TERM.fullmatch(term) and term.lower() not in _NOT_PLAIN:
        return term  # what yaml.dump writes, without its cost (most terms)
    return _yaml_flow_item(term)


def _yaml_flow_item(term: str) -> str:
    text = yaml.dump(
        [term], Dumper=_Dumper, default_flow_style=True, allow_unicode=True, width=1 << 30
    )
    return text.strip()[1:-1]


def _flow_list(indent: str, key: str, terms: tuple[str, ...]) -> str:
    """``key: [ ... ]`` with the items wrapped at item boundaries."""
    if not terms:
        return f"{indent}{key}: []"
    inner = indent + "  "
    lines: list[str] = []
    line = ""
    items = [_flow_item(t) for t in terms]
    for n, item in enumerate(items):
        piece = item + ("," if n < len(items) - 1 else "")
        if line and len(line) + 1 + len(piece) > _WIDTH:
            lines.append(line)
            line = inner + piece
        else:
            line = f"{line} {piece}" if line else inner + piece
    lines.append(line)
    return f"{indent}{key}: [\n" + "\n".join(lines) + f"\n{inner}]"


# --------------------------------------------------------------------------- helpers


def _line(node: Node) -> int | None:
    return _position(node.start_mark)[0]


def _position(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return line, column


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CodebookError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            path=shown,
            line=line,
            column=column,
        ) from None


def _too_big(size: int, limit: int) -> str:
    return (
        f"the file is {size / 1_048_576:.1f} MB, over the {limit / 1_048_576:.1f} MB limit "
        "for a codebook"
    )


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag
    if tag == _YAML + "null":
        return "nothing"
    if tag in (_YAML + "int", _YAML + "float"):
        return f"a number ({node.value})"
    if tag == _YAML + "bool":
        return f"true/false ({node.value})"
    return f"the text '{_clip(str(node.value))}'"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _peek_id(node: Node) -> str | None:
    """The code id as written, to name the code in errors found before it is validated."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, ScalarNode)
                and key_node.value == "id"
                and isinstance(value_node, ScalarNode)
                and value_node.tag != _YAML + "null"
            ):
                value = str(value_node.value).strip()
                return value or None
    return None
