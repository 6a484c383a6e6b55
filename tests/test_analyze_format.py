"""The analysis cache format and the fast paths of analysed_from_doc (qualcode.nlp.analyze)."""

from __future__ import annotations

import json
import zlib

import pytest

from qualcode.nlp import analyze
from qualcode.nlp.analyze import AnalysedText, analyse, analyse_many, analysed_from_doc

TEXT = (
    "Koordinasi antar-OPD masih belum optimal, tapi kerja-kerja kami bekerja-sama dgn "
    "e-office [tertawa] ya kan? Server e-office sering down... pelaksanaannya (LKjIP) "
    "tgl 14/3/2024 nilai SAKIP 'BB' 85,5% Pak.\nInforman 2: Tidak ada kendala—semuanya lancar."
)


def _format_2(analysed: AnalysedText) -> bytes:
    """A cache entry as earlier releases wrote it (one JSON array, text included)."""
    rows = analysed.to_tuples()
    gaps, lengths, previous = [], [], 0
    for start, end, _, _ in rows:
        gaps.append(start - previous)
        lengths.append(end - start)
        previous = end
    payload = [
        2,
        analysed.version,
        analysed.backend,
        zlib.crc32(analysed.text.encode("utf-8")),
        gaps,
        lengths,
        "\x1f".join(r[2] for r in rows),
        [r[3] for r in rows],
        analysed.text,
    ]
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(blob.encode("utf-8"), 9)


def test_reads_the_format_of_earlier_releases() -> None:
    analysed = analyse(TEXT)
    assert AnalysedText.from_bytes(_format_2(analysed)) == analysed


def test_round_trip_with_long_tokens_and_wide_gaps() -> None:
    # A token longer than 255 characters and a gap wider than 65,535 need wider integers.
    text = "awal " + "x" * 300 + " " * 70_000 + "akhir [catatan] selesai."
    analysed = analyse(text)
    assert AnalysedText.from_bytes(analysed.to_bytes()) == analysed
    assert AnalysedText.from_bytes(analysed.to_bytes(include_text=False), text) == analysed


def test_round_trip_of_roots_holding_the_separator() -> None:
    analysed = analyse("Koordinasi lancar.", root_fn=lambda w: w + "\x1f", backend="odd")
    again = AnalysedText.from_bytes(analysed.to_bytes())
    assert again == analysed and again.roots == analysed.roots and again.backend == "odd"


def test_damaged_data_is_refused() -> None:
    data = zlib.decompress(analyse(TEXT).to_bytes())
    head = data.partition(b"\n")[0]
    for broken in (data[: len(head) + 20], data.replace(b"\n", b"", 1), b"[3]\n"):
        with pytest.raises(ValueError, match="not a serialised analysis"):
            AnalysedText.from_bytes(zlib.compress(broken))
    with pytest.raises(ValueError, match="does not match"):  # the text cut short
        AnalysedText.from_bytes(zlib.compress(data[:-5]))
    with pytest.raises(ValueError, match="unknown analysis format"):
        AnalysedText.from_bytes(zlib.compress(b"[99]\n"))


def test_given_text_gives_the_same_analysis() -> None:
    doc = analyze.get_tokenizer()(TEXT)
    assert analysed_from_doc(doc, text=TEXT) == analysed_from_doc(doc)
    assert list(analyse_many([TEXT, ""])) == [analyse(TEXT), analyse("")]


def test_given_roots_override_the_root_function() -> None:
    doc = analyze.get_tokenizer()(TEXT)
    plain = analysed_from_doc(doc)
    roots: list[str | None] = [None] * len(doc)
    roots[0] = "tetapi"  # a contrastive conjunction opens a major clause
    given = analysed_from_doc(doc, roots=roots)
    assert given.roots[0] == "tetapi" and given.roots[1:] == plain.roots[1:]
    assert given.flags == plain.flags and given.bounds == plain.bounds


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_units_agree_with_spans(level: int) -> None:
    analysed = analyse(TEXT + " Lalu; selesai, ya. [x]")
    ids = analysed.unit_ids(level)
    spans = analysed.spans(level)
    assert len(ids) == len(analysed) and ids[0] == 0
    assert [ids[a] for a, _ in spans] == list(range(len(spans)))
    assert all(ids[i] == ids[a] for a, b in spans for i in range(a, b))
