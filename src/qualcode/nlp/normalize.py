"""Indonesian word normalisation: map a word to the root form used for matching.

``root(word)`` lowercases, fixes informal spelling (``lexicon.INFORMAL``), then
applies rules for what the Sastrawi stemmer misses (closed compounds such as
*pertanggungjawaban*, the *ketidak-...-an* confix, bound prefixes such as *antar-*,
hyphenated reduplication and affixed loanwords) and finally the stemmer itself.

A root may hold several words separated by one space ("tanggung jawab",
"tidak mampu", "antar bidang"); the coder matches it as a sequence, so the keyword
"kerja sama" finds "bekerjasama", "bekerja sama" and "kerja-sama" alike.

The result is cached per word (``functools.lru_cache``), so warm lookups cost a
dict access.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from qualcode.nlp import lexicon

# Bump when a rule or a word list changes what ``root`` returns: cached analyses
# made with another version are recomputed.
NORMALIZER_VERSION = "1"

_CACHE_SIZE = 200_000

_VOWELS = frozenset("aeiou")
_ALPHA_RE = re.compile(r"^[a-z]+$")

# Prefixes a closed compound takes unchanged ("di" + "tindaklanjut" + "i").
_PLAIN_PREFIXES = (
    "",
    "di",
    "ter",
    "ber",
    "ke",
    "se",
    "per",
    "diper",
    "memper",
    "keber",
    "keter",
    "me",
    "pe",
    "be",
)
# Suffixes a compound or confix can carry, longest first.
_SUFFIXES = ("kannya", "annya", "inya", "kan", "an", "i", "nya", "lah", "pun", "")


def _nasal_forms(stem: str) -> tuple[str, ...]:
    """The forms ``stem`` takes after meN-/peN- ("tindaklanjut" -> "nindaklanjut")."""
    first = stem[0]
    if first in _VOWELS or first in "gh":
        return ("ng" + stem,)
    if first == "k":
        return ("ng" + stem[1:], "ng" + stem)
    if first == "t":
        return ("n" + stem[1:],)
    if first == "s":
        return ("ny" + stem[1:],)
    if first == "p":
        return ("m" + stem[1:],)
    if first == "b":
        return ("m" + stem,)
    if first in "dcjz":
        return ("n" + stem,)
    return ()


def _build_compound_re() -> tuple[re.Pattern[str], dict[str, str]]:
    variants: dict[str, str] = {}
    plain: list[str] = []
    nasal: list[str] = []
    for compound in lexicon.COMPOUNDS:
        joined = compound.replace(" ", "")
        variants[joined] = compound
        plain.append(joined)
        for form in _nasal_forms(joined):
            variants[form] = compound
            nasal.append(form)
    by_length = sorted(set(plain), key=len, reverse=True)
    by_length_nasal = sorted(set(nasal), key=len, reverse=True)
    prefixes = "|".join(sorted(_PLAIN_PREFIXES, key=len, reverse=True))
    suffixes = "|".join(_SUFFIXES)
    pattern = (
        rf"^(?:(?:{prefixes})(?P<plain>{'|'.join(by_length)})"
        rf"|(?:me|pe)(?P<nasal>{'|'.join(by_length_nasal)}))(?:{suffixes})$"
    )
    return re.compile(pattern), variants


_COMPOUND_RE, _COMPOUND_VARIANTS = _build_compound_re()


class _Stemmer:
    """Sastrawi's uncached stemmer, built on first use with the project's words added."""

    _instance: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._instance is None:
            from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
            from Sastrawi.Stemmer.Stemmer import Stemmer
            from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

            words = StemmerFactory().get_words()
            dictionary = ArrayDictionary(words)
            extra = set(lexicon.LOANWORDS) | {a for a in lexicon.ABBREVIATIONS if len(a) >= 3}
            extra |= {"koordinir", "respon"}
            dictionary.add_words(w for w in extra if _ALPHA_RE.match(w))
            cls._instance = Stemmer(dictionary)
        return cls._instance


def in_dictionary(word: str) -> bool:
    """True when ``word`` is a root in the stemmer's dictionary (or a known term)."""
    return bool(
        _Stemmer.get().dictionary.contains(word)
        or word in lexicon.ABBREVIATIONS
        or word in lexicon.LOANWORDS
        or word in lexicon.ROOT_OVERRIDES
    )


def _strip_clitics(word: str) -> str:
    """Remove one particle (-lah, -kah, -pun) then one possessive (-nya, -ku, -mu)."""
    base = word
    for particle in lexicon.PARTICLES:
        if base.endswith(particle) and len(base) - len(particle) >= 3:
            base = base[: -len(particle)]
            break
    for possessive in lexicon.POSSESSIVES:
        if base.endswith(possessive) and len(base) - len(possessive) >= 3:
            base = base[: -len(possessive)]
            break
    return base


def _known_form(word: str) -> str | None:
    """The root of a word found in the override, alias or pass-through lists, else None."""
    if word in lexicon.ROOT_OVERRIDES:
        return lexicon.ROOT_OVERRIDES[word]
    if word in lexicon.ABBREVIATIONS or word in lexicon.LOANWORDS:
        return word
    return None


def _root_hyphenated(word: str) -> str:
    parts = [p for p in word.split("-") if p]
    if not parts:
        return word
    if len(parts) == 1:
        return _root_word(parts[0])
    if word in lexicon.LOANWORDS:
        return word
    # "e-office", "e-kinerja", "covid-19": technical names stay as written.
    if len(parts[0]) == 1 or any(not _ALPHA_RE.match(p) for p in parts):
        return word
    last = parts[-1]
    if last in lexicon.POSSESSIVES or last in lexicon.PARTICLES:
        return _root_hyphenated("-".join(parts[:-1]))
    first = parts[0]
    rest = "-".join(parts[1:])
    if first in lexicon.BOUND_PREFIXES:
        return f"{first} {_root_any(rest)}"
    if first in ("di", "ter", "ber", "me", "meng", "men", "mem", "ke", "pe", "peng", "se"):
        # "di-update", "meng-input", "di-SK-kan"
        tail = parts[1:]
        if tail[-1] in ("kan", "i", "an"):
            tail = tail[:-1]
        return _root_any("-".join(tail)) if tail else word
    if len(parts) == 2:
        left, right = _root_word(first), _root_word(parts[1])
        if left == right:  # kerja-kerja, bersama-sama, sebaik-baiknya
            return left
        return f"{left} {right}"  # "bekerja-sama" -> "kerja sama"
    return " ".join(_root_word(p) for p in parts)


def _root_any(word: str) -> str:
    if "-" in word:
        return _root_hyphenated(word)
    return _root_word(word)


def _root_word(word: str) -> str:
    """Root of one lowercased word without hyphens."""
    word = lexicon.INFORMAL.get(word, word)
    known = _known_form(word)
    if known is not None:
        return known
    if not _ALPHA_RE.match(word):
        return word  # numbers, non-Latin letters, codes
    stemmer = _Stemmer.get()
    if stemmer.dictionary.contains(word):
        # A root as it stands ("sekolah", "masalah"): nothing to strip.
        return lexicon.ROOT_ALIASES.get(word, word)
    base = _strip_clitics(word)
    if base != word:
        base = lexicon.INFORMAL.get(base, base)
        known = _known_form(base)
        if known is not None:
            return known

    match = _COMPOUND_RE.match(word)
    if match:
        return _COMPOUND_VARIANTS[match.group("plain") or match.group("nasal")]

    if base.startswith("ketidak") and base.endswith("an") and len(base) > 10:
        inner = base[7:-2]
        return "tidak " + _root_word(inner)

    for prefix in lexicon.BOUND_PREFIXES:
        if (
            base.startswith(prefix)
            and base not in lexicon.BOUND_PREFIX_EXCEPTIONS
            and word not in lexicon.BOUND_PREFIX_EXCEPTIONS
        ):
            rest = base[len(prefix) :]
            if _bound_rest_ok(prefix, rest):
                return f"{prefix} {_root_word(rest)}"

    stem: str = stemmer.stem_word(word)
    if stem == word and base != word and stemmer.dictionary.contains(base):
        stem = base
    if stem == word:
        stem = _affixed_loanword(word)
    return lexicon.ROOT_ALIASES.get(stem, stem)


def _bound_rest_ok(prefix: str, rest: str) -> bool:
    if len(rest) < 3:
        return False
    if prefix == "antar":
        return rest not in ("a", "an", "kan", "i", "lah")
    if prefix == "pasca":
        return len(rest) >= 4
    if prefix == "non":
        return rest in lexicon.ABBREVIATIONS or (len(rest) >= 4 and in_dictionary(rest))
    if prefix == "sub":
        return len(rest) >= 5 and (in_dictionary(rest) or _root_word(rest) != rest)
    return False


def _affixed_loanword(word: str) -> str:
    """Strip a verbal prefix from a loanword: "diupdate" -> "update"; else unchanged."""
    for prefix in ("meng", "men", "mem", "me", "di", "ter", "ber", "ke", "peng", "pe"):
        if word.startswith(prefix):
            rest = word[len(prefix) :]
            for suffix in ("kan", "nya", "in", ""):
                if suffix and not rest.endswith(suffix):
                    continue
                core = rest[: len(rest) - len(suffix)] if suffix else rest
                if core in lexicon.LOANWORDS or core in lexicon.ABBREVIATIONS:
                    return core
    return word


def _root_uncached(word: str) -> str:
    lowered = word.lower().replace("\u2019", "'").replace("\u2010", "-").replace("\u2011", "-")
    lowered = lowered.strip("'")
    if not lowered:
        return lowered
    if lowered in lexicon.INFORMAL:
        return _root_word(lexicon.INFORMAL[lowered])
    if lowered in lexicon.ROOT_OVERRIDES:
        return lexicon.ROOT_OVERRIDES[lowered]
    if "-" in lowered:
        return _root_hyphenated(lowered)
    return _root_word(lowered)


@lru_cache(maxsize=_CACHE_SIZE)
def root(word: str) -> str:
    """The root form of one Indonesian word, used to match codebook terms.

    Lowercases, normalises informal spelling, and strips affixes, clitics and
    reduplication. Compounds and negated or bound forms return several words
    separated by a space: ``root("pertanggungjawaban") == "tanggung jawab"``,
    ``root("ketidakhadiran") == "tidak hadir"``, ``root("antar-OPD") == "antar opd"``.
    Abbreviations and loanwords pass through lowercased (``root("SAKIP") == "sakip"``).
    """
    return _root_uncached(word)


def root_parts(word: str) -> tuple[str, ...]:
    """``root(word)`` split into its words."""
    return tuple(root(word).split())


def root_phrase(text: str) -> tuple[str, ...]:
    """Root every word of a short phrase (a codebook keyword, phrase or cue).

    The phrase is split on whitespace; a hyphenated part is rooted as one word
    ("e-office" stays "e-office", "bekerja-sama" becomes "kerja", "sama").
    Punctuation around words is ignored.
    """
    out: list[str] = []
    for raw in text.split():
        word = raw.strip(".,;:!?\"'()[]{}")
        if not word:
            continue
        out.extend(root(word).split())
    return tuple(out)


def cache_info() -> Any:
    """The ``root`` cache statistics (hits, misses, size)."""
    return root.cache_info()
