"""Indonesian sentence splitting with exact offsets, and grouping of sentences.

A sentence ends after ``.``, ``!``, ``?`` or ``…`` (or a run such as ``?!`` or
``...``), optionally followed by closing quotes or brackets, when whitespace and
then an uppercase letter, a digit, an opening quote or an opening bracket follow.
A blank line and the start of a list item (``- ``, ``1. ``, ``a) `` at the start of a
line) always end a sentence. A single period does not end a sentence after:

* a title or reference abbreviation (``Dr.``, ``Drs.``, ``Ir.``, ``Bpk.``, ``No.``,
  ``Kab.``, ``Jl.``, ``S.Sos.``, ``M.Si.`` ...), or any short dotted abbreviation
  such as ``a.n.``, ``s.d.``, ``S.Kep.``;
* a list-closing abbreviation (``dll.``, ``dsb.``, ``dst.``, ``dkk.``, ``tsb.``), a
  single capital initial (``A. Pratama``) or the honorifics ``Pak.``, ``Bu.``,
  ``Ibu.``, unless the next word is one that commonly opens a sentence
  (``Kemudian``, ``Saya``, ``Jadi`` ...); an honorific used to address someone
  (``Baik, Pak. Jadi ...``) always ends the sentence;
* a list number or letter that opens the sentence or a line, or follows a colon
  (``Ada tiga hal: 1. Pertama``).

Abbreviations are matched case-insensitively. Numbers such as ``1.500``, ``3.2``
or ``Rp 2.5 juta`` never split, because no whitespace follows their period; an
ellipsis followed by a lowercase word does not split either. Bracketed notes right
after a sentence end stay with that sentence (``... gitu. [tertawa] Belum ...``).
"""

from __future__ import annotations

import re

from qualcode.segmentation.spans import has_content, rstrip_pos, skip_space, word_set

# Abbreviations (lowercase, without the final period) after which a period never
# ends a sentence: titles, degrees, addresses and references that a name, a place
# or a number follows.
TITLE_ABBREVIATIONS: frozenset[str] = word_set(
    """
    bpk bp bpk-bpk sdr sdri sdra tn ny nn yth prof dr drs dra drg ir hj kh
    s.sos s.e s.h s.ip s.ap s.kom s.pd s.t s.si s.ked s.psi s.ak s.stp s.ikom s.i.p
    m.si m.m m.kom m.ap m.pd m.t m.h m.sc m.a m.ak m.kes m.ip a.md ph.d
    no nomor nmr kab kec kel ds prov jl jln gg rt rw kp
    hlm hal tgl thn th rp a.n u.p s.d vs cf e.g i.e ket lamp ttd tlp telp
    """
)

# Abbreviations that close a list or a citation: they do not end a sentence unless
# a word that usually opens a sentence follows.
LIST_END_ABBREVIATIONS: frozenset[str] = word_set("dll dsb dst dkk tsb dlsb sbb spt al")

# Forms of address written before a name; as a vocative they end a sentence.
HONORIFICS: frozenset[str] = frozenset({"pak", "bu", "ibu"})

# Words before an honorific that show it addresses someone ("terima kasih, Pak.").
_VOCATIVE_CONTEXT: frozenset[str] = word_set(
    """
    kasih ya iya ia baik betul benar siap oke ok maaf permisi pagi siang sore malam
    nggih enggih sip mantap tidak nggak enggak gitu begitu
    """
)

# Words that commonly open an Indonesian sentence; used to decide whether an
# abbreviation or an initial before them ends the previous sentence.
SENTENCE_STARTERS: frozenset[str] = word_set(
    """
    ada adapun akan akhirnya anda apa apabila apakah artinya atau bagaimana bahkan
    baik banyak bapak begini begitu belum beliau berapa berdasarkan biasanya bu
    contohnya dalam dan dari dengan di dia dulu hal hanya ibu ini intinya itu iya
    jadi jika juga kalau kami kamu kan karena ke kedua kemarin kemudian kenapa kapan
    ketiga ketika kita lalu mengapa menurut mereka misalnya mohon mungkin maka
    memang namun nah namanya oleh oke pada pak padahal pertama saat saya sebab
    sebagai sebelum sebelumnya sebenarnya secara sedangkan sehingga sejak sekarang
    selain selama selanjutnya selamat semua sementara seperti setelah siapa silakan
    sudah supaya tapi tentu terakhir terima terus tetapi tidak untuk walaupun ya
    yang yaitu yakni
    """
)

_OPENERS = "\"'“‘«([{"
_CLOSERS = "\"'”’»)]}"

_CANDIDATE_RE = re.compile(
    # A run of marks (matched from its first mark), closing quotes/brackets, then
    # whitespace with at most one line break and the character that may open the
    # next sentence (looked at, not consumed).
    r"(?P<mark>[.!?…](?<![.!?…][.!?…])[.!?…]*+)(?P<close>[\"'”’»)\]}]*+)"
    r"(?=[^\S\n]*+\n?[^\S\n]*+(?<=\s)(?P<next>[\"'“‘«(\[{\w]))"
    # A line break followed by blank lines, or by a list item.
    r"|\n[ \t]*+(?:(?P<blank>\n(?:[ \t]*\n)*+)|(?=(?:[-*•–]|\d{1,3}[.)]|[a-zA-Z][.)])[ \t]))"
)
_INITIALS_RE = re.compile(r"(?:[A-Z]\.)*[A-Z]")
_DOTTED_RE = re.compile(r"(?:[^\W\d_]{1,4}\.)+[^\W\d_]{1,4}")
_LIST_NUMBER_RE = re.compile(r"\d{1,3}|[a-zA-Z]|[ivx]{1,4}|[IVX]{1,4}")
_WORD_RE = re.compile(r"[^\W\d_]+")
_NOTE_RE = re.compile(r"\[[^\[\]\n]*\]")
_SPACE_RE = re.compile(r"\s")
_MAX_TOKEN = 32


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences, as ``(start, end)`` offsets into ``text``.

    Every span is non-empty, has no leading or trailing whitespace, and the spans
    are in order, do not overlap and together hold every non-whitespace character
    of ``text[start:end]``.
    """
    n = len(text)
    end = n if end is None else min(end, n)
    start = max(start, 0)
    if start >= end:
        return []
    cuts = [start]
    for m in _CANDIDATE_RE.finditer(text, start, end):
        if m.group("mark") is not None:
            cut = _cut_after_mark(text, m, cuts[-1], end)
            if cut is None:
                continue
        elif m.group("blank") is not None:
            cut = skip_space(text, m.end(), end)
        else:
            cut = m.end()
        if cuts[-1] < cut < end:
            cuts.append(cut)
    cuts.append(end)
    # Every cut but the first sits on a non-whitespace character.
    cuts[0] = skip_space(text, start, end)
    spans: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        b = rstrip_pos(text, a, b)
        if a < b:
            spans.append((a, b))
    return spans


def group_sentences(
    text: str, sentences: list[tuple[int, int]], max_chars: int
) -> list[tuple[int, int]]:
    """Greedy groups of consecutive sentences, each at most ``max_chars`` long.

    A sentence longer than ``max_chars`` is its own group; if it runs over several
    lines (an unpunctuated transcript), it is first split at its line breaks. A
    sentence with no letter or digit outside notes (``[tertawa]``, ``...``) joins the
    group before it, or the one after it at the start. Groups are ``(start, end)``
    spans from the first sentence's start to the last one's end.
    """
    pieces: list[tuple[int, int]] = []
    for s, e in sentences:
        if e - s > max_chars and "\n" in text[s:e]:
            pieces.extend(_split_lines(text, s, e))
        else:
            pieces.append((s, e))

    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for s, e in pieces:
        if not has_content(text, s, e):
            if merged:
                merged[-1] = (merged[-1][0], e)
            elif pending is None:
                pending = s
            continue
        if pending is not None:
            s, pending = pending, None
        merged.append((s, e))
    if pending is not None:
        if not merged:
            return [(pieces[0][0], pieces[-1][1])] if pieces else []
        merged[-1] = (merged[-1][0], pieces[-1][1])

    groups: list[tuple[int, int]] = []
    cur_start, cur_end = merged[0]
    for s, e in merged[1:]:
        if e - cur_start <= max_chars:
            cur_end = e
        else:
            groups.append((cur_start, cur_end))
            cur_start, cur_end = s, e
    groups.append((cur_start, cur_end))
    return groups


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        a = skip_space(text, pos, line_end)
        b = rstrip_pos(text, a, line_end)
        if a < b:
            out.append((a, b))
        pos = line_end + 1
    return out


def _cut_after_mark(text: str, m: re.Match[str], start: int, end: int) -> int | None:
    """Where the next sentence starts after the mark ``m``, or None if no boundary.

    ``start`` is where the current sentence starts.
    """
    j = m.start("next")
    c = text[j]
    if not (c.isupper() or c.isdigit() or c in _OPENERS):
        return None
    single_period = m.group("mark") == "." and not m.group("close")
    if single_period and _period_continues(text, m.start(), start, j, end):
        return None
    return _after_notes(text, j, end) if c == "[" else j


def _after_notes(text: str, pos: int, end: int) -> int | None:
    """Where the next sentence starts when notes follow a sentence end at ``pos``.

    The notes stay with the sentence they follow ("... gitu. [tertawa] Belum ...")
    when a sentence opening, a blank line or the end of the range comes after
    them; before anything else ("Ya. [tidak jelas] ...ya") they open the next one.
    """
    j = pos
    while True:
        m = _NOTE_RE.match(text, j, end)
        if m is None:
            break
        j = skip_space(text, m.end(), end)
        if j >= end or text.count("\n", m.end(), j) >= 2:
            return None  # the end of the range or a blank line ends the sentence
    if j == pos:
        return pos
    c = text[j]
    return j if c.isupper() or c.isdigit() or c in _OPENERS else pos


def _period_continues(text: str, dot: int, start: int, nxt: int, end: int) -> bool:
    """True if the single period at ``dot`` does not end a sentence."""
    lo = max(start, dot - _MAX_TOKEN)
    i = max(text.rfind(" ", lo, dot), text.rfind("\n", lo, dot), text.rfind("\t", lo, dot)) + 1
    i = max(i, lo)
    if i == lo and i > start and not text[i - 1].isspace():
        return False  # a long token: not an abbreviation
    if _SPACE_RE.search(text, i, dot):  # some other whitespace, e.g. U+2028
        words = text[i:dot].split()
        i = dot - len(words[-1]) if words else dot
    token_start = i
    while token_start < dot and text[token_start] in _OPENERS:
        token_start += 1
    token = text[token_start:dot]
    if not token:
        return False
    low = token.lower()
    if low in TITLE_ABBREVIATIONS:
        return True
    if low in HONORIFICS:
        if _is_vocative(text, token_start, start):
            return False
        return _next_word(text, nxt, end) not in SENTENCE_STARTERS
    if low in LIST_END_ABBREVIATIONS:
        return _next_word(text, nxt, end) not in SENTENCE_STARTERS
    if len(token) > 4 and "." not in token:
        return False  # an ordinary word
    if _LIST_NUMBER_RE.fullmatch(token) and _opens_item(text, i, start):
        return True
    if _INITIALS_RE.fullmatch(token):
        return _next_word(text, nxt, end) not in SENTENCE_STARTERS
    return bool(_DOTTED_RE.fullmatch(token))


def _next_word(text: str, pos: int, end: int) -> str:
    while pos < end and text[pos] in _OPENERS:
        pos += 1
    m = _WORD_RE.match(text, pos, min(end, pos + 40))
    return m.group().lower() if m else ""


def _is_vocative(text: str, token_start: int, start: int) -> bool:
    """True if the honorific at ``token_start`` follows a comma or a reply word."""
    i = token_start
    while i > start and text[i - 1] in " \t":
        i -= 1
    if i > start and text[i - 1] == ",":
        return True
    j = i
    while j > start and not text[j - 1].isspace():
        j -= 1
    return text[j:i].strip(_OPENERS + _CLOSERS + ",;:!?").lower() in _VOCATIVE_CONTEXT


def _opens_item(text: str, token_start: int, start: int) -> bool:
    """True if the token at ``token_start`` opens the sentence, a line or follows a colon."""
    i = token_start
    while i > start and text[i - 1] in " \t":
        i -= 1
    if i == start:
        return True
    return text[i - 1] == "\n" or (text[i - 1] == ":" and i < token_start)
