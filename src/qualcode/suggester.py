"""A suggester that learns from the researcher's own coding decisions.

The keyword rules (``qualcode.coder``) know only the codebook. Once a researcher
has accepted, rejected or added codings, those decisions say how *this* study
uses each code; the suggester learns that and proposes codes for segments nobody
has reviewed yet.

Training data (``train_from_project``)
    A segment is *reviewed* when it has at least one human decision: a coding
    accepted, rejected or added by hand (``status`` accepted, rejected or manual).
    For a reviewed segment the codes accepted or added are positives and every
    other codable code is a negative (the researcher looked at the segment and did
    not keep it); a reviewed segment whose suggestions were all rejected is a
    negative for every code. Codings on hand-selected spans that lie in no
    segment are not used. Unreviewed segments are never training data.

Model (one classifier per code, one-vs-rest)
    Features: TF-IDF of root forms (``qualcode.nlp.normalize.root``; lowercase
    words if it is unavailable), unigrams and bigrams, without common function
    words; TF-IDF of character 3-5-grams within words; and the keyword rules'
    score for that code (0 when the rules do not suggest it), scaled by
    ``RULE_FEATURE_SCALE`` so that with few decisions the model can lean on the
    rules and with more it learns where they go wrong. Classifier:
    ``LogisticRegression(class_weight="balanced")``. The vectorisers are fitted
    on all training texts (unsupervised), the classifiers per code.
    A code with fewer than ``MIN_POSITIVES`` positive (or no negative) decisions
    gets no model; the report says so.

Self-check
    ``fit`` reports, per trained code, Cohen's kappa of out-of-fold predictions
    (``StratifiedKFold`` with k = min(5, positives, negatives), threshold 0.5).
    The TF-IDF vocabulary and weights come from all training texts (no labels are
    used for them); only the classifiers are refitted per fold.

Suggestions
    ``predict`` returns, per text, a ``CodeSuggestion`` (origin ``"suggester"``)
    for each trained code whose probability reaches ``min_score``. Its evidence
    is the (up to three) root terms present in the text that push the model
    most towards the code, as ``Evidence(kind="model")`` with the offsets of
    each occurrence. Its valence is that of the rules' suggestion for the same
    code on the same text, else of the rules' strongest suggestion on that
    text, else ``netral``.

Writing (``suggest_for_project``)
    Only unreviewed codable segments get suggestions, and a (segment, code) that
    already has a coding of any kind (a rules suggestion, a human decision) is
    skipped, so a human decision is never overridden or duplicated. Earlier
    suggester suggestions still pending on those segments are updated or
    removed; ones a human accepted or rejected are left exactly as they are.
    Pending keyword-rule suggestions that the model scores below ``min_score``
    are only counted and listed (``rule_suggestions_doubted_ids``), never changed:
    with a few dozen decisions most of what the model adds is this re-ranking of
    the rules' suggestions, not new codes (see benchmarks/bench_accuracy.py).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from qualcode.analysis.agreement import cohen_kappa
from qualcode.model import Codebook, CodeSuggestion, Evidence, Valence

if TYPE_CHECKING:

    from qualcode.service import Project

SUGGESTER_VERSION = "1"
PIPELINE_VERSION = f"qualcode-suggester.{SUGGESTER_VERSION}"

MIN_POSITIVES = 3
MAX_FOLDS = 5
RULE_FEATURE_SCALE = 3.0
CHAR_WEIGHT = 1.0
C = 4.0
RANDOM_STATE = 0
EVIDENCE_TERMS = 3
EVIDENCE_PER_TERM = 2

HUMAN_DECISIONS = frozenset({"accepted", "rejected", "manual"})
POSITIVE_STATUSES = frozenset({"accepted", "manual"})

CodeText = Callable[[str], Sequence[CodeSuggestion]]

# Function words that say nothing about a code; the model ignores them as terms.
_STOPWORD_TEXT = """
ada adalah agar aja akan aku apa atau atuh bagi bahwa banget baru begitu beliau belum
bisa bu buat cuma dalam dan dari deh dengan di dia dong eh emm gitu hmm ia ini itu iya
ja jadi juga kah kalau kami kan karena kayak ke kita kok lagi lah lho mah mas masih mau
memang mereka misalnya mm nah namanya nanti nggih nya oh pak pada paling para pun saja
sama sampai sangat saya se sebenarnya secara sedang sekali sih sini situ soal sudah
supaya tadi tapi tau teh terus tetapi untuk wah ya yaitu yang
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def _default_root() -> Callable[[str], str]:
    try:
        from qualcode.nlp.normalize import root
    except ImportError:  # pragma: no cover - the package always ships it
        return str.lower
    return root


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    feature: str  # root form, spaces replaced by "_"


def _words(text: str, rootf: Callable[[str], str]) -> list[_Word]:
    out = []
    for m in _WORD_RE.finditer(text):
        lower = m.group().lower()
        if lower in STOPWORDS or lower.isdigit():
            continue
        try:
            r = rootf(lower) or lower
        except Exception:  # a stemmer failure must not stop training
            r = lower
        r = r.strip().replace(" ", "_")
        if r and r not in STOPWORDS:
            out.append(_Word(m.start(), m.end(), r))
    return out


# --------------------------------------------------------------------------- reports


@dataclass
class CodeReport:
    code_id: str
    positives: int
    negatives: int
    trained: bool
    cv_kappa: float | None = None
    folds: int = 0
    reason: str = ""  # why no model was trained


@dataclass
class SuggesterReport:
    codes: dict[str, CodeReport] = field(default_factory=dict)
    n_texts: int = 0
    seconds: float = 0.0  # wall time of fit(), cross-validation included
    rule_seconds: float = 0.0  # of that, time spent running the keyword rules

    @property
    def trained_codes(self) -> list[str]:
        return [c for c, r in self.codes.items() if r.trained]

    @property
    def untrained(self) -> dict[str, str]:
        return {c: r.reason for c, r in self.codes.items() if not r.trained}

    @property
    def cv_kappa(self) -> dict[str, float | None]:
        return {c: r.cv_kappa for c, r in self.codes.items()}

    def to_dict(self) -> dict[str, Any]:
        def clean(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else round(value, 4)

        return {
            "n_texts": self.n_texts,
            "seconds": round(self.seconds, 3),
            "rule_seconds": round(self.rule_seconds, 3),
            "trained_codes": self.trained_codes,
            "codes": {
                c: {**asdict(r), "cv_kappa": clean(r.cv_kappa)} for c, r in self.codes.items()
            },
        }


# --------------------------------------------------------------------------- the model


class Suggester:
    """Per-code classifiers trained on human decisions, blended with the keyword rules.

    ``codebook`` (default: the bundled one) names the codes and builds the rules
    coder when ``rules`` is True; ``rules`` may also be any ``code_text``-style
    function, or False/None to learn from the text alone.
    """

    def __init__(
        self,
        codebook: Codebook | None = None,
        *,
        rules: bool | CodeText | None = True,
        root_fn: Callable[[str], str] | None = None,
        min_positives: int = MIN_POSITIVES,
        rule_feature_scale: float = RULE_FEATURE_SCALE,
        c: float = C,
        random_state: int = RANDOM_STATE,
    ) -> None:
        self._codebook = codebook
        self._rules_option = rules
        self._rule_fn: CodeText | None = None
        self._rootf = root_fn or _default_root()
        self.min_positives = max(1, min_positives)
        self.rule_feature_scale = rule_feature_scale
        self.c = c
        self.random_state = random_state
        self.codes: list[str] = []
        self.models: dict[str, LogisticRegression] = {}
        self.report = SuggesterReport()
        self._word_vec: TfidfVectorizer | None = None
        self._char_vec: TfidfVectorizer | None = None
        self._n_word = 0
        self._word_names: list[str] = []

    # ----------------------------------------------------------------- rules

    @property
    def uses_rules(self) -> bool:
        return bool(self._rules_option)

    def rule_suggestions(self, texts: Sequence[str]) -> list[list[CodeSuggestion]]:
        """The keyword rules' suggestions per text ([] each when rules are off)."""
        fn = self._rules()
        if fn is None:
            return [[] for _ in texts]
        return [list(fn(t)) for t in texts]

    def _rules(self) -> CodeText | None:
        option = self._rules_option
        if not option:
            return None
        if self._rule_fn is None:
            if callable(option):
                self._rule_fn = option
            else:
                from qualcode.coder import Coder

                self._rule_fn = Coder(self._get_codebook()).code_text
        return self._rule_fn

    def _get_codebook(self) -> Codebook:
        if self._codebook is None:
            from qualcode import codebook as codebook_io

            self._codebook = codebook_io.load_codebook()
        return self._codebook

    # ----------------------------------------------------------------- features

    def _analyzer(self, text: str) -> list[str]:
        feats = [w.feature for w in _words(text, self._rootf)]
        return feats + [f"{a} {b}" for a, b in zip(feats, feats[1:], strict=False)]

    def _fit_vectorizers(self, texts: Sequence[str]) -> sparse.csr_matrix:
        self._word_vec = TfidfVectorizer(analyzer=self._analyzer, sublinear_tf=True)
        self._char_vec = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            lowercase=True,
            sublinear_tf=True,
            max_features=60_000,
        )
        words = self._word_vec.fit_transform(texts)
        chars = self._char_vec.fit_transform(texts)
        self._n_word = words.shape[1]
        self._word_names = [str(n) for n in self._word_vec.get_feature_names_out()]
        return sparse.hstack([words, chars * CHAR_WEIGHT], format="csr")

    def _transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self._word_vec is None or self._char_vec is None:
            raise RuntimeError("the suggester is not trained: call fit() first")
        words = self._word_vec.transform(texts)
        chars = self._char_vec.transform(texts)
        return sparse.hstack([words, chars * CHAR_WEIGHT], format="csr")

    def _with_rule(self, base: sparse.csr_matrix, scores: np.ndarray) -> sparse.csr_matrix:
        if not self.uses_rules:
            return base
        column = sparse.csr_matrix(scores.reshape(-1, 1) * self.rule_feature_scale)
        return sparse.hstack([base, column], format="csr")

    @staticmethod
    def _rule_scores(rules: Sequence[Sequence[CodeSuggestion]], code: str) -> np.ndarray:
        return np.array(
            [max((s.score for s in row if s.code_id == code), default=0.0) for row in rules],
            dtype=float,
        )

    def _classifier(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.c,
            class_weight="balanced",
            solver="liblinear",
            max_iter=1000,
            random_state=self.random_state,
        )

    # ----------------------------------------------------------------- fit / predict

    def fit(
        self,
        texts: Sequence[str],
        labels_per_text: Sequence[Collection[str]],
        codes: Iterable[str] | None = None,
        *,
        rules: Sequence[Sequence[CodeSuggestion]] | None = None,
        cross_validate: bool = True,
    ) -> SuggesterReport:
        """Train one classifier per code from human decisions.

        ``labels_per_text[i]`` holds the codes a human kept on ``texts[i]``
        (empty: reviewed, no code). ``codes`` defaults to the codebook's codable
        codes. ``rules`` passes precomputed rule suggestions (one list per text).
        """
        # One BLAS/OpenMP thread: these problems are small, and on a busy machine
        # several threads spinning against each other made a fit 20-40x slower.
        with threadpool_limits(limits=1):
            return self._fit(texts, labels_per_text, codes, rules, cross_validate)

    def _fit(
        self,
        texts: Sequence[str],
        labels_per_text: Sequence[Collection[str]],
        codes: Iterable[str] | None,
        rules: Sequence[Sequence[CodeSuggestion]] | None,
        cross_validate: bool,
    ) -> SuggesterReport:
        started = time.perf_counter()
        if len(texts) != len(labels_per_text):
            raise ValueError(
                f"{len(texts)} texts but {len(labels_per_text)} label sets; they must match"
            )
        if codes is None:
            codes = [c.id for c in self._get_codebook().codes if c.codable]
        self.codes = list(dict.fromkeys(codes))
        self.models = {}
        report = SuggesterReport(n_texts=len(texts))
        rule_started = time.perf_counter()
        if rules is None:
            rules = self.rule_suggestions(texts)
        report.rule_seconds = time.perf_counter() - rule_started
        labels = [set(row) for row in labels_per_text]
        base = self._fit_vectorizers(texts) if texts else None
        for code in self.codes:
            y = np.array([code in row for row in labels], dtype=int)
            pos, neg = int(y.sum()), int(len(y) - y.sum())
            entry = CodeReport(code, pos, neg, trained=False)
            report.codes[code] = entry
            if pos < self.min_positives:
                entry.reason = (
                    f"only {pos} positive decision{'s' if pos != 1 else ''} "
                    f"(needs at least {self.min_positives})"
                )
                continue
            if neg == 0:
                entry.reason = "no negative decision (every reviewed text has this code)"
                continue
            assert base is not None
            x = self._with_rule(base, self._rule_scores(rules, code))
            model = self._classifier().fit(x, y)
            self.models[code] = model
            entry.trained = True
            folds = min(MAX_FOLDS, pos, neg)
            if cross_validate and folds >= 2:
                entry.folds = folds
                entry.cv_kappa = self._cv_kappa(x, y, folds)
        report.seconds = time.perf_counter() - started
        self.report = report
        return report

    def _cv_kappa(self, x: sparse.csr_matrix, y: np.ndarray, folds: int) -> float:
        predicted = np.zeros_like(y)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        for train, test in splitter.split(np.zeros(len(y)), y):
            model = self._classifier().fit(x[train], y[train])
            predicted[test] = (model.predict_proba(x[test])[:, 1] >= 0.5).astype(int)
        return cohen_kappa(y.tolist(), predicted.tolist())

    def predict_proba(
        self,
        texts: Sequence[str],
        *,
        rules: Sequence[Sequence[CodeSuggestion]] | None = None,
    ) -> dict[str, np.ndarray]:
        """Probability of each trained code for each text."""
        if not texts:
            return {code: np.zeros(0) for code in self.models}
        if rules is None:
            rules = self.rule_suggestions(texts)
        base = self._transform(texts)
        with threadpool_limits(limits=1):
            return {
                code: model.predict_proba(self._with_rule(base, self._rule_scores(rules, code)))[
                    :, 1
                ]
                for code, model in self.models.items()
            }

    def predict(
        self,
        texts: Sequence[str],
        *,
        min_score: float = 0.5,
        offsets: Sequence[int] | None = None,
        rules: Sequence[Sequence[CodeSuggestion]] | None = None,
    ) -> list[list[CodeSuggestion]]:
        """Suggestions per text (highest score first); evidence offsets + ``offsets[i]``."""
        if rules is None:
            rules = self.rule_suggestions(texts)
        probabilities = self.predict_proba(texts, rules=rules)
        base = self._transform(texts) if texts and self.models else None
        out: list[list[CodeSuggestion]] = []
        for i, text in enumerate(texts):
            shift = offsets[i] if offsets is not None else 0
            row: list[CodeSuggestion] = []
            words: list[_Word] | None = None
            for code, p in probabilities.items():
                prob = float(p[i])
                if prob < min_score:
                    continue
                if words is None:
                    words = _words(text, self._rootf)
                assert base is not None
                evidence = self._evidence(code, base[i], text, words, shift)
                valence = _valence_for(code, rules[i])
                row.append(
                    CodeSuggestion(code, round(prob, 4), valence, evidence, origin="suggester")
                )
            row.sort(key=lambda s: -s.score)
            out.append(row)
        return out

    def _evidence(
        self, code: str, row: sparse.csr_matrix, text: str, words: list[_Word], shift: int
    ) -> tuple[Evidence, ...]:
        model = self.models[code]
        coef = model.coef_[0]
        row = row.tocsr()
        names = self._word_names
        picks: list[tuple[float, str]] = []
        for j, value in zip(row.indices, row.data, strict=True):
            if j >= self._n_word:
                continue
            contribution = float(value * coef[j])
            if contribution > 0:
                picks.append((contribution, names[j]))
        picks.sort(key=lambda p: -p[0])
        evidence: list[Evidence] = []
        for contribution, term in picks[:EVIDENCE_TERMS]:
            parts = term.split(" ")
            found = 0
            for k in range(len(words) - len(parts) + 1):
                if all(words[k + m].feature == part for m, part in enumerate(parts)):
                    start, end = words[k].start, words[k + len(parts) - 1].end
                    evidence.append(
                        Evidence(
                            term=term.replace("_", " "),
                            matched=text[start:end],
                            start=start + shift,
                            end=end + shift,
                            kind="model",
                            weight=round(contribution, 4),
                            note="istilah berbobot model",
                        )
                    )
                    found += 1
                    if found >= EVIDENCE_PER_TERM:
                        break
        evidence.sort(key=lambda e: (e.start, e.end))
        return tuple(evidence)


def _valence_for(code: str, rules: Sequence[CodeSuggestion]) -> Valence:
    for suggestion in rules:
        if suggestion.code_id == code:
            return suggestion.valence
    if rules:
        return max(rules, key=lambda s: s.score).valence
    return "netral"


# --------------------------------------------------------------------------- projects


@dataclass
class _Unit:
    segment_id: int
    document_id: int
    start: int
    end: int
    text: str


@dataclass
class ProjectDecisions:
    """A project's segments split into reviewed (training data) and unreviewed."""

    reviewed: list[_Unit]
    labels: list[set[str]]
    unreviewed: list[_Unit]
    taken: set[tuple[int, str]]  # (segment, code) pairs with a coding from elsewhere
    rules: dict[int, list[CodeSuggestion]]  # stored rules suggestions per segment
    pending_rules: dict[tuple[int, str], int] = field(default_factory=dict)  # -> coding id


def project_decisions(project: Project) -> ProjectDecisions:
    """Read a project's human decisions and stored rules suggestions."""
    data = project.project_data()
    texts = {d.id: d.text for d in data.documents}
    codable = {c.id for c in data.codebook.codes if c.codable}
    positives: dict[int, set[str]] = {}
    reviewed_ids: set[int] = set()
    taken: set[tuple[int, str]] = set()
    rules: dict[int, list[CodeSuggestion]] = {}
    pending: dict[tuple[int, str], int] = {}
    for coding in data.codings:
        if coding.segment_id is None:
            continue
        if not (coding.origin == "suggester" and coding.status == "suggested"):
            # the suggester's own pending suggestions are refreshed, not "taken"
            taken.add((coding.segment_id, coding.code_id))
        if coding.status in HUMAN_DECISIONS:
            reviewed_ids.add(coding.segment_id)
            if coding.status in POSITIVE_STATUSES and coding.code_id in codable:
                positives.setdefault(coding.segment_id, set()).add(coding.code_id)
        if coding.origin == "auto":
            rules.setdefault(coding.segment_id, []).append(
                CodeSuggestion(coding.code_id, coding.score, coding.valence, coding.evidence)
            )
            if coding.status == "suggested":
                pending[(coding.segment_id, coding.code_id)] = coding.id
    reviewed: list[_Unit] = []
    labels: list[set[str]] = []
    unreviewed: list[_Unit] = []
    for seg in data.segments:
        if not seg.codable or seg.document_id not in texts:
            continue
        unit = _Unit(
            seg.id, seg.document_id, seg.start, seg.end, texts[seg.document_id][seg.start : seg.end]
        )
        if seg.id in reviewed_ids:
            reviewed.append(unit)
            labels.append(positives.get(seg.id, set()))
        else:
            unreviewed.append(unit)
    return ProjectDecisions(reviewed, labels, unreviewed, taken, rules, pending)


def train_from_project(
    project: Project, *, rules: bool = True, decisions: ProjectDecisions | None = None
) -> tuple[Suggester, SuggesterReport]:
    """Train a suggester on a project's human decisions (see the module docstring).

    The rules feature uses the rules suggestions stored in the project (from
    ``Project.code()``), so the keyword coder does not run again.
    """
    decisions = decisions or project_decisions(project)
    codebook = project.codebook
    suggester = Suggester(codebook, rules=rules)
    report = suggester.fit(
        [u.text for u in decisions.reviewed],
        decisions.labels,
        [c.id for c in codebook.codes if c.codable],
        rules=[decisions.rules.get(u.segment_id, []) for u in decisions.reviewed],
    )
    return suggester, report


def suggest_for_project(
    project: Project, *, min_score: float = 0.5, dry_run: bool = False, rules: bool = True
) -> dict[str, Any]:
    """Train on the project's decisions and store suggestions for unreviewed segments.

    Returns a JSON-ready summary: the training report, how many suggestions were
    made per code, and how many codings were added, updated, removed or kept.
    ``rules=False`` trains on the text alone, without the keyword rules' scores.
    """
    decisions = project_decisions(project)
    suggester, report = train_from_project(project, rules=rules, decisions=decisions)
    units = decisions.unreviewed
    proposals: dict[int, list[CodeSuggestion]] = {}
    per_code: dict[str, int] = {}
    doubted: dict[str, int] = {}
    doubted_ids: list[int] = []
    if suggester.models and units:
        unit_rules = [decisions.rules.get(u.segment_id, []) for u in units]
        predicted = suggester.predict(
            [u.text for u in units],
            min_score=min_score,
            offsets=[u.start for u in units],
            rules=unit_rules,
        )
        for unit, row, rule_row in zip(units, predicted, unit_rules, strict=True):
            kept = [s for s in row if (unit.segment_id, s.code_id) not in decisions.taken]
            proposals[unit.segment_id] = kept
            for s in kept:
                per_code[s.code_id] = per_code.get(s.code_id, 0) + 1
            agreed = {s.code_id for s in row}
            for rule in rule_row:
                key = (unit.segment_id, rule.code_id)
                modelled = rule.code_id in suggester.models and rule.code_id not in agreed
                if modelled and key in decisions.pending_rules:
                    doubted[rule.code_id] = doubted.get(rule.code_id, 0) + 1
                    doubted_ids.append(decisions.pending_rules[key])
    counts = {"added": 0, "updated": 0, "removed": 0, "kept": 0}
    if not dry_run:
        counts = save_suggester_suggestions(project, units, proposals)
    return {
        "report": report.to_dict(),
        "min_score": min_score,
        "dry_run": dry_run,
        "segments_reviewed": len(decisions.reviewed),
        "segments_unreviewed": len(units),
        "suggestions": sum(per_code.values()),
        "suggestions_by_code": dict(sorted(per_code.items())),
        # Keyword-rule suggestions on unreviewed segments that the model scores
        # below min_score: candidates to review first (nothing is changed).
        "rule_suggestions_doubted": sum(doubted.values()),
        "rule_suggestions_doubted_by_code": dict(sorted(doubted.items())),
        "rule_suggestions_doubted_ids": sorted(doubted_ids),
        **counts,
    }


# --------------------------------------------------------------------------- storing


def save_suggester_suggestions(
    project: Project,
    units: Sequence[_Unit],
    suggestions: Mapping[int, Sequence[CodeSuggestion]],
) -> dict[str, int]:
    """Bring the suggester's pending suggestions on ``units`` up to date."""
    spans = {u.segment_id: (u.document_id, u.start, u.end) for u in units}
    return project.save_suggestions(
        spans, suggestions, origin="suggester", pipeline_version=PIPELINE_VERSION
    )
