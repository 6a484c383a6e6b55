"""Language analysis of a text, independent of any codebook.

``analyse(text)`` tokenises with spaCy's Indonesian tokenizer and records, per
token, its character offsets, lowercase form, root (``normalize.root``) and a few
flags, plus sentence and clause boundaries. The result depends only on the text
and ``ANALYSIS_VERSION``, so a project can cache it per segment
(``to_bytes``/``from_bytes``) and re-code after a codebook edit without redoing it.

Whitespace tokens are dropped; a newline still ends a sentence. Square-bracketed
transcription notes ("[tertawa]", "[00:12:31]", "[tidak jelas]") are kept but
flagged ``is_note`` so the coder ignores them.
"""

from __future__ import annotations

import json
import operator
import re
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, chain, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from qualcode.nlp import lexicon
from qualcode.nlp.normalize import NORMALIZER_VERSION, root

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# Bump when tokenisation, boundaries or flags change; includes the normaliser version.
ANALYSIS_VERSION = f"a1.n{NORMALIZER_VERSION}"
DEFAULT_BACKEND = "sastrawi"
_FORMAT = 3
_LEVEL = 1  # zlib level: most of the time goes to the text, which 6 or 9 shrink by 2 %
_ROOT_SEP = "\x1f"
_FOURS = repeat(4)  # shift of the boundary level in a token's code byte

# Token flags (bit field).
ALPHA = 1
PUNCT = 2
NOTE = 4
# Boundary levels: what starts at a token.
MINOR_CLAUSE = 1  # after a comma or a dash
MAJOR_CLAUSE = 2  # after ';' or ':', or at a contrastive conjunction ("tetapi", "namun")
SENTENCE = 3  # after . ! ? or a line break

_SENTENCE_END = frozenset(".!?…")
_MINOR_PUNCT = frozenset({",", "—", "–", "-", "(", ")", "--"})
_MAJOR_PUNCT = frozenset({";", ":"})
_NOTE_MAX_TOKENS = 40


class Token(NamedTuple):
    """One token of an analysed text (a view built on demand)."""

    position: int
    start: int
    end: int
    lower: str
    root: str
    is_alpha: bool
    is_punct: bool
    is_note: bool


# --------------------------------------------------------------------------- tokenizer


def _infixes() -> list[str]:
    """spaCy's Indonesian infixes without the rule that splits letter-hyphen-letter.

    Indonesian writes reduplication and affixed loanwords with a hyphen
    ("data-data", "di-update", "antar-OPD", "e-office"); these stay one token.
    """
    from spacy.lang.char_classes import ALPHA, HYPHENS
    from spacy.lang.id.punctuation import TOKENIZER_INFIXES

    letter_lookbehind = f"(?<=[{ALPHA}])"
    dashes = "|".join(h for h in HYPHENS.split("|") if h != "-")
    out = []
    for rule in TOKENIZER_INFIXES:
        if rule.startswith(letter_lookbehind):
            # letter-hyphen-letter: keep splitting on dashes, not on "-"
            rule = rule.replace(f"(?:{HYPHENS})", f"(?:{dashes})")
            rule = rule.replace(r"[\/-]", r"\/")
        out.append(rule)
    return out


_PURE_HYPHENATED = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)+$")


def _exceptions(all_exceptions: dict[str, Any]) -> dict[str, Any]:
    """spaCy's exceptions minus the ~15,600 hyphenated words ("kerja-kerja").

    With the hyphen kept inside words they are redundant (same tokens, checked on
    the UD Indonesian treebanks and the sample study), and loading them takes
    seconds.
    """
    return {k: v for k, v in all_exceptions.items() if not _PURE_HYPHENATED.match(k)}


def make_tokenizer(vocab: Vocab | None = None) -> Tokenizer:
    """spaCy's Indonesian tokenizer, keeping hyphenated words whole ("di-update")."""
    from spacy.lang.id import Indonesian
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
    from spacy.vocab import create_vocab

    defaults = Indonesian.Defaults
    return Tokenizer(
        vocab if vocab is not None else create_vocab("id", defaults),
        rules=_exceptions(defaults.tokenizer_exceptions),
        prefix_search=compile_prefix_regex(defaults.prefixes or ()).search,
        suffix_search=compile_suffix_regex(defaults.suffixes or ()).search,
        infix_finditer=compile_infix_regex(_infixes()).finditer,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )


@lru_cache(maxsize=1)
def get_tokenizer() -> Tokenizer:
    """The shared Indonesian tokenizer, created once per process."""
    return make_tokenizer()


# --------------------------------------------------------------------------- result


class AnalysedText:
    """Tokens of one text with offsets, roots, flags and boundaries, stored column-wise."""

    __slots__ = (
        "text",
        "starts",
        "ends",
        "lowers",
        "roots",
        "flags",
        "bounds",
        "backend",
        "version",
        "_cache",
    )

    def __init__(
        self,
        text: str,
        starts: list[int],
        ends: list[int],
        lowers: list[str],
        roots: list[str],
        flags: list[int],
        bounds: list[int],
        *,
        backend: str = DEFAULT_BACKEND,
        version: str = ANALYSIS_VERSION,
    ) -> None:
        self.text = text
        self.starts = starts
        self.ends = ends
        self.lowers = lowers
        self.roots = roots
        self.flags = flags
        self.bounds = bounds
        self.backend = backend
        self.version = version
        self._cache: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self) -> Iterator[Token]:
        return (self.token(i) for i in range(len(self.starts)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AnalysedText):
            return NotImplemented
        return self.to_tuples() == other.to_tuples() and self.text == other.text

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AnalysedText({len(self)} tokens, {len(self.text)} chars, {self.version})"

    def token(self, i: int) -> Token:
        f = self.flags[i]
        return Token(
            i,
            self.starts[i],
            self.ends[i],
            self.lowers[i],
            self.roots[i],
            bool(f & ALPHA),
            bool(f & PUNCT),
            bool(f & NOTE),
        )

    @property
    def tokens(self) -> list[Token]:
        return list(self)

    @property
    def is_current(self) -> bool:
        """True when made by this version of the analysis."""
        return self.version == ANALYSIS_VERSION

    def spans(self, level: int = SENTENCE) -> list[tuple[int, int]]:
        """Token ranges ``(first, last + 1)`` of the units at ``level``.

        ``SENTENCE`` gives sentences, ``MAJOR_CLAUSE`` clauses split at ';', ':' and
        contrastive conjunctions, ``MINOR_CLAUSE`` also splits at commas and dashes.
        """
        key = f"spans{level}"
        cached = self._cache.get(key)
        if cached is None:
            bounds = self.bounds
            edges = [i for i in range(1, len(bounds)) if bounds[i] >= level]
            if bounds:
                edges = [0, *edges, len(bounds)]
            cached = list(zip(edges, edges[1:]))  # noqa: B905 (one shorter by design)
            self._cache[key] = cached
        return list(cached)

    def unit_ids(self, level: int) -> list[int]:
        """For each token, the number of its unit at ``level`` (see ``spans``)."""
        key = f"ids{level}"
        cached: list[int] | None = self._cache.get(key)
        if cached is None:
            # A running count of the tokens that open a unit (the first always does).
            opens = [b >= level for b in self.bounds]
            if opens:
                opens[0] = True
            cached = [n - 1 for n in accumulate(opens)]
            self._cache[key] = cached
        return cached

    def sentences(self) -> list[tuple[int, int]]:
        """Character ranges of the sentences."""
        return [(self.starts[a], self.ends[b - 1]) for a, b in self.spans(SENTENCE)]

    def clauses(self, level: int = MAJOR_CLAUSE) -> list[tuple[int, int]]:
        """Character ranges of the clauses."""
        return [(self.starts[a], self.ends[b - 1]) for a, b in self.spans(level)]

    # ----------------------------------------------------------------- serialisation

    def to_tuples(self) -> list[tuple[int, int, str, int]]:
        """One ``(start, end, root_or_empty, flags | bound << 4)`` per token.

        The root is "" when it equals the lowercase token, which is most tokens
        that are not words plus many roots; the lowercase form is re-read from
        the text.
        """
        out = []
        for s, e, low, r, f, b in zip(
            self.starts, self.ends, self.lowers, self.roots, self.flags, self.bounds, strict=True
        ):
            out.append((s, e, "" if r == low else r, f | (b << 4)))
        return out

    @classmethod
    def from_tuples(
        cls,
        text: str,
        rows: Iterable[Sequence[Any]],
        *,
        backend: str = DEFAULT_BACKEND,
        version: str = ANALYSIS_VERSION,
    ) -> AnalysedText:
        """Rebuild from ``to_tuples()`` rows and the same text."""
        starts: list[int] = []
        ends: list[int] = []
        lowers: list[str] = []
        roots: list[str] = []
        flags: list[int] = []
        bounds: list[int] = []
        for s, e, r, code in rows:
            low = text[s:e].lower()
            starts.append(s)
            ends.append(e)
            lowers.append(low)
            roots.append(r or low)
            flags.append(code & 0xF)
            bounds.append(code >> 4)
        return cls(
            text, starts, ends, lowers, roots, flags, bounds, backend=backend, version=version
        )

    def to_bytes(self, *, include_text: bool = True) -> bytes:
        """Compact, compressed form for caching; about 0.8x the UTF-8 text without it.

        Without the text (``include_text=False``) pass the text to ``from_bytes``;
        a checksum refuses a different one.

        Layout (zlib-compressed): a JSON header line, then the gaps before and the
        lengths of the tokens as unsigned little-endian integers, one byte per token
        of ``flags | bound << 4``, the roots ("" where a root equals the lowercase
        token) joined by ``\x1f`` in UTF-8, and the text in UTF-8.
        """
        starts, ends, lowers = self.starts, self.ends, self.lowers
        # map() with operator functions runs these per-token loops in C; the previous
        # token's ends are one longer than starts, and map stops at the shortest.
        gaps = _packed_ints(list(map(operator.sub, starts, [0, *ends])))
        lengths = _packed_ints(list(map(operator.sub, ends, starts)))
        codes = bytes(map(operator.or_, self.flags, map(operator.lshift, self.bounds, _FOURS)))
        roots = ["" if r == low else r for r, low in zip(self.roots, lowers, strict=True)]
        joined = _ROOT_SEP.join(roots)
        if joined.count(_ROOT_SEP) != max(0, len(roots) - 1):  # a root holds the separator
            joined = json.dumps(roots, ensure_ascii=False)
            roots_kind = "json"
        else:
            roots_kind = "sep"
        roots_data = joined.encode("utf-8")
        text_data = self.text.encode("utf-8")
        header = [
            _FORMAT,
            self.version,
            self.backend,
            zlib.crc32(text_data),
            len(starts),
            gaps[0],
            lengths[0],
            roots_kind,
            len(roots_data),
            include_text,
        ]
        parts = [
            json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            b"\n",
            gaps[1],
            lengths[1],
            codes,
            roots_data,
        ]
        if include_text:
            parts.append(text_data)
        return zlib.compress(b"".join(parts), _LEVEL)

    @classmethod
    def from_bytes(cls, data: bytes, text: str | None = None) -> AnalysedText:
        """Rebuild from ``to_bytes()``. Raises ValueError if the data or text do not fit."""
        try:
            raw = zlib.decompress(data)
            head, _, body = raw.partition(b"\n")
            header = json.loads(head.decode("utf-8"))
            fmt = header[0]
        except (zlib.error, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"not a serialised analysis: {exc}") from exc
        if fmt == 2:  # one JSON array, text included (earlier releases)
            return cls._from_json_payload(header, text)
        if fmt != _FORMAT:
            raise ValueError(f"unknown analysis format {fmt!r}")
        try:
            _, version, backend, crc, n, gap_code, length_code, roots_kind, n_roots, has_text = (
                header
            )
            view = memoryview(body)
            gaps, pos = _unpacked_ints(view, 0, n, gap_code)
            lengths, pos = _unpacked_ints(view, pos, n, length_code)
            codes = bytes(view[pos : pos + n])
            pos += n
            if not len(gaps) == len(lengths) == len(codes) == n:
                raise ValueError("its token columns are cut short")
            joined = bytes(view[pos : pos + n_roots]).decode("utf-8")
            stored: list[str] = (
                json.loads(joined) if roots_kind == "json" else joined.split(_ROOT_SEP) if n else []
            )
            if len(stored) != n:
                raise ValueError("it has a root too many or too few")
            if text is None and has_text:
                text = bytes(view[pos + n_roots :]).decode("utf-8")
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise ValueError(f"not a serialised analysis: {exc}") from exc
        if text is None:
            raise ValueError("the analysis was stored without its text: pass text=")
        if zlib.crc32(text.encode("utf-8")) != crc:
            raise ValueError("the text does not match the one that was analysed")
        edges = list(accumulate(chain.from_iterable(zip(gaps, lengths, strict=True))))
        starts = edges[0::2]
        ends = edges[1::2]
        lowers = [text[s:e].lower() for s, e in zip(starts, ends, strict=True)]
        return cls(
            text,
            starts,
            ends,
            lowers,
            [r or low for r, low in zip(stored, lowers, strict=True)],
            [c & 0xF for c in codes],
            [c >> 4 for c in codes],
            backend=backend,
            version=version,
        )

    @classmethod
    def _from_json_payload(cls, payload: Any, text: str | None) -> AnalysedText:
        """Read the JSON layout of format 2 (caches written by earlier releases)."""
        _, version, backend, crc, gaps, lengths, packed, codes, *rest = payload
        if text is None:
            if not rest:
                raise ValueError("the analysis was stored without its text: pass text=")
            text = rest[0]
        if zlib.crc32(text.encode("utf-8")) != crc:
            raise ValueError("the text does not match the one that was analysed")
        roots = packed.split(_ROOT_SEP) if isinstance(packed, str) else packed
        if not gaps:
            roots = []
        rows = []
        previous = 0
        for gap, length, r, code in zip(gaps, lengths, roots, codes, strict=True):
            start = previous + gap
            previous = start + length
            rows.append((start, previous, r, code))
        return cls.from_tuples(text, rows, backend=backend, version=version)


def _packed_ints(values: list[int]) -> tuple[str, bytes]:
    """``(typecode, little-endian bytes)`` of non-negative ints, in the smallest type."""
    try:
        return "B", bytes(values)
    except ValueError:
        pass
    packed = array("H" if max(values) < 1 << 16 else "I", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.typecode, packed.tobytes()


def _unpacked_ints(view: memoryview, pos: int, n: int, typecode: str) -> tuple[list[int], int]:
    """Read ``n`` ints written by ``_packed_ints`` at ``pos``; return them and the next pos."""
    if typecode == "B":
        return list(view[pos : pos + n]), pos + n
    if typecode not in ("H", "I"):
        raise ValueError(f"unknown integer type {typecode!r}")
    values = array(typecode)
    size = values.itemsize * n
    values.frombytes(view[pos : pos + size])
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist(), pos + size


# --------------------------------------------------------------------------- analysis


def analysed_from_doc(
    doc: Doc,
    *,
    roots: Sequence[str | None] | None = None,
    root_fn: Callable[[str], str] | None = None,
    backend: str = DEFAULT_BACKEND,
    text: str | None = None,
) -> AnalysedText:
    """Build the analysis from a tokenised spaCy ``Doc``.

    ``roots`` (one per Doc token, e.g. from ``Token._.root``) overrides the root
    function for the tokens where it is not None. ``text`` is the text the Doc
    was made from, when the caller has it: ``doc.text`` builds a Python object
    per token to re-join it.
    """
    if text is None:
        text = doc.text
    if roots is not None:
        return _analysed_with_roots(doc, text, roots, root_fn or root, backend)
    from spacy.attrs import IDX, LENGTH, ORTH

    entries = _lexeme_cache(root_fn or root)
    strings = doc.vocab.strings
    vocab = doc.vocab
    starts: list[int] = []
    ends: list[int] = []
    found: list[tuple[Any, ...]] = []
    bounds: list[int] = []
    pending = SENTENCE
    for s, n, orth in doc.to_array([IDX, LENGTH, ORTH]).tolist():
        entry = entries.get(orth)
        if entry is None:
            entry = entries[orth] = _lexeme_entry(vocab[strings[orth]], root_fn or root)
        if entry[0] is _SPACE:
            if entry[5]:  # the whitespace holds a line break
                pending = SENTENCE
            continue
        if pending == SENTENCE and entry[4] and starts and not _opens_sentence(text, s):
            # "dll. dan", "ya... koordinasinya": a full stop before a lowercase word
            # does not end the sentence.
            pending = MINOR_CLAUSE
        if entry[3] and pending < MAJOR_CLAUSE:
            pending = MAJOR_CLAUSE
        starts.append(s)
        ends.append(s + n)
        found.append(entry)
        bounds.append(pending)
        pending = entry[5]
    if bounds:
        bounds[0] = SENTENCE
    lowers = [e[1] for e in found]
    flags = [e[0] for e in found]
    if "[" in lowers:
        _flag_notes(lowers, flags)
    return AnalysedText(
        text, starts, ends, lowers, [e[2] for e in found], flags, bounds, backend=backend
    )


# A whitespace token's entry kind (token flags are small ints, so never this object).
_SPACE: Any = object()


def _lexeme_entry(lexeme: Any, rootf: Callable[[str], str]) -> tuple[Any, ...]:
    """What one token spelling contributes to an analysis, computed once per spelling:
    ``(flags or _SPACE, lowercase, root, breaks a clause, starts lowercase, after)``,
    where ``after`` is the boundary level the token opens for the next one (for a
    whitespace token: whether it holds a line break).
    """
    low = lexeme.lower_
    if lexeme.is_space:
        return (_SPACE, low, low, False, False, "\n" in lexeme.orth_)
    first_lower = lexeme.orth_[0].islower()
    if lexeme.is_punct:
        if low in _MAJOR_PUNCT:
            after = MAJOR_CLAUSE
        elif low[0] in _SENTENCE_END and all(c in _SENTENCE_END for c in low):
            after = SENTENCE
        elif low in _MINOR_PUNCT:
            after = MINOR_CLAUSE
        else:
            after = 0
        return (PUNCT, low, low, False, first_lower, after)
    flag = ALPHA if lexeme.is_alpha else 0
    if not _has_letter(low):
        return (flag, low, low, False, first_lower, 0)
    r = rootf(low)
    breaks = low in lexicon.CLAUSE_BREAKERS or r in lexicon.CLAUSE_BREAKERS
    return (flag, low, r, breaks, first_lower, 0)


def _analysed_with_roots(
    doc: Doc,
    text: str,
    roots: Sequence[str | None],
    rootf: Callable[[str], str],
    backend: str,
) -> AnalysedText:
    """``analysed_from_doc`` with roots given per token (the spaCy pipeline's normaliser)."""
    from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LENGTH, LOWER

    strings = doc.vocab.strings
    starts: list[int] = []
    ends: list[int] = []
    lowers: list[str] = []
    out_roots: list[str] = []
    flags: list[int] = []
    bounds: list[int] = []
    pending = SENTENCE
    rows = doc.to_array([IDX, LENGTH, LOWER, IS_ALPHA, IS_PUNCT, IS_SPACE]).tolist()
    for i, (s, n, lower_id, is_alpha, is_punct, is_space) in enumerate(rows):
        e = s + n
        if is_space:
            if "\n" in text[s:e]:
                pending = SENTENCE
            continue
        low = strings[lower_id]
        given = roots[i]
        if given is not None:
            r = given
            breaks = low in lexicon.CLAUSE_BREAKERS or r in lexicon.CLAUSE_BREAKERS
        elif is_punct or not _has_letter(low):
            r, breaks = low, False
        else:
            r = rootf(low)
            breaks = low in lexicon.CLAUSE_BREAKERS or r in lexicon.CLAUSE_BREAKERS
        if pending == SENTENCE and bounds and text[s].islower() and not _opens_sentence(text, s):
            pending = MINOR_CLAUSE
        if breaks and pending < MAJOR_CLAUSE:
            pending = MAJOR_CLAUSE
        starts.append(s)
        ends.append(e)
        lowers.append(low)
        out_roots.append(r)
        if is_punct:
            flags.append(PUNCT)
            bounds.append(pending)
            if low in _MAJOR_PUNCT:
                pending = MAJOR_CLAUSE
            elif low[0] in _SENTENCE_END and all(c in _SENTENCE_END for c in low):
                pending = SENTENCE
            elif low in _MINOR_PUNCT:
                pending = MINOR_CLAUSE
            else:
                pending = 0
        else:
            flags.append(ALPHA if is_alpha else 0)
            bounds.append(pending)
            pending = 0
    if bounds:
        bounds[0] = SENTENCE
    _flag_notes(lowers, flags)
    return AnalysedText(text, starts, ends, lowers, out_roots, flags, bounds, backend=backend)


_LEXEME_CACHES: dict[Callable[[str], str], dict[int, tuple[Any, ...]]] = {}
_LEXEME_CACHE_MAX = 200_000


def _lexeme_cache(rootf: Callable[[str], str]) -> dict[int, tuple[Any, ...]]:
    """Per root function: token spelling (spaCy orth id) -> ``_lexeme_entry``."""
    cache = _LEXEME_CACHES.get(rootf)
    if cache is None or len(cache) > _LEXEME_CACHE_MAX:
        cache = _LEXEME_CACHES[rootf] = {}
    return cache


def _has_letter(s: str) -> bool:
    return any(c.isalpha() for c in s)


def _opens_sentence(text: str, start: int) -> bool:
    """True when a line break lies between the previous token and ``start``."""
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"


def _flag_notes(lowers: list[str], flags: list[int]) -> None:
    """Flag "[...]" spans (brackets included) as transcription notes."""
    n = len(lowers)
    i = 0
    while True:
        try:
            i = lowers.index("[", i)  # jump from bracket to bracket
        except ValueError:
            return
        for j in range(i + 1, min(n, i + _NOTE_MAX_TOKENS)):
            if lowers[j] == "]":
                for k in range(i, j + 1):
                    flags[k] |= NOTE
                i = j
                break
            if lowers[j] == "[":
                break
        i += 1


def analyse(
    text: str, *, root_fn: Callable[[str], str] | None = None, backend: str | None = None
) -> AnalysedText:
    """Analyse one text: tokens with offsets, roots and flags, and its boundaries.

    ``root_fn`` replaces ``normalize.root`` (e.g. a stanza lemmatiser); give it a
    ``backend`` name so cached analyses of different backends are not mixed.
    """
    doc = get_tokenizer()(text)
    return analysed_from_doc(
        doc,
        root_fn=root_fn,
        backend=backend or (DEFAULT_BACKEND if root_fn is None else "custom"),
        text=text,
    )


def analyse_many(
    texts: Iterable[str],
    batch_size: int = 256,
    *,
    root_fn: Callable[[str], str] | None = None,
    backend: str | None = None,
) -> Iterator[AnalysedText]:
    """Analyse many texts, lazily, in order (``batch_size`` is kept for callers; the
    texts are tokenised one at a time, as ``Tokenizer.pipe`` does)."""
    tokenizer = get_tokenizer()
    name = backend or (DEFAULT_BACKEND if root_fn is None else "custom")
    # One text at a time (what ``Tokenizer.pipe`` does), keeping each text at hand.
    for text in texts:
        yield analysed_from_doc(tokenizer(text), root_fn=root_fn, backend=name, text=text)
