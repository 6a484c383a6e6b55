"""Every analysis accepts empty frames (with or without columns) and returns the
usual shape instead of raising."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_fixtures import CODEBOOK

from qualcode.analysis import (
    CODING_COLUMNS,
    COOCCURRENCE_COLUMNS,
    SUMMARY_COLUMNS,
    TRIANGULATION_COLUMNS,
    code_by_document,
    code_by_informant,
    code_by_source_type,
    code_summary_table,
    cooccurrence,
    cooccurrence_graph,
    factor_by_valence,
    framework_matrix,
    triangulate_codes,
)

EMPTY = [pd.DataFrame(), pd.DataFrame(columns=list(CODING_COLUMNS))]
CODES = list(CODEBOOK.code_ids)


@pytest.mark.parametrize("frame", EMPTY)
def test_matrices(frame):
    for build in (code_by_informant, code_by_document):
        table = build(frame, CODEBOOK, count="segments")
        assert list(table.index) == CODES
        assert list(table.columns) == []
    table = code_by_source_type(frame, CODEBOOK)
    assert list(table.columns) == ["interview", "observation", "document"]
    assert table.to_numpy().sum() == 0
    table = factor_by_valence(frame, CODEBOOK, count="informants")
    assert list(table.index) == ["kepemimpinan", "sistem", "tim"]
    assert list(table.columns) == ["pendukung", "penghambat", "netral", "total"]
    assert table.to_numpy().sum() == 0
    assert factor_by_valence(frame, CODEBOOK, "tidak-ada").shape == (0, 4)
    table = framework_matrix(frame, CODEBOOK, cols="source_type")
    assert list(table.index) == CODES
    assert set(table.to_numpy().ravel()) == {""}


@pytest.mark.parametrize("frame", EMPTY)
def test_tables(frame):
    table = code_summary_table(frame, CODEBOOK)
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    assert table["code_id"].tolist() == CODES
    assert table["segments"].sum() == 0
    table = triangulate_codes(frame, CODEBOOK)
    assert list(table.columns) == list(TRIANGULATION_COLUMNS)
    assert set(table["status"]) == {"absent"}


@pytest.mark.parametrize("frame", EMPTY)
@pytest.mark.parametrize("unit", ["segment", "document", "informant"])
def test_cooccurrence(frame, unit):
    out = cooccurrence(frame, window=2, unit=unit)
    assert out.empty
    assert list(out.columns) == list(COOCCURRENCE_COLUMNS)
    graph = cooccurrence_graph(frame, CODEBOOK, unit=unit)
    assert graph.number_of_nodes() == 0
