"""qualcode.evaluation and `qualcode evaluate`: every metric checked by hand."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from qualcode import codebook as codebook_io
from qualcode.cli_accuracy import evaluate as evaluate_command
from qualcode.evaluation import (
    GoldError,
    evaluate,
    format_report,
    load_gold,
    parse_gold,
    predict_passage,
    to_json,
)
from qualcode.model import CodeSuggestion

# Five passages; T5 has two paragraphs, so it is coded as two segments.
GOLD = [
    {"id": "g1", "text": "Teks satu.", "codes": ["produktivitas"], "valence": "pendukung"},
    {
        "id": "g2",
        "text": "Teks dua.",
        "codes": ["responsivitas", "faktor_sistem"],
        "valence": "penghambat",
        "note": "extra keys are ignored",
    },
    {"id": "g3", "text": "Teks tiga.", "codes": [], "valence": None},
    {"id": "g4", "text": "Teks empat.", "codes": [], "valence": None},
    {
        "id": "g5",
        "text": "Teks lima a.\n\nTeks lima b.",
        "codes": ["faktor_tim"],
        "valence": "penghambat",
    },
]


def s(code: str, score: float, valence: str) -> CodeSuggestion:
    return CodeSuggestion(code, score, valence)  # type: ignore[arg-type]


STUB = {
    # g1: top produktivitas (in gold), valence pendukung (right); faktor_sistem is a false alarm.
    "Teks satu.": [s("produktivitas", 0.9, "pendukung"), s("faktor_sistem", 0.6, "penghambat")],
    # g2: top faktor_sistem (in gold) is netral, so the passage valence is the majority of
    # the non-neutral ones: responsivitas penghambat -> penghambat (right).
    "Teks dua.": [s("faktor_sistem", 0.8, "netral"), s("responsivitas", 0.7, "penghambat")],
    # g3: nothing suggested on an uncoded passage (right).
    "Teks tiga.": [],
    # g4: a suggestion on an uncoded passage (wrong).
    "Teks empat.": [s("akuntabilitas", 0.55, "pendukung")],
    # g5: union over two segments; faktor_tim keeps its best score (0.9, penghambat);
    # top is produktivitas 0.95 (not in gold), valence pendukung (gold penghambat: wrong).
    "Teks lima a.": [s("faktor_tim", 0.6, "pendukung")],
    "Teks lima b.": [s("faktor_tim", 0.9, "penghambat"), s("produktivitas", 0.95, "pendukung")],
}


def stub_code_text(text: str) -> list[CodeSuggestion]:
    return STUB[text]


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(g) + "\n" for g in GOLD), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def codebook():
    return codebook_io.load_codebook()


def test_metrics_match_hand_computation(gold_file, codebook):
    r = evaluate(gold_file, codebook, coder=stub_code_text)
    approx = pytest.approx

    assert r["n"] == 5 and r["n_coded"] == 3 and r["n_uncoded"] == 2
    # top-1: g1 yes, g2 yes, g3 yes (empty), g4 no (false alarm), g5 no -> 3/5
    assert r["top1_accuracy"] == approx(3 / 5)
    assert r["top1_accuracy_coded"] == approx(2 / 3)  # g1, g2 of g1, g2, g5
    assert r["empty_accuracy"] == approx(1 / 2)  # g3 of g3, g4

    pc = r["per_code"]
    # produktivitas: gold {g1}, predicted {g1, g5}: TP 1, FP 1, FN 0
    #   P = 1/2, R = 1, F1 = 2 * 0.5 * 1 / 1.5 = 2/3
    #   kappa: po = 4/5; pe = 0.2 * 0.4 + 0.8 * 0.6 = 0.56; (0.8 - 0.56) / 0.44 = 6/11
    assert pc["produktivitas"]["precision"] == approx(0.5)
    assert pc["produktivitas"]["recall"] == approx(1.0)
    assert pc["produktivitas"]["f1"] == approx(2 / 3)
    assert pc["produktivitas"]["kappa"] == approx(6 / 11)
    assert pc["produktivitas"]["support"] == 1 and pc["produktivitas"]["predicted"] == 2
    # faktor_sistem: gold {g2}, predicted {g1, g2}: the same counts as produktivitas
    assert pc["faktor_sistem"]["f1"] == approx(2 / 3)
    assert pc["faktor_sistem"]["kappa"] == approx(6 / 11)
    # responsivitas: gold {g2}, predicted {g2}: perfect
    assert pc["responsivitas"]["f1"] == approx(1.0) and pc["responsivitas"]["kappa"] == 1.0
    # faktor_tim: gold {g5}, predicted {g5}: perfect
    assert pc["faktor_tim"]["f1"] == approx(1.0) and pc["faktor_tim"]["kappa"] == 1.0
    # akuntabilitas: gold {}, predicted {g4}: TP 0, FP 1 -> P = R = F1 = 0
    #   kappa: po = 4/5, pe = 1.0 * 0.8 + 0 * 0.2 = 0.8 -> 0 / 0.2 = 0
    assert pc["akuntabilitas"]["precision"] == 0.0
    assert pc["akuntabilitas"]["f1"] == 0.0
    assert pc["akuntabilitas"]["kappa"] == approx(0.0)
    # codes nobody used are reported but not averaged
    assert pc["faktor_individu"]["support"] == 0 and pc["faktor_individu"]["predicted"] == 0
    assert r["codes_in_scope"] == [
        "produktivitas",
        "responsivitas",
        "akuntabilitas",
        "faktor_tim",
        "faktor_sistem",
    ]

    # macro over the 5 codes in scope:
    #   P = (0.5 + 1 + 0 + 1 + 0.5) / 5 = 0.6; R = (1 + 1 + 0 + 1 + 1) / 5 = 0.8
    #   F1 = (2/3 + 1 + 0 + 1 + 2/3) / 5 = 2/3; kappa = (6/11 + 1 + 0 + 1 + 6/11) / 5 = 34/55
    assert r["macro"]["precision"] == approx(0.6)
    assert r["macro"]["recall"] == approx(0.8)
    assert r["macro"]["f1"] == approx(2 / 3)
    assert r["kappa_mean"] == approx(34 / 55)
    # micro: TP = 1 + 1 + 1 + 0 + 1 = 4, FP = 1 + 0 + 1 + 0 + 1 = 3, FN = 0
    #   P = 4/7, R = 1, F1 = 2 * (4/7) / (1 + 4/7) = 8/11
    assert r["micro"]["precision"] == approx(4 / 7)
    assert r["micro"]["recall"] == approx(1.0)
    assert r["micro"]["f1"] == approx(8 / 11)

    # valence over g1 (pendukung), g2 (penghambat), g5 (penghambat): right, right, wrong
    assert r["valence_n"] == 3
    assert r["valence_accuracy"] == approx(2 / 3)
    assert r["valence_accuracy_predicted"] == approx(2 / 3)


def test_prediction_union_and_valence_rules():
    p = predict_passage("Teks lima a.\n\nTeks lima b.", stub_code_text)
    assert p.codes == {"faktor_tim", "produktivitas"}
    assert p.scores["faktor_tim"] == 0.9 and p.valences["faktor_tim"] == "penghambat"
    assert p.top == "produktivitas" and p.valence == "pendukung"
    tie = predict_passage("Teks dua.", lambda _t: [s("faktor_tim", 0.5, "netral")])
    assert tie.valence == "netral"  # top netral and no other valence: netral


def test_passage_with_no_prediction_counts_wrong_for_valence(codebook):
    items = parse_gold(
        ['{"id": 1, "text": "Teks.", "codes": ["faktor_tim"], "valence": "pendukung"}']
    )
    r = evaluate(items, codebook, coder=lambda _t: [])
    assert r["valence_accuracy"] == 0.0 and r["valence_n"] == 1
    assert math.isnan(r["valence_accuracy_predicted"])
    assert r["top1_accuracy"] == 0.0
    assert items[0].id == "1"  # integer ids are read as text


def test_campuran_is_not_scored_for_valence(codebook):
    items = parse_gold(
        ['{"id": "m", "text": "Teks.", "codes": ["faktor_tim"], "valence": "campuran"}']
    )
    r = evaluate(items, codebook, coder=lambda _t: [s("faktor_tim", 0.9, "pendukung")])
    assert r["valence_n"] == 0 and math.isnan(r["valence_accuracy"])
    assert r["top1_accuracy"] == 1.0


def test_coder_object_with_code_text_method(gold_file, codebook):
    class Stub:
        def code_text(self, text: str) -> list[CodeSuggestion]:
            return STUB[text]

    assert evaluate(gold_file, codebook, coder=Stub())["top1_accuracy"] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "each line must be a JSON object"),
        ('{"text": "x", "codes": []}', "missing key 'id'"),
        ('{"id": "a", "codes": []}', "'text' must be a non-empty string"),
        ('{"id": "a", "text": "x", "codes": "faktor_tim"}', "'codes' must be a list"),
        ('{"id": "a", "text": "x", "codes": [], "valence": "baik"}', "'valence' must be one of"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    good = json.dumps(GOLD[0])
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(GoldError) as info:
        load_gold(path)
    assert info.value.line == 3  # the blank line 2 is skipped but counted
    assert str(path) in str(info.value) and f":3: {message}" in str(info.value)


def test_duplicate_ids_and_unknown_codes_are_errors(tmp_path, codebook):
    with pytest.raises(GoldError, match="duplicate id 'g1' \\(first on line 1\\)"):
        parse_gold([json.dumps(GOLD[0]), json.dumps(GOLD[0])], source="g.jsonl")
    path = tmp_path / "unknown.jsonl"
    path.write_text(
        json.dumps({"id": "x", "text": "Teks.", "codes": ["kinerja"], "valence": None}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(GoldError, match="unknown code 'kinerja'"):
        evaluate(path, codebook, coder=lambda _t: [])
    path.write_text(
        json.dumps({"id": "x", "text": "Teks.", "codes": ["faktor_kinerja"]}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(GoldError, match="not codable code 'faktor_kinerja'"):
        evaluate(path, codebook, coder=lambda _t: [])
    with pytest.raises(GoldError, match="gold file not found"):
        load_gold(tmp_path / "missing.jsonl")


def test_report_and_json_forms(gold_file, codebook):
    r = evaluate(gold_file, codebook, coder=stub_code_text, include_items=True)
    text = format_report(r)
    assert "Presisi" in text and "Kappa" in text and "Rata-rata makro" in text
    assert "0.600" in text  # top-1 and macro precision
    data = json.loads(to_json(r))
    assert data["per_code"]["faktor_individu"]["kappa"] == 1.0  # both all-absent: agreement
    assert data["items"][4]["predicted_codes"] == ["faktor_tim", "produktivitas"]
    assert data["items"][4]["top"] == "produktivitas"


def test_cli_evaluate_with_stub_coder(gold_file, monkeypatch):
    import qualcode.coder

    class StubCoder:
        def __init__(self, _codebook: object) -> None:
            pass

        def code_text(self, text: str) -> list[CodeSuggestion]:
            return STUB[text]

    monkeypatch.setattr(qualcode.coder, "Coder", StubCoder)
    runner = CliRunner()
    result = runner.invoke(evaluate_command, [str(gold_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n"] == 5
    assert data["top1_accuracy"] == pytest.approx(0.6)
    assert data["macro"]["f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert data["kappa_mean"] == pytest.approx(34 / 55, abs=1e-6)
    assert data["valence_accuracy"] == pytest.approx(2 / 3, abs=1e-6)
    table = runner.invoke(evaluate_command, [str(gold_file)])
    assert table.exit_code == 0 and "Akurasi kode teratas" in table.output


def test_cli_evaluate_with_the_real_coder(tmp_path):
    path = tmp_path / "gold.jsonl"
    rows = [
        {
            "id": "a",
            "text": "Server e-office sering down, jadi surat harus diantar manual.",
            "codes": ["faktor_sistem"],
            "valence": "penghambat",
        },
        {"id": "b", "text": "Baik, terima kasih, Mas.", "codes": [], "valence": None},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(evaluate_command, [str(path), "--format", "json", "--details"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in (
        "n",
        "top1_accuracy",
        "micro",
        "macro",
        "kappa_mean",
        "per_code",
        "valence_accuracy",
    ):
        assert key in data
    assert set(data["micro"]) >= {"precision", "recall", "f1"}
    assert set(data["per_code"]["faktor_sistem"]) >= {
        "precision",
        "recall",
        "f1",
        "kappa",
        "support",
    }
    assert [item["id"] for item in data["items"]] == ["a", "b"]


def test_cli_evaluate_reports_malformed_gold(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x", "codes": []}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(evaluate_command, [str(path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, GoldError)
    assert result.exception.line == 2
