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
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
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
_FORMAT = 2
_ROOT_SEP = "\x1f"

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
            cached = []
            begin = 0
            for i in range(1, len(self.bounds)):
                if self.bounds[i] >= level:
                    cached.append((begin, i))
                    begin = i
            if self.bounds:
                cached.append((begin, len(self.bounds)))
            self._cache[key] = cached
        return list(cached)

    def unit_ids(self, level: int) -> list[int]:
        """For each token, the number of its unit at ``level`` (see ``spans``)."""
        key = f"ids{level}"
        cached: list[int] | None = self._cache.get(key)
        if cached is None:
            cached = []
            current = -1
            for b in self.bounds:
                if b >= level or current < 0:
                    current += 1
                cached.append(current)
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
        """
        rows = self.to_tuples()
        gaps: list[int] = []
        lengths: list[int] = []
        previous = 0
        for start, end, _, _ in rows:
            gaps.append(start - previous)
            lengths.append(end - start)
            previous = end
        roots = [r[2] for r in rows]
        packed: str | list[str] = (
            _ROOT_SEP.join(roots) if not any(_ROOT_SEP in r for r in roots) else roots
        )
        payload: list[Any] = [
            _FORMAT,
            self.version,
            self.backend,
            zlib.crc32(self.text.encode("utf-8")),
            gaps,
            lengths,
            packed,
            [r[3] for r in rows],
        ]
        if include_text:
            payload.append(self.text)
        blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return zlib.compress(blob.encode("utf-8"), 9)

    @classmethod
    def from_bytes(cls, data: bytes, text: str | None = None) -> AnalysedText:
        """Rebuild from ``to_bytes()``. Raises ValueError if the data or text do not fit."""
        try:
            payload = json.loads(zlib.decompress(data).decode("utf-8"))
            fmt = payload[0]
        except (zlib.error, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"not a serialised analysis: {exc}") from exc
        if fmt != _FORMAT:
            raise ValueError(f"unknown analysis format {fmt!r}")
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


# --------------------------------------------------------------------------- analysis


def analysed_from_doc(
    doc: Doc,
    *,
    roots: Sequence[str | None] | None = None,
    root_fn: Callable[[str], str] | None = None,
    backend: str = DEFAULT_BACKEND,
) -> AnalysedText:
    """Build the analysis from a tokenised spaCy ``Doc``.

    ``roots`` (one per Doc token, e.g. from ``Token._.root``) overrides the root
    function for the tokens where it is not None.
    """
    from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LENGTH, LOWER

    text = doc.text
    rootf = root_fn or root
    lexemes = _lexeme_cache(rootf)
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
        given = roots[i] if roots is not None else None
        if given is not None:
            low = strings[lower_id]
            r = given
            breaks = low in lexicon.CLAUSE_BREAKERS or r in lexicon.CLAUSE_BREAKERS
        else:
            entry = lexemes.get(lower_id)
            if entry is None:
                low = strings[lower_id]
                if is_punct or not _has_letter(low):
                    entry = (low, low, False)
                else:
                    r = rootf(low)
                    breaks = low in lexicon.CLAUSE_BREAKERS or r in lexicon.CLAUSE_BREAKERS
                    entry = (low, r, breaks)
                lexemes[lower_id] = entry
            low, r, breaks = entry
        if pending == SENTENCE and bounds and text[s].islower() and not _opens_sentence(text, s):
            # "dll. dan", "ya... koordinasinya": a full stop before a lowercase word
            # does not end the sentence.
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


_LEXEME_CACHES: dict[Callable[[str], str], dict[int, tuple[str, str, bool]]] = {}
_LEXEME_CACHE_MAX = 200_000


def _lexeme_cache(rootf: Callable[[str], str]) -> dict[int, tuple[str, str, bool]]:
    """Per root function: lowercase-string id -> (lowercase, root, breaks a clause)."""
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
    while i < n:
        if lowers[i] == "[":
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
        doc, root_fn=root_fn, backend=backend or (DEFAULT_BACKEND if root_fn is None else "custom")
    )


def analyse_many(
    texts: Iterable[str],
    batch_size: int = 256,
    *,
    root_fn: Callable[[str], str] | None = None,
    backend: str | None = None,
) -> Iterator[AnalysedText]:
    """Analyse many texts, lazily, in order."""
    tokenizer = get_tokenizer()
    name = backend or (DEFAULT_BACKEND if root_fn is None else "custom")
    for doc in tokenizer.pipe(texts, batch_size=batch_size):
        yield analysed_from_doc(doc, root_fn=root_fn, backend=name)
