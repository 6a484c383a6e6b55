"""Triangulation of codes and conclusions, one test per branch of the rule."""

from __future__ import annotations

import pandas as pd
from analysis_fixtures import (
    CODEBOOK,
    confirmed_codings,
    make_codings,
    segments_frame,
    tiny_codebook,
)

from qualcode.analysis import (
    TRIANGULATION_COLUMNS,
    TRIANGULATION_LABELS,
    is_contested,
    triangulate_codes,
    triangulate_conclusion,
    triangulation_label,
)
from qualcode.model import Conclusion

BOOK = tiny_codebook("k")


def coded(*evidence: tuple[str, str, int], source_type: str = "interview") -> pd.DataFrame:
    """Codings of code "k": (informant, valence, number of segments) per item."""
    records = []
    segment = 0
    for informant, valence, n in evidence:
        for _ in range(n):
            segment += 1
            records.append(
                {
                    "code_id": "k",
                    "informant": informant,
                    "valence": valence,
                    "segment_id": segment,
                    "source_type": source_type,
                    "document_id": segment,
                }
            )
    return make_codings(records)


def status(frame: pd.DataFrame, **kwargs) -> str:
    return str(triangulate_codes(frame, BOOK, **kwargs).loc[0, "status"])


def test_fixture_codes():
    table = triangulate_codes(confirmed_codings(), CODEBOOK)
    assert list(table.columns) == list(TRIANGULATION_COLUMNS)
    rows = {r["code_id"]: r for r in table.to_dict("records")}
    assert list(rows) == list(CODEBOOK.code_ids)
    # produktivitas: pendukung on 10 (Informan 1), 20 (Informan 2), 40 (LKjIP);
    # penghambat on 12 (Informan 1): 1 of 4 = 25 %, but from one source against three.
    assert rows["produktivitas"] == {
        "code_id": "produktivitas",
        "code_name": "Produktivitas",
        "framework": "dwiyanto",
        "source_types": ["interview", "document"],
        "n_source_types": 2,
        "informants": ["Informan 1", "Informan 2"],
        "n_informants": 2,
        "n_documents": 3,
        "n_segments": 4,
        "pendukung": 3,
        "penghambat": 1,
        "netral": 0,
        "status": "triangulated",
    }
    assert rows["kepemimpinan"]["status"] == "triangulated"
    assert rows["sistem"]["status"] == "triangulated"
    assert (rows["sistem"]["pendukung"], rows["sistem"]["penghambat"]) == (1, 3)
    for code in ("kualitas_layanan", "responsivitas", "tim"):
        assert rows[code]["status"] == "absent"
        assert rows[code]["n_segments"] == 0


def test_single_source():
    assert status(coded(("Informan 1", "pendukung", 3))) == "single-source"


def test_triangulated_by_informants_or_source_types():
    assert status(coded(("Informan 1", "pendukung", 1), ("Informan 2", "netral", 1))) == (
        "triangulated"
    )
    interview = coded(("Informan 1", "pendukung", 1))
    document = coded(("", "pendukung", 1), source_type="document").assign(document_id=99)
    both = pd.concat([interview, document], ignore_index=True)
    assert status(both) == "triangulated"
    assert status(both, min_source_types=3) == "single-source"


def test_one_to_one_disagreement_is_contested():
    # 3 vs 3 segments, one informant each side: either side may be the minority,
    # and it has as many sources as the other side.
    assert status(coded(("Informan 1", "pendukung", 3), ("Informan 2", "penghambat", 3))) == (
        "contested"
    )


def test_minority_from_two_sources_is_contested():
    # 6 pendukung from three informants, 2 penghambat (25 %) from two informants
    frame = coded(
        ("A", "pendukung", 2),
        ("B", "pendukung", 2),
        ("C", "pendukung", 2),
        ("D", "penghambat", 1),
        ("E", "penghambat", 1),
    )
    assert status(frame) == "contested"


def test_lone_dissenting_voice_is_a_negative_case_not_a_contest():
    # Same shares, but both penghambat segments come from informant D.
    frame = coded(
        ("A", "pendukung", 2), ("B", "pendukung", 2), ("C", "pendukung", 2), ("D", "penghambat", 2)
    )
    assert status(frame) == "triangulated"
    assert status(frame, contest_min_sources=1) == "contested"


def test_minority_below_share_is_not_contested():
    # 7 vs 2: 2 / 9 = 22 % < 25 %, although from two sources
    frame = coded(
        ("A", "pendukung", 4), ("B", "pendukung", 3), ("D", "penghambat", 1), ("E", "penghambat", 1)
    )
    assert status(frame) == "triangulated"
    assert status(frame, contest_share=0.2) == "contested"


def test_neutral_evidence_never_contests():
    frame = coded(("A", "pendukung", 1), ("B", "netral", 5))
    assert status(frame) == "triangulated"


def test_is_contested_rule():
    assert not is_contested(0, 5, 0, 3)
    assert is_contested(3, 3, 1, 1)
    assert is_contested(1, 3, 2, 3)  # 25 %, two sources
    assert not is_contested(1, 3, 1, 3)  # 25 %, one source against three
    assert is_contested(1, 3, 1, 1)  # the majority rests on a single source too
    assert not is_contested(1, 4, 1, 1)  # 20 %
    assert is_contested(3, 1, 3, 2)  # symmetric in the two valences


def test_labels():
    assert TRIANGULATION_LABELS["id"]["triangulated"] == "terverifikasi (triangulasi)"
    assert triangulation_label("single-source") == "satu sumber"
    assert triangulation_label("contested") == "diperdebatkan"
    assert triangulation_label("absent") == "tidak ada bukti"
    assert triangulation_label("unsupported", "en") == "no evidence"


# --------------------------------------------------------------------------- conclusions


def conclude(supporting, contradicting=()) -> dict:
    conclusion = Conclusion(
        id=7,
        text="Kinerja bagian meningkat",
        supporting_segment_ids=tuple(supporting),
        contradicting_segment_ids=tuple(contradicting),
    )
    return triangulate_conclusion(conclusion, segments_frame())


def test_conclusion_triangulated_with_negative_case():
    out = conclude([10, 20, 40], [12])
    assert out == {
        "conclusion_id": 7,
        "status": "triangulated",
        "supporting": {
            "segment_ids": [10, 20, 40],
            "n_segments": 3,
            "source_types": ["interview", "document"],
            "informants": ["Informan 1", "Informan 2"],
            "documents": ["LKjIP_2023.pdf", "wawancara_informan1.txt", "wawancara_informan2.txt"],
            "n_sources": 3,
        },
        "contradicting": {
            "segment_ids": [12],
            "n_segments": 1,
            "source_types": ["interview"],
            "informants": ["Informan 1"],
            "documents": ["wawancara_informan1.txt"],
            "n_sources": 1,
        },
        "missing_segment_ids": [],
    }


def test_conclusion_contested_single_source_unsupported():
    assert conclude([10], [21])["status"] == "contested"
    assert conclude([10, 11], [])["status"] == "single-source"
    assert conclude([], [20])["status"] == "unsupported"
    out = conclude([999, 10, 10], [998])
    assert out["status"] == "single-source"
    assert out["supporting"]["segment_ids"] == [10]
    assert out["missing_segment_ids"] == [999, 998]
    assert conclude([30, 40])["status"] == "triangulated"  # observation + document


def test_conclusion_on_empty_segments():
    conclusion = Conclusion(id=1, text="x", supporting_segment_ids=(1,))
    out = triangulate_conclusion(conclusion, pd.DataFrame())
    assert out["status"] == "unsupported"
    assert out["missing_segment_ids"] == [1]
    assert out["supporting"]["source_types"] == []
