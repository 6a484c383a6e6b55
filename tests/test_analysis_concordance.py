"""Keyword in context over the fixture segments, with an injected toy stemmer."""

from __future__ import annotations

import pandas as pd
from analysis_fixtures import document_texts, segments_frame

from qualcode.analysis import KWIC_COLUMNS, kwic


def toy_root(word: str) -> str:
    """Strips the prefix ber- and the suffix -nya: enough for these tests."""
    return word.removeprefix("ber").removesuffix("nya")


def test_every_form_of_the_root():
    out = kwic(segments_frame(), "Kinerja", root=toy_root)
    assert list(out.columns) == list(KWIC_COLUMNS)
    assert out["match"].tolist() == ["Kinerja", "kinerja", "Kinerjanya", "berkinerja", "kinerja"]
    assert out["segment_id"].tolist() == [10, 14, 20, 21, 40]
    assert out["informant"].tolist() == ["Informan 1", "Informan 1", "Informan 2", "Informan 2", ""]
    texts = document_texts()
    doc_ids = dict(zip(segments_frame()["document"], segments_frame()["document_id"], strict=True))
    for row in out.itertuples():
        assert texts[doc_ids[row.document]][row.start : row.end] == row.match


def test_context_width_and_offsets():
    out = kwic(segments_frame(), "berkinerja", root=toy_root, width=10)
    row = out.iloc[3]
    assert row["left"] == "n pegawai "
    assert row["match"] == "berkinerja"
    assert row["right"] == " baik."
    # segment 21 starts at 59 in document 2; "berkinerja" is at 52 in the segment
    assert (row["start"], row["end"]) == (59 + 52, 59 + 62)


def test_hyphenated_tokens_and_max_rows():
    out = kwic(segments_frame(), "e-office", root=toy_root)
    assert out["match"].tolist() == ["e-office"]
    assert out["segment_id"].tolist() == [11]
    assert len(kwic(segments_frame(), "kinerja", root=toy_root, max_rows=2)) == 2


def test_root_called_once_per_distinct_token():
    calls: list[str] = []

    def counting(word: str) -> str:
        calls.append(word)
        return word

    kwic(segments_frame(), "kami", root=counting)
    assert len(calls) == len(set(calls))


def test_line_breaks_become_spaces():
    segments = pd.DataFrame(
        [
            {
                "segment_id": 1,
                "document_id": 1,
                "segment_index": 0,
                "start": 5,
                "text": "satu\ndua\ttiga",
                "document": "d.txt",
            }
        ]  # fmt: skip
    )
    out = kwic(segments, "dua", root=str)
    assert out.iloc[0][["left", "match", "right", "start", "end"]].tolist() == [
        "satu ",
        "dua",
        " tiga",
        10,
        13,
    ]


def test_no_match_and_empty_input():
    for frame, word in ((segments_frame(), "anggaran"), (pd.DataFrame(), "kinerja"),
                        (segments_frame(), "  ")):  # fmt: skip
        out = kwic(frame, word, root=toy_root)
        assert out.empty
        assert list(out.columns) == list(KWIC_COLUMNS)
