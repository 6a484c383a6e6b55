"""Agreement coefficients, checked against values computed by hand in the comments."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from analysis_fixtures import CODEBOOK, codings_frame, make_codings
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qualcode.analysis import (
    AGREEMENT_COLUMNS,
    agreement_by_code,
    agreement_report,
    alpha_from_confusion,
    alpha_over_codes,
    cohen_kappa,
    compare_auto_to_human,
    krippendorff_alpha_nominal,
)

# --------------------------------------------------------------------------- Cohen's kappa


def two_by_two(both: int, only_a: int, only_b: int, neither: int) -> tuple[list[int], list[int]]:
    a = [1] * both + [1] * only_a + [0] * only_b + [0] * neither
    b = [1] * both + [0] * only_a + [1] * only_b + [0] * neither
    return a, b


def test_kappa_two_by_two_by_hand():
    # 20 units: both 7, only a 3, only b 2, neither 8.
    # po = (7 + 8) / 20 = 0.75
    # a says yes 10/20 = 0.50, b says yes 9/20 = 0.45
    # pe = 0.50 * 0.45 + 0.50 * 0.55 = 0.225 + 0.275 = 0.50
    # kappa = (0.75 - 0.50) / (1 - 0.50) = 0.50
    a, b = two_by_two(7, 3, 2, 8)
    assert cohen_kappa(a, b) == pytest.approx(0.5, abs=1e-12)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_kappa_three_categories_by_hand():
    # a: x x x x y y y z z z ; b: x x x y y y z z z x
    # agreements at units 1-3, 5-6, 8-9: po = 7/10
    # a: x 4, y 3, z 3; b: x 4, y 3, z 3 -> pe = (16 + 9 + 9) / 100 = 0.34
    # kappa = (0.70 - 0.34) / 0.66 = 6/11 = 0.545454...
    a = list("xxxxyyyzzz")
    b = list("xxxyyyzzzx")
    assert cohen_kappa(a, b) == pytest.approx(6 / 11, abs=1e-12)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_kappa_degenerate_and_empty():
    assert cohen_kappa(["x"] * 5, ["x"] * 5) == 1.0  # pe = 1: defined as 1.0
    assert cohen_kappa([1, 1, 1, 0], [1, 1, 1, 1]) == 0.0  # pe = 0.75, po = 0.75
    assert math.isnan(cohen_kappa([], []))
    with pytest.raises(ValueError):
        cohen_kappa([1, 2], [1])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=2))
def test_kappa_matches_sklearn(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    ours = cohen_kappa(a, b)
    if len(set(a) | set(b)) == 1:
        assert ours == 1.0  # sklearn gives NaN here
    else:
        assert ours == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    assert ours == pytest.approx(cohen_kappa(b, a), abs=1e-12)


# --------------------------------------------------------------------------- Krippendorff's alpha


def test_alpha_krippendorff_2011_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C:
    # 4 observers x 12 units, nominal, with missing values. By hand:
    # pairable values per unit: 3 4 4 4 4 4 4 4 4 3 2 (unit 12 has one value) -> n = 40
    # disagreeing pairs: unit 2 (2,2,3,2): 3 ordered pairs each way / (4-1) -> 2
    #                    unit 6 (1,2,3,4): 12 ordered pairs / 3 -> 4
    #                    unit 8 (1,1,2,1): 2            -> sum over c != k of o_ck = 8
    # value totals n_c: 1 -> 9, 2 -> 13, 3 -> 10, 4 -> 5, 5 -> 3
    # sum over c != k of n_c n_k = 40^2 - (81 + 169 + 100 + 25 + 9) = 1216
    # alpha = 1 - (40 - 1) * 8 / 1216 = 1 - 312/1216 = 0.743421...
    N = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
    alpha = krippendorff_alpha_nominal(data)
    assert round(alpha, 3) == 0.743
    assert alpha == pytest.approx(1 - 312 / 1216, abs=1e-12)
    # NaN marks missing values as well as None
    with_nan = [[float("nan") if v is None else v for v in row] for row in data]
    assert krippendorff_alpha_nominal(with_nan) == pytest.approx(alpha, abs=1e-12)


def test_alpha_krippendorff_2011_binary_example():
    # Example A of the same paper: two observers, ten units, binary.
    # units (A, B): (0,1) (1,1) (0,1) (0,0) (0,0) (0,1) (0,0) (0,0) (1,0) (0,0)
    # both 1, only A 1, only B 3, neither 5; n = 20, n_1 = 6, n_0 = 14
    # o_01 + o_10 = 2 * 4 = 8; alpha = 1 - 19 * 8 / (2 * 6 * 14) = 1 - 152/168 = 0.095238
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha_nominal([a, b]) == pytest.approx(16 / 168, abs=1e-12)
    assert round(krippendorff_alpha_nominal([a, b]), 3) == 0.095
    assert alpha_from_confusion(1, 1, 3, 5) == pytest.approx(16 / 168, abs=1e-12)


def test_alpha_two_by_two_by_hand():
    # The kappa example above as alpha: 20 cells, n = 40 values
    # n_1 = 2*7 + 3 + 2 = 19, n_0 = 2*8 + 3 + 2 = 21, disagreement 2 * 5 = 10
    # alpha = 1 - 39 * 10 / (2 * 19 * 21) = 1 - 390/798 = 408/798 = 0.511278...
    a, b = two_by_two(7, 3, 2, 8)
    assert krippendorff_alpha_nominal([a, b]) == pytest.approx(408 / 798, abs=1e-12)
    assert alpha_from_confusion(7, 3, 2, 8) == pytest.approx(408 / 798, abs=1e-12)


def test_alpha_degenerate():
    assert krippendorff_alpha_nominal([[1, 1, 1], [1, 1, 1]]) == 1.0
    assert math.isnan(krippendorff_alpha_nominal([[1, None], [None, 2]]))
    assert math.isnan(krippendorff_alpha_nominal([]))
    assert krippendorff_alpha_nominal([[1, 2], [1, 2, 2]]) == pytest.approx(
        krippendorff_alpha_nominal([[1, 2, None], [1, 2, 2]])
    )


# --------------------------------------------------------------------------- per code

UNITS = [1, 2, 3, 4, 5, 6]


def coder(assignments: dict[int, str], document_id: int = 1) -> pd.DataFrame:
    return make_codings(
        [
            {"segment_id": seg, "code_id": code, "document_id": document_id}
            for seg, codes in assignments.items()
            for code in codes.split()
        ]
    )


# produktivitas = P, sistem = S. Segment 9 lies outside the units (and in document 2).
CODER_A = coder({1: "produktivitas", 2: "produktivitas", 3: "produktivitas", 4: "sistem",
                 6: "produktivitas sistem produktivitas"})  # fmt: skip
CODER_B = pd.concat(
    [
        coder(
            {
                1: "produktivitas",
                2: "produktivitas",
                3: "sistem",
                4: "sistem",
                5: "produktivitas",
                6: "sistem",
            }
        ),  # fmt: skip
        coder({9: "produktivitas"}, document_id=2),
    ],
    ignore_index=True,
)


def test_agreement_by_code_by_hand():
    # P: A on {1,2,3,6}, B on {1,2,5}: both 2, only A 2 (3, 6), only B 1 (5), neither 1 (4)
    #    po = 3/6; pa = 4/6, pb = 3/6; pe = 4/6*3/6 + 2/6*3/6 = 1/2 -> kappa 0
    # S: A on {4,6}, B on {3,4,6}: both 2, only A 0, only B 1, neither 3
    #    po = 5/6; pa = 2/6, pb = 3/6; pe = 2/6*3/6 + 4/6*3/6 = 1/2 -> kappa 2/3
    table = agreement_by_code(CODER_A, CODER_B, UNITS)
    assert list(table.columns) == list(AGREEMENT_COLUMNS)
    assert table[["code_id", "n_units", "both", "only_a", "only_b", "neither"]].values.tolist() == [
        ["produktivitas", 6, 2, 2, 1, 1],
        ["sistem", 6, 2, 0, 1, 3],
    ]
    assert table["kappa"].tolist() == pytest.approx([0.0, 2 / 3], abs=1e-12)
    assert table["percent_agreement"].tolist() == pytest.approx([50.0, 500 / 6], abs=1e-9)
    for code, kappa in zip(table["code_id"], table["kappa"], strict=True):
        a = [int(((CODER_A.segment_id == u) & (CODER_A.code_id == code)).any()) for u in UNITS]
        b = [int(((CODER_B.segment_id == u) & (CODER_B.code_id == code)).any()) for u in UNITS]
        assert cohen_kappa(a, b) == pytest.approx(kappa, abs=1e-12)
        assert cohen_kappa_score(a, b) == pytest.approx(kappa, abs=1e-12)


def test_agreement_by_code_unused_code_and_empty():
    table = agreement_by_code(CODER_A, CODER_B, UNITS, codes=["tim"])
    assert table[["both", "only_a", "only_b", "neither"]].values.tolist() == [[0, 0, 0, 6]]
    assert table["kappa"].tolist() == [1.0]
    empty = agreement_by_code(CODER_A.iloc[0:0], pd.DataFrame(), [])
    assert empty.empty and list(empty.columns) == list(AGREEMENT_COLUMNS)


def test_alpha_over_codes_by_hand():
    # pooled over P and S: both 4, only A 2, only B 2, neither 4 -> 12 cells, n = 24
    # n_1 = 8 + 4 = 12, n_0 = 8 + 4 = 12, disagreement 2 * 4 = 8
    # alpha = 1 - 23 * 8 / (2 * 12 * 12) = 1 - 184/288 = 104/288 = 0.361111...
    alpha = alpha_over_codes([CODER_A, CODER_B], UNITS)
    assert alpha == pytest.approx(104 / 288, abs=1e-12)
    matrix = [
        [int(((f.segment_id == u) & (f.code_id == c)).any()) for u in UNITS for c in ("p", "s")]
        for f in (
            CODER_A.replace({"produktivitas": "p", "sistem": "s"}),
            CODER_B.replace({"produktivitas": "p", "sistem": "s"}),
        )
    ]
    assert krippendorff_alpha_nominal(matrix) == pytest.approx(alpha, abs=1e-12)
    # three coders, the third agreeing with A everywhere
    three = alpha_over_codes([CODER_A, CODER_B, CODER_A], UNITS)
    assert three == pytest.approx(krippendorff_alpha_nominal([*matrix, matrix[0]]), abs=1e-12)
    assert math.isnan(alpha_over_codes([CODER_A], UNITS))
    assert math.isnan(alpha_over_codes([CODER_A, CODER_B], []))


def test_agreement_report():
    report = agreement_report(CODER_A, CODER_B, codebook=CODEBOOK)
    # default units: segments either coder coded in documents both coded -> 1..6
    assert report["n_units"] == 6
    assert report["unit"] == "segment"
    assert report["by_code"]["code_id"].tolist() == ["produktivitas", "sistem"]
    assert report["by_code"]["code_name"].tolist() == ["Produktivitas", "Faktor sistem"]
    assert report["mean_kappa"] == pytest.approx((0 + 2 / 3) / 2, abs=1e-12)
    assert report["alpha"] == pytest.approx(104 / 288, abs=1e-12)
    assert report["confusion"] == {"both": 4, "only_a": 2, "only_b": 2, "neither": 4}
    assert report["percent_agreement"] == pytest.approx(8 / 12 * 100)
    by_document = agreement_report(CODER_A, CODER_B, codebook=CODEBOOK, unit="document")
    # one shared document; both coders used both codes in it
    assert by_document["n_units"] == 1
    assert by_document["confusion"] == {"both": 2, "only_a": 0, "only_b": 0, "neither": 0}
    assert by_document["mean_kappa"] == 1.0


def test_agreement_report_empty():
    report = agreement_report(pd.DataFrame(), pd.DataFrame(), codebook=CODEBOOK)
    assert report["n_units"] == 0
    assert report["by_code"].empty
    assert list(report["by_code"].columns) == ["code_id", "code_name", *AGREEMENT_COLUMNS[1:]]
    assert math.isnan(report["mean_kappa"]) and math.isnan(report["alpha"])


# --------------------------------------------------------------------------- machine vs researcher


def test_compare_auto_to_human_on_fixture():
    # Reviewed segments: 10 11 12 20 21 22 30 31 40 (13 carries only a suggestion).
    # machine (origin auto): (10 P) (10 K) (20 P) (20 S) (22 L) [and (13 R), not reviewed]
    # researcher present: (10 P) (10 K) (11 S) (12 P) (20 P) (20 S) (21 K) (30 S) (31 S) (40 P)
    # P: both 2, only machine 0, only researcher 2 (12, 40), neither 5
    #    po 7/9, pa 2/9, pb 4/9, pe = 8/81 + 35/81 = 43/81 -> kappa (63-43)/(81-43) = 10/19
    # L: both 0, only machine 1 (rejected on 22), neither 8
    #    po 8/9, pa 1/9, pb 0, pe = 8/9 -> kappa 0
    # K: both 1, only researcher 1 (21), neither 7
    #    po 8/9, pa 1/9, pb 2/9, pe = 2/81 + 56/81 = 58/81 -> kappa 14/23
    # S: both 1, only researcher 3 (11, 30, 31), neither 5
    #    po 6/9, pa 1/9, pb 4/9, pe = 4/81 + 40/81 = 44/81 -> kappa 10/37
    # pooled: both 4, only machine 1, only researcher 6, neither 25 (36 cells)
    # alpha = 1 - 71 * 14 / (2 * 15 * 57) = 1 - 994/1710 = 716/1710
    report = compare_auto_to_human(codings_frame(), codebook=CODEBOOK)
    table = report["by_code"]
    assert report["n_units"] == 9
    assert table["code_id"].tolist() == [
        "produktivitas",
        "kualitas_layanan",
        "kepemimpinan",
        "sistem",
    ]
    assert table[["n_units", "both", "only_a", "only_b", "neither"]].values.tolist() == [
        [9, 2, 0, 2, 5],
        [9, 0, 1, 0, 8],
        [9, 1, 0, 1, 7],
        [9, 1, 0, 3, 5],
    ]
    expected = [Fraction(10, 19), Fraction(0), Fraction(14, 23), Fraction(10, 37)]
    assert table["kappa"].tolist() == pytest.approx([float(k) for k in expected], abs=1e-12)
    assert report["mean_kappa"] == pytest.approx(float(sum(expected) / 4), abs=1e-12)
    assert report["confusion"] == {"both": 4, "only_a": 1, "only_b": 6, "neither": 25}
    assert report["alpha"] == pytest.approx(716 / 1710, abs=1e-12)
    assert table["precision"].tolist()[0] == 1.0
    assert table["recall"].tolist() == pytest.approx([0.5, float("nan"), 0.5, 0.25], nan_ok=True)
    assert table["precision"].tolist()[1] == 0.0


def test_pending_suggestions_are_left_out():
    frame = make_codings(
        [
            {"segment_id": 1, "code_id": "X", "origin": "auto", "status": "accepted"},
            {"segment_id": 1, "code_id": "Y", "origin": "auto", "status": "suggested"},
            {"segment_id": 2, "code_id": "Y", "origin": "auto", "status": "rejected"},
            {"segment_id": 2, "code_id": "X", "origin": "human", "status": "manual"},
            {"segment_id": 3, "code_id": "X", "origin": "auto", "status": "suggested"},
        ]
    )
    report = compare_auto_to_human(frame)
    table = report["by_code"].set_index("code_id")
    # units: segments 1 and 2 (3 was never reviewed)
    assert report["n_units"] == 2
    assert table.loc["X", ["n_units", "both", "only_a", "only_b", "neither"]].tolist() == [
        2, 1, 0, 1, 0,
    ]  # fmt: skip
    # (1, Y) is still pending: Y is judged on segment 2 only
    assert table.loc["Y", ["n_units", "both", "only_a", "only_b", "neither"]].tolist() == [
        1, 0, 1, 0, 0,
    ]  # fmt: skip
    assert table.loc["Y", "kappa"] == 0.0


def test_compare_auto_to_human_empty():
    report = compare_auto_to_human(pd.DataFrame())
    assert report["n_units"] == 0
    assert report["by_code"].empty
    assert "precision" in report["by_code"].columns
