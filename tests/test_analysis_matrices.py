"""Matrices and tables, checked against counts read off analysis_fixtures."""

from __future__ import annotations

import pandas as pd
from analysis_fixtures import CODEBOOK, confirmed_codings, make_codings, tiny_codebook

from qualcode.analysis import (
    SUMMARY_COLUMNS,
    code_by_document,
    code_by_informant,
    code_by_source_type,
    code_summary_table,
    factor_by_valence,
    framework_matrix,
)
from qualcode.analysis.matrices import condense

CODES = list(CODEBOOK.code_ids)


def as_dict(table: pd.DataFrame) -> dict[str, list[int]]:
    return {str(code): [int(v) for v in row] for code, row in table.iterrows()}


def test_code_by_informant_counts_codings():
    table = code_by_informant(confirmed_codings(), CODEBOOK)
    assert list(table.index) == CODES
    assert list(table.columns) == ["Informan 1", "Informan 2"]
    assert table.index.name == "code"
    assert table.columns.name == "informant"
    assert as_dict(table) == {
        "produktivitas": [2, 2],
        "kualitas_layanan": [0, 0],
        "responsivitas": [0, 0],
        "kepemimpinan": [1, 1],
        "sistem": [1, 1],
        "tim": [0, 0],
    }
    assert all(str(t) == "int64" for t in table.dtypes)


def test_code_by_informant_counts_segments_and_informants():
    # Informan 2's two codings of produktivitas are on the same segment 20.
    table = code_by_informant(confirmed_codings(), CODEBOOK, count="segments")
    assert table.loc["produktivitas"].tolist() == [2, 1]
    table = code_by_informant(confirmed_codings(), CODEBOOK, count="informants")
    assert table.loc["produktivitas"].tolist() == [1, 1]
    assert table.loc["tim"].tolist() == [0, 0]


def test_code_by_source_type():
    table = code_by_source_type(confirmed_codings(), CODEBOOK)
    assert list(table.columns) == ["interview", "observation", "document"]
    assert as_dict(table) == {
        "produktivitas": [4, 0, 1],
        "kualitas_layanan": [0, 0, 0],
        "responsivitas": [0, 0, 0],
        "kepemimpinan": [2, 1, 0],
        "sistem": [2, 2, 0],
        "tim": [0, 0, 0],
    }
    segments = code_by_source_type(confirmed_codings(), CODEBOOK, count="segments")
    assert segments.loc["produktivitas"].tolist() == [3, 0, 1]
    informants = code_by_source_type(confirmed_codings(), CODEBOOK, count="informants")
    assert informants.loc["produktivitas"].tolist() == [2, 0, 0]
    assert informants.loc["sistem"].tolist() == [2, 0, 0]


def test_code_by_document_natural_column_order():
    table = code_by_document(confirmed_codings(), CODEBOOK)
    assert list(table.columns) == [
        "LKjIP_2023.pdf",
        "observasi_ruang_kerja.txt",
        "wawancara_informan1.txt",
        "wawancara_informan2.txt",
    ]
    assert table.loc["sistem"].tolist() == [0, 2, 1, 1]
    assert table.loc["kepemimpinan"].tolist() == [0, 1, 1, 1]


def test_codes_outside_the_codebook_follow_it():
    frame = make_codings(
        [
            {"code_id": "lain", "informant": "Informan 10", "segment_id": 1},
            {"code_id": "a", "informant": "Informan 2", "segment_id": 2},
        ]
    )
    table = code_by_informant(frame, tiny_codebook("b", "a"))
    assert list(table.index) == ["b", "a", "lain"]
    assert list(table.columns) == ["Informan 2", "Informan 10"]
    assert as_dict(table) == {"b": [0, 0], "a": [1, 0], "lain": [0, 1]}


def test_factor_by_valence():
    table = factor_by_valence(confirmed_codings(), CODEBOOK)
    assert list(table.index) == ["kepemimpinan", "sistem", "tim"]
    assert list(table.columns) == ["pendukung", "penghambat", "netral", "total"]
    assert as_dict(table) == {
        "kepemimpinan": [3, 0, 0, 3],
        "sistem": [1, 3, 0, 4],
        "tim": [0, 0, 0, 0],
    }
    dwiyanto = factor_by_valence(confirmed_codings(), CODEBOOK, "dwiyanto", count="segments")
    # produktivitas: pendukung on segments 10, 20, 40; penghambat on 12.
    assert dwiyanto.loc["produktivitas"].tolist() == [3, 1, 0, 4]


def test_factor_by_valence_total_counts_distinct():
    # One informant speaks of the factor as both supporting and inhibiting.
    frame = make_codings(
        [
            {"code_id": "tim", "framework": "m", "valence": "pendukung", "informant": "A"},
            {"code_id": "tim", "framework": "m", "valence": "penghambat", "informant": "A"},
        ]
    )
    table = factor_by_valence(frame, tiny_codebook("tim", framework="m"), "m", count="informants")
    assert table.loc["tim"].tolist() == [1, 1, 0, 1]
    table = factor_by_valence(frame, tiny_codebook("tim", framework="m"), "m")
    assert table.loc["tim"].tolist() == [1, 1, 0, 2]


def test_framework_matrix_quotes_and_refs():
    table = framework_matrix(confirmed_codings(), CODEBOOK, max_quotes=1)
    assert list(table.index) == CODES
    assert list(table.columns) == ["Informan 1", "Informan 2"]
    # Segment 12 (score 1.0) comes before segment 10 (score 0.8).
    assert table.loc["produktivitas", "Informan 1"] == (
        "\u201cTarget IKU belum tercapai karena beban kerja tinggi.\u201d [seg 12]\n"
        "(+1 kutipan lain)"
    )
    # Two coders coded segment 20: quoted once.
    assert table.loc["produktivitas", "Informan 2"] == (
        "\u201cKinerjanya baik, tetapi jaringan internet sering terputus.\u201d [seg 20]"
    )
    assert table.loc["tim", "Informan 1"] == ""


def test_framework_matrix_all_quotes_in_order_and_english():
    table = framework_matrix(confirmed_codings(), CODEBOOK, max_quotes=3, lang="en")
    assert table.loc["produktivitas", "Informan 1"].split("\n") == [
        "\u201cTarget IKU belum tercapai karena beban kerja tinggi.\u201d [seg 12]",
        "\u201cKinerja bagian kami meningkat karena pimpinan selalu mendukung.\u201d [seg 10]",
    ]
    table = framework_matrix(confirmed_codings(), CODEBOOK, max_quotes=0, lang="en")
    assert table.loc["produktivitas", "Informan 1"] == "(+2 more quotes)"


def test_framework_matrix_span_reference_and_summaries():
    table = framework_matrix(
        confirmed_codings(),
        CODEBOOK,
        cols="source_type",
        summaries={
            ("sistem", "interview"): "  Sistem e-office dan jaringan menghambat.  ",
            ("sistem", "document"): "   ",  # blank: quotes stay (there are none)
            ("tidak_ada", "interview"): "ignored",
        },
    )
    assert list(table.columns) == ["interview", "observation", "document"]
    assert table.loc["kepemimpinan", "observation"] == (
        "\u201cdipimpin kepala bagian\u201d [observasi_ruang_kerja.txt 70-92]"
    )
    assert table.loc["sistem", "interview"] == "Sistem e-office dan jaringan menghambat."
    assert table.loc["sistem", "document"] == ""
    assert "tidak_ada" not in table.index


def test_framework_matrix_transposed():
    table = framework_matrix(confirmed_codings(), CODEBOOK, rows="document", cols="code")
    assert list(table.index)[0] == "LKjIP_2023.pdf"
    assert list(table.columns) == CODES
    assert table.loc["LKjIP_2023.pdf", "produktivitas"] == (
        "\u201cCapaian kinerja organisasi tahun 2023 sebesar 92 persen.\u201d [seg 40]"
    )


def test_condense():
    assert condense("  satu\n dua   tiga ") == "satu dua tiga"
    assert condense("satu dua tiga empat lima", 15) == "satu dua tiga\u2026"
    assert len(condense("x" * 50, 10)) == 10


def test_code_summary_table():
    table = code_summary_table(confirmed_codings(), CODEBOOK)
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    rows = {r["code_id"]: r for r in table.to_dict("records")}
    assert list(rows) == CODES
    assert rows["produktivitas"] == {
        "code_id": "produktivitas",
        "code_name": "Produktivitas",
        "framework": "dwiyanto",
        "codings": 5,
        "segments": 4,
        "informants": 2,
        "documents": 3,
        "source_types": ["interview", "document"],
        "pendukung": 3,
        "penghambat": 1,
        "netral": 0,
    }
    assert rows["kepemimpinan"]["segments"] == 3  # the span counts as one
    assert rows["kepemimpinan"]["source_types"] == ["interview", "observation"]
    assert (rows["sistem"]["pendukung"], rows["sistem"]["penghambat"]) == (1, 3)
    assert rows["tim"]["codings"] == 0
    assert rows["tim"]["source_types"] == []


def test_empty_dimension_values_are_left_out():
    frame = make_codings(
        [
            {"code_id": "a", "source_type": "", "segment_id": 1, "text": "tanpa jenis"},
            {"code_id": "a", "source_type": "interview", "segment_id": 2, "text": "wawancara"},
        ]
    )
    book = tiny_codebook("a")
    table = framework_matrix(frame, book, cols="source_type")
    assert list(table.columns) == ["interview", "observation", "document"]
    assert table.loc["a", "interview"] == "\u201cwawancara\u201d [seg 2]"
    assert code_by_source_type(frame, book).loc["a"].tolist() == [1, 0, 0]
