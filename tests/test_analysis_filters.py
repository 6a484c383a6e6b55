"""filter_codings, labels and the frame helpers."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from analysis_fixtures import CODEBOOK, codings_frame, make_codings

from qualcode.analysis import (
    CODING_COLUMNS,
    SOURCE_TYPE_LABELS,
    STATUS_LABELS,
    VALENCE_LABELS,
    filter_codings,
    label,
    natural_key,
    prepare_codings,
)
from qualcode.analysis.filters import ordered_codes, unit_keys


def ids(frame: pd.DataFrame) -> list[int]:
    return sorted(int(i) for i in frame["coding_id"])


def test_default_keeps_confirmed_codings():
    assert ids(filter_codings(codings_frame())) == [1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14]


def test_statuses_none_keeps_everything():
    assert ids(filter_codings(codings_frame(), statuses=None)) == list(range(1, 15))


def test_single_string_is_one_value():
    assert ids(filter_codings(codings_frame(), codes="sistem")) == [3, 7, 10, 12]
    assert ids(filter_codings(codings_frame(), statuses="suggested")) == [5]


def test_each_filter():
    frame = codings_frame()
    assert ids(filter_codings(frame, informants=["Informan 2"])) == [6, 7, 8, 14]
    assert ids(filter_codings(frame, source_types=["observation", "document"])) == [10, 11, 12, 13]
    assert ids(filter_codings(frame, valences=["penghambat"])) == [3, 4, 7, 10]
    assert ids(filter_codings(frame, min_score=0.8)) == [1, 3, 4, 6, 8, 10, 11, 12, 13, 14]
    assert ids(filter_codings(frame, min_score=0.8, statuses=["accepted"])) == [1, 6]


def test_documents_by_id_or_name():
    frame = codings_frame()
    assert ids(filter_codings(frame, documents=[2])) == [6, 7, 8, 14]
    assert ids(filter_codings(frame, documents="LKjIP_2023.pdf")) == [13]
    assert ids(filter_codings(frame, documents=[1, "LKjIP_2023.pdf"])) == [1, 2, 3, 4, 13]


def test_filters_combine_and_reset_index():
    out = filter_codings(codings_frame(), codes=["produktivitas"], informants=["Informan 1"])
    assert ids(out) == [1, 4]
    assert list(out.index) == [0, 1]
    assert list(out.columns) == list(CODING_COLUMNS)


def test_empty_and_columnless_input():
    for frame in (pd.DataFrame(columns=list(CODING_COLUMNS)), pd.DataFrame()):
        out = filter_codings(frame, codes=["sistem"], min_score=0.5, documents=[1])
        assert out.empty
        assert list(out.columns) == list(CODING_COLUMNS)


def test_labels():
    assert SOURCE_TYPE_LABELS["id"] == {
        "interview": "wawancara",
        "observation": "observasi",
        "document": "dokumentasi",
    }
    assert VALENCE_LABELS["en"]["penghambat"] == "inhibiting"
    assert STATUS_LABELS["id"]["rejected"] == "ditolak"
    assert label("source_type", "observation") == "observasi"
    assert label("source_type", "observation", "en") == "observation"
    assert label("valence", "pendukung", "en") == "supporting"
    assert label("status", "unknown") == "unknown"
    assert label("nothing", "x", "fr") == "x"


def test_prepare_codings_repairs_service_dtypes():
    # segment ids as floats with NaN and text columns with None, as SQL may give them
    raw = pd.DataFrame(
        {
            "coding_id": [1, 2],
            "segment_id": [3.0, float("nan")],
            "informant": [None, "Informan 1"],
            "code_id": ["a", "b"],
        }
    )
    out = prepare_codings(raw)
    assert set(CODING_COLUMNS) <= set(out.columns)
    assert str(out["segment_id"].dtype) == "Int64"
    assert out["segment_id"].tolist()[0] == 3
    assert out["segment_id"].isna().tolist() == [False, True]
    assert out["informant"].tolist() == ["", "Informan 1"]
    assert out["score"].tolist() == [1.0, 1.0]


def test_unit_keys_same_segment_or_same_span():
    frame = prepare_codings(
        make_codings(
            [
                {"code_id": "a", "segment_id": 5},
                {"code_id": "b", "segment_id": 5},
                {"code_id": "a", "start": 10, "end": 20},
                {"code_id": "b", "start": 10, "end": 20},
                {"code_id": "b", "start": 10, "end": 21},
            ]
        )
    )
    keys = unit_keys(frame).tolist()
    assert keys[0] == keys[1]
    assert keys[2] == keys[3]
    assert len(set(keys)) == 3


def test_natural_order_and_codebook_order():
    names = ["Informan 10", "Informan 2", "informan 1"]
    assert sorted(names, key=natural_key) == ["informan 1", "Informan 2", "Informan 10"]
    assert ordered_codes(CODEBOOK, ["zeta", "sistem", "alpha"]) == [
        *CODEBOOK.code_ids,
        "alpha",
        "zeta",
    ]


def test_analysis_imports_no_nlp_ui_or_store():
    code = (
        "import sys, qualcode.analysis\n"
        "bad = [m for m in ('spacy', 'streamlit', 'sqlalchemy', 'sqlite3', 'qualcode.store',"
        " 'qualcode.nlp', 'matplotlib.pyplot') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
