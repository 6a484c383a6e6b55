"""qualcode.suggester: learning from decisions, never overriding them."""

from __future__ import annotations

import random

import pytest

from qualcode.analysis.agreement import cohen_kappa
from qualcode.model import CodeSuggestion, Evidence, SourceDocument
from qualcode.service import Project
from qualcode.suggester import Suggester, project_decisions, suggest_for_project

# A separable toy task in everyday Indonesian: each code has its own vocabulary.
SYSTEM = [
    "servernya mati lagi pagi ini",
    "jaringan internet di kantor lemot",
    "aplikasinya error waktu unggah berkas",
    "komputer di ruangan sudah tua",
    "printer rusak dan tinta habis",
    "server down jadi surat dicetak",
]
LEADER = [
    "ibu kepala bagian memberi arahan yang jelas",
    "pimpinan kami mau mendengarkan staf",
    "kabag turun langsung mendampingi",
    "atasan memberi contoh datang pagi",
    "beliau menegur dengan sopan",
    "arahan pimpinan berubah tiap minggu",
]
OTHER = [
    "cuacanya panas sekali siang itu",
    "kami makan siang di kantin",
    "rapatnya di lantai dua",
    "hari Jumat ada senam pagi",
    "parkiran penuh sejak pagi",
    "tamunya datang dari kecamatan",
]


def toy(n: int, seed: int) -> tuple[list[str], list[set[str]]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        kind = i % 3
        pool, label = [
            (SYSTEM, {"faktor_sistem"}),
            (LEADER, {"faktor_kepemimpinan"}),
            (OTHER, set()),
        ][kind]
        a, b = rng.sample(pool, 2)
        texts.append(f"{a.capitalize()}, terus {b}.")
        labels.append(label)
    return texts, labels


CODES = ["faktor_sistem", "faktor_kepemimpinan", "faktor_tim"]


def test_learns_a_separable_task_from_thirty_decisions():
    texts, labels = toy(30, seed=1)
    suggester = Suggester(rules=False)
    report = suggester.fit(texts, labels, CODES)
    print(f"fit on {report.n_texts} decisions: {report.seconds:.2f} s")
    assert set(report.trained_codes) == {"faktor_sistem", "faktor_kepemimpinan"}
    # Without rules there is nothing to fall back to: every trained code is used.
    assert set(report.active_codes) == set(report.trained_codes)
    for code in report.trained_codes:
        assert report.codes[code].cv_kappa is not None
        assert report.codes[code].folds == 5

    held_texts, held_labels = toy(30, seed=2)
    predicted = suggester.predict(held_texts)
    for code in ("faktor_sistem", "faktor_kepemimpinan"):
        kappa = cohen_kappa(
            [code in row for row in held_labels],
            [any(s.code_id == code for s in row) for row in predicted],
        )
        assert kappa > 0.6, (code, kappa)
    for text, row in zip(held_texts, predicted, strict=True):
        for suggestion in row:
            assert suggestion.origin == "suggester"
            assert 0.5 <= suggestion.score <= 1.0
            for evidence in suggestion.evidence:
                assert evidence.kind == "model"
                assert text[evidence.start : evidence.end] == evidence.matched


def test_evidence_offsets_are_shifted():
    texts, labels = toy(30, seed=3)
    suggester = Suggester(rules=False)
    suggester.fit(texts, labels, CODES)
    text = "Servernya mati lagi, terus jaringan internet di kantor lemot."
    (row,) = suggester.predict([text], offsets=[100])
    evidence = [e for s in row for e in s.evidence]
    assert evidence
    for e in evidence:
        assert text[e.start - 100 : e.end - 100] == e.matched


def test_codes_with_too_few_positives_are_reported_not_trained():
    texts, labels = toy(24, seed=4)
    labels[0] = labels[0] | {"faktor_tim"}
    labels[1] = labels[1] | {"faktor_tim"}
    suggester = Suggester(rules=False)
    report = suggester.fit(texts, labels, CODES)
    assert "faktor_tim" not in suggester.models
    assert report.codes["faktor_tim"].trained is False
    assert report.codes["faktor_tim"].positives == 2
    assert "only 2 positive decisions" in report.untrained["faktor_tim"]
    assert all(s.code_id != "faktor_tim" for row in suggester.predict(texts) for s in row)
    assert report.to_dict()["codes"]["faktor_tim"]["cv_kappa"] is None


def test_fit_checks_lengths_and_predict_needs_fit():
    suggester = Suggester(rules=False)
    with pytest.raises(ValueError, match="must match"):
        suggester.fit(["a"], [], CODES)
    with pytest.raises(RuntimeError, match="not trained"):
        Suggester(rules=False, min_positives=1).predict_proba(["teks"], rules=[[]])


def test_rules_feature_is_used_when_given():
    texts, labels = toy(30, seed=5)
    suggester = Suggester(rules=True)  # the bundled codebook and keyword coder
    report = suggester.fit(texts, labels, CODES)
    assert report.rule_seconds > 0
    assert "faktor_sistem" in report.trained_codes


def test_retrain_time_on_a_thesis_sized_project():
    texts, labels = toy(100, seed=6)
    report = Suggester(rules=False).fit(texts, labels, CODES)
    print(f"retrain on 100 decisions: {report.seconds:.2f} s")  # reported, not asserted


# --------------------------------------------------------------------------- projects


def observation(paragraphs: list[str], name: str) -> SourceDocument:
    return SourceDocument(name=name, text="\n\n".join(paragraphs) + "\n", source_type="observation")


@pytest.fixture
def project(tmp_path):
    texts, labels = toy(45, seed=7)
    proj = Project.create(tmp_path / "s.qualcode", name="Uji saran")
    proj.add_source(observation(texts[:36], "catatan-1"))
    proj.add_source(observation(texts[36:], "catatan-2"))
    proj.code()
    segments = proj.segments_frame()
    by_text = dict(zip(texts, labels, strict=True))
    codings = proj.codings_frame()
    # The researcher reviews the first document: accept what is right, reject the
    # rest, add what the rules missed.
    first = segments[segments["document"] == "catatan-1"]
    for row in codings[codings["document"] == "catatan-1"].itertuples():
        wanted = by_text[row.text]
        if row.code_id in wanted:
            proj.accept(int(row.coding_id), actor="peneliti")
        else:
            proj.reject(int(row.coding_id), actor="peneliti")
    have = {(int(r.segment_id), r.code_id) for r in codings.itertuples()}
    for seg in first.itertuples():
        wanted = by_text[seg.text]
        for code in wanted:
            if (int(seg.segment_id), code) not in have:
                proj.add_coding(
                    int(seg.document_id), int(seg.start), int(seg.end), code, actor="peneliti"
                )
    yield proj
    proj.close()


def human_state(proj: Project) -> dict[int, tuple]:
    frame = proj.codings_frame()
    decided = frame[frame["status"] != "suggested"]
    return {
        int(r.coding_id): (r.status, r.code_id, r.valence, int(r.version), r.origin)
        for r in decided.itertuples()
    }


def test_suggestions_never_override_human_decisions(project):
    before = human_state(project)
    assert before  # the fixture made decisions
    decisions = project_decisions(project)
    reviewed = {u.segment_id for u in decisions.reviewed}

    result = suggest_for_project(project, rules=False)
    assert result["segments_reviewed"] == len(reviewed)
    assert result["suggestions"] == result["added"] > 0
    assert human_state(project) == before

    frame = project.codings_frame()
    mine = frame[frame["origin"] == "suggester"]
    assert set(mine["status"]) == {"suggested"}
    assert not set(mine["segment_id"].astype(int)) & reviewed
    others = frame[frame["origin"] != "suggester"]
    taken = {(int(r.segment_id), r.code_id) for r in others.itertuples()}
    assert not {(int(r.segment_id), r.code_id) for r in mine.itertuples()} & taken

    # Running again changes nothing; a dry run writes nothing.
    again = suggest_for_project(project, rules=False)
    assert again["added"] == 0 and again["removed"] == 0
    assert again["updated"] == result["added"]
    dry = suggest_for_project(project, rules=False, dry_run=True)
    assert dry["added"] == dry["updated"] == 0
    assert len(project.codings_frame()) == len(frame)

    # The researcher decides on two suggester suggestions; they are kept as decided.
    first, second = (int(i) for i in mine["coding_id"].iloc[:2])
    project.accept(first, actor="peneliti")
    project.reject(second, actor="peneliti")
    decided = human_state(project)
    suggest_for_project(project, rules=False)
    assert human_state(project) == decided


def test_suggest_with_rules_uses_stored_rule_scores(project):
    decisions = project_decisions(project)
    assert decisions.rules  # rules suggestions read from the project, not recomputed
    result = suggest_for_project(project, dry_run=True)
    assert result["dry_run"] is True
    assert "rule_suggestions_doubted" in result
    assert set(result["report"]["codes"]) >= set(CODES)


def test_cli_suggest_prints_kappa_and_counts(project):
    from click.testing import CliRunner

    from qualcode.cli_accuracy import suggest

    location = project.location
    project.close()
    runner = CliRunner()
    result = runner.invoke(suggest, ["--project", location, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "kappa (cv)" in result.output and "faktor_sistem" in result.output
    assert "kappa aturan" in result.output
    assert "tidak disimpan" in result.output
    as_json = runner.invoke(suggest, ["--project", location, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert '"added"' in as_json.output


# --------------------------------------------------------------------------- rule errors

# "sop" is both a standard operating procedure and a soup: a keyword rule cannot tell.
SOUP = [
    "bu ani bawa sop buntut ke ruang rapat",
    "makan siang kami sop ayam di kantin belakang",
    "sop iga warung depan kantor enak sekali",
    "tiap jumat ada sop kambing dari koperasi",
    "pak budi pesan sop sayur untuk tamu",
    "sop daging kiriman ibu kantin cepat habis",
    "kami bikin sop jagung waktu syukuran",
    "sop kaki sapi langganan kabag tutup hari ini",
]
BROKEN = [
    "aplikasinya sering error waktu unggah berkas",
    "aplikasi e-office lambat sekali kalau sore",
    "server aplikasi mati dua hari",
    "aplikasi kepegawaian belum terhubung dengan keuangan",
    "aplikasinya minta diperbarui terus",
    "jaringan putus jadi aplikasi tidak bisa dibuka",
    "aplikasi lama dan baru belum sinkron",
    "aplikasinya hilang datanya setelah pembaruan",
]


def keyword_rules(text: str) -> list[CodeSuggestion]:
    """A stand-in for the keyword rules: "sop" and "aplikasi" mean faktor_sistem."""
    low = text.lower()
    evidence = []
    for term in ("sop", "aplikasi"):
        at = low.find(term)
        if at >= 0:
            end = at + len(term)
            evidence.append(Evidence(term, text[at:end], at, end, "keyword"))
    if not evidence:
        return []
    return [CodeSuggestion("faktor_sistem", 0.55, "penghambat", tuple(evidence))]


def term_decisions(n_each: int) -> tuple[list[str], list[set[str]]]:
    texts = SOUP[:n_each] + BROKEN[:n_each] + OTHER[:n_each]
    labels: list[set[str]] = [set() for _ in SOUP[:n_each]]
    labels += [{"faktor_sistem"} for _ in BROKEN[:n_each]] + [set() for _ in OTHER[:n_each]]
    return texts, labels


def test_learns_to_reject_a_rule_term_the_researcher_always_rejects():
    texts, labels = term_decisions(6)
    suggester = Suggester(rules=keyword_rules)
    report = suggester.fit(texts, labels, ["faktor_sistem"])
    entry = report.codes["faktor_sistem"]
    assert entry.active, entry
    assert entry.cv_kappa is not None and entry.rule_kappa is not None
    assert entry.cv_kappa > entry.rule_kappa

    new = ["Bu kabag traktir sop konro untuk semua.", "Aplikasinya error lagi pagi ini."]
    rules = [keyword_rules(t) for t in new]
    assert [[s.code_id for s in row] for row in rules] == [["faktor_sistem"]] * 2
    combined = suggester.combine(new, rules=rules)
    assert combined[0] == []  # the soup: the rule match the researcher keeps rejecting
    assert [s.code_id for s in combined[1]] == ["faktor_sistem"]
    assert combined[1][0].origin == "auto"  # the rule's own suggestion, confirmed


def test_rules_decide_when_the_model_does_not_beat_them():
    # Every decision agrees with the rules: there is nothing to correct.
    texts = BROKEN + OTHER
    labels = [{"faktor_sistem"} for _ in BROKEN] + [set() for _ in OTHER]
    suggester = Suggester(rules=keyword_rules)
    report = suggester.fit(texts, labels, ["faktor_sistem"])
    entry = report.codes["faktor_sistem"]
    assert entry.trained and not entry.active
    assert entry.rule_kappa == 1.0
    assert "rules decide" in entry.reason
    new = SOUP[:2] + ["server aplikasi error"]
    rules = [keyword_rules(t) for t in new]
    assert suggester.combine(new, rules=rules) == rules
    assert suggester.predict(new, rules=rules) == [[], [], []]
