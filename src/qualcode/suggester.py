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

Model (one per code, on top of the keyword rules)
    A researcher's first decisions mostly confirm or reject what the rules
    suggested, and each reviewed segment is a decision on every code, so with 25
    decisions a code has a handful of positives and many negatives. The model
    therefore starts from the rules' verdict and learns corrections to it:
    L2-regularised logistic regression whose logit is
    ``offset + w . x`` with a fixed offset of ``+RULE_PRIOR`` where the rules
    suggest the code and ``-RULE_PRIOR`` where they do not. With no evidence
    against the rules (w = 0) it says what they say; every departure has to be
    paid for by the decisions. Features ``x`` (each block scaled, which sets how
    cheaply it can move the verdict):

    * the rules' own output for the code: suggested, score, top code, valence,
      hedge/negation cues, other codes suggested beside it (``RULE_SCALE``);
    * the codebook terms the rules matched for the code, a negated or denied
      mention as its own feature (``TERM_SCALE``), so that rejections teach it
      which matches the researcher does not accept ("sop" the soup);
    * TF-IDF of root forms (``qualcode.nlp.normalize.root``; lowercase words if
      it is unavailable), unigrams and bigrams, without common function words
      (``WORD_SCALE``), so that it can add codes the rules missed;
    * a bias.

    ``rules=False`` drops the offset and the rule features: a text classifier
    (classes weighted to balance, ``TEXT_C``) that decides every code it has a
    model for, there being no rules to fall back to.
    A code with fewer than ``MIN_POSITIVES`` positive (or no negative) decisions
    gets no model; the report says so.

Self-check and fallback
    ``fit`` reports, per trained code, Cohen's kappa of out-of-fold predictions
    (``StratifiedKFold`` with k = min(5, positives, negatives)) and the rules'
    kappa on the same decisions. The model decides a code (``active``) only when
    its cross-validated kappa exceeds the rules' by more than ``GATE_MARGIN``;
    otherwise the rules decide it, so the combination falls back to the rules
    exactly. The TF-IDF vocabulary comes from all training texts (no labels are
    used for it); only the weights are refitted per fold.

Decisions and suggestions
    For a code the model decides, a rule suggestion stays unless the model's
    probability falls below ``KEEP_THRESHOLD`` (it takes several rejections of
    the same kind of match to get there), and a code the rules did not suggest is
    added when the probability reaches ``min_score`` (default ``THRESHOLD``).
    ``predict`` returns the model's suggestions (origin ``"suggester"``);
    ``combine`` what a researcher is shown: the rules' suggestions the model
    keeps (origin ``"auto"``) plus the codes it adds. A model suggestion's
    evidence is the (up to three) root terms present in the text that push the
    model most towards the code, as ``Evidence(kind="model")`` with the offsets
    of each occurrence. Its valence is that of the rules' suggestion for the
    same code on the same text, else of the rules' strongest suggestion on that
    text, else ``netral``.

Writing (``suggest_for_project``)
    Only unreviewed codable segments get suggestions, and a (segment, code) that
    already has a coding of any kind (a rules suggestion, a human decision) is
    skipped, so a human decision is never overridden or duplicated. Earlier
    suggester suggestions still pending on those segments are updated or
    removed; ones a human accepted or rejected are left exactly as they are.
    Pending keyword-rule suggestions that the model would drop are only counted
    and listed (``rule_suggestions_doubted_ids``) to be reviewed first, never
    changed. Measured on the gold sets in benchmarks/bench_accuracy.py.
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
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from qualcode.analysis.agreement import cohen_kappa
from qualcode.model import Codebook, CodeSuggestion, Evidence, Valence

if TYPE_CHECKING:
    from qualcode.service import Project

SUGGESTER_VERSION = "2"
PIPELINE_VERSION = f"qualcode-suggester.{SUGGESTER_VERSION}"

MIN_POSITIVES = 3
MAX_FOLDS = 5
# Chosen by grouped 4-fold cross-validation on gold/dev.jsonl only (decisions drawn
# from three folds, scored on the fourth, 25/50/100/all decisions, 5 orders); every
# setting tried stayed within +-0.01 mean kappa of the rules alone there, so these
# favour the rules and let repeated rejections of one term move the verdict.
C = 3.0
TEXT_C = 0.02  # with rules=False: a text classifier, balanced classes
RULE_PRIOR = 2.0  # logit the rules' verdict starts from (+ suggested, - not)
GATE_MARGIN = 0.0  # the model decides a code only when its cv kappa beats the rules'
THRESHOLD = 0.5  # probability that adds a code the rules did not suggest
KEEP_THRESHOLD = 0.15  # below it a rule suggestion is dropped: dropping costs recall
WORD_SCALE = 4.0
RULE_SCALE = 1.0
TERM_SCALE = 2.0
BIAS_SCALE = 1.0
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
    cv_kappa: float | None = None  # the model's out-of-fold kappa on the decisions
    folds: int = 0
    reason: str = ""  # why no model was trained, or why the rules still decide
    rule_kappa: float | None = None  # the keyword rules' kappa on the same decisions
    active: bool = False  # the model decides this code; otherwise the rules do


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
    def active_codes(self) -> list[str]:
        return [c for c, r in self.codes.items() if r.active]

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
            "active_codes": self.active_codes,
            "codes": {
                c: {**asdict(r), "cv_kappa": clean(r.cv_kappa), "rule_kappa": clean(r.rule_kappa)}
                for c, r in self.codes.items()
            },
        }


# --------------------------------------------------------------------------- the model


def _fit_logistic(
    x: sparse.csr_matrix, y: np.ndarray, offset: np.ndarray, c: float, balanced: bool = False
) -> np.ndarray:
    """L2-regularised logistic regression with a fixed per-row offset.

    The offset carries the keyword rules' verdict, so with no evidence against
    them (all weights 0) the model predicts what the rules predict, and every
    departure has to be paid for by the decisions.
    """
    signs = 2.0 * y - 1.0
    lam = 1.0 / c
    weights = np.ones(len(y))
    if balanced:
        # each class weighs as much as the other, as class_weight="balanced" does
        pos = max(int(y.sum()), 1)
        weights = np.where(y == 1, len(y) / (2.0 * pos), len(y) / (2.0 * max(len(y) - pos, 1)))
    xt = x.T.tocsr()

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = signs * (offset + x @ beta)
        value = float(weights @ np.logaddexp(0.0, -margin) + 0.5 * lam * beta @ beta)
        grad = xt @ (-signs * weights * expit(-margin)) + lam * beta
        return value, grad

    result = minimize(
        loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 300}
    )
    return np.asarray(result.x, dtype=float)


@dataclass
class _RuleView:
    """The rules' output on one text, as the per-code features need it."""

    codes: dict[str, CodeSuggestion]
    best: float

    @classmethod
    def of(cls, row: Sequence[CodeSuggestion]) -> _RuleView:
        codes: dict[str, CodeSuggestion] = {}
        for s in row:
            if s.code_id not in codes or s.score > codes[s.code_id].score:
                codes[s.code_id] = s
        return cls(codes, max((s.score for s in row), default=0.0))


_TERM_KINDS = frozenset({"keyword", "phrase"})
_N_RULE_COLUMNS = 8


def _rule_terms(suggestion: CodeSuggestion) -> list[str]:
    """The codebook terms behind a rule suggestion; a negated or denied mention
    is its own feature ("~term"), since the researcher may treat it differently."""
    out = []
    for e in suggestion.evidence:
        if e.kind in _TERM_KINDS:
            out.append(("~" if e.note else "") + e.term.lower())
    return out


@dataclass
class _CodeModel:
    coef: np.ndarray
    terms: dict[str, int]  # rule term -> column within the term block


class Suggester:
    """Per-code models trained on human decisions, on top of the keyword rules.

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
        c: float | None = None,
        rule_prior: float = RULE_PRIOR,
        gate_margin: float = GATE_MARGIN,
        word_scale: float = WORD_SCALE,
        rule_scale: float = RULE_SCALE,
        term_scale: float = TERM_SCALE,
        threshold: float = THRESHOLD,
        keep_threshold: float = KEEP_THRESHOLD,
        balanced: bool | None = None,
        random_state: int = RANDOM_STATE,
    ) -> None:
        self._codebook = codebook
        self._rules_option = rules
        self._rule_fn: CodeText | None = None
        self._rootf = root_fn or _default_root()
        self.min_positives = max(1, min_positives)
        # Alone, the text model needs far stronger regularisation (tuned separately).
        self.c = c if c is not None else (C if rules else TEXT_C)
        self.rule_prior = rule_prior
        self.gate_margin = gate_margin
        self.word_scale = word_scale
        self.rule_scale = rule_scale
        self.term_scale = term_scale
        self.threshold = threshold
        self.balanced = balanced
        self.keep_threshold = keep_threshold
        self.random_state = random_state
        self.codes: list[str] = []
        self.models: dict[str, _CodeModel] = {}
        self.active: set[str] = set()
        self.report = SuggesterReport()
        self._word_vec: TfidfVectorizer | None = None
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

    def _fit_words(self, texts: Sequence[str]) -> sparse.csr_matrix:
        self._word_vec = TfidfVectorizer(analyzer=self._analyzer, sublinear_tf=True)
        words = self._word_vec.fit_transform(texts)
        self._n_word = words.shape[1]
        self._word_names = [str(n) for n in self._word_vec.get_feature_names_out()]
        return sparse.csr_matrix(words)

    def _transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self._word_vec is None:
            raise RuntimeError("the suggester is not trained: call fit() first")
        return sparse.csr_matrix(self._word_vec.transform(texts))

    def _offset(self, views: Sequence[_RuleView], code: str) -> np.ndarray:
        if not self.uses_rules:
            return np.zeros(len(views))
        on = np.array([code in v.codes for v in views], dtype=float)
        return self.rule_prior * (2.0 * on - 1.0)

    def _design(
        self,
        words: sparse.csr_matrix,
        views: Sequence[_RuleView],
        code: str,
        terms: Mapping[str, int],
    ) -> sparse.csr_matrix:
        """Columns: root words | the rules' view of this code | its rule terms | bias."""
        n = len(views)
        blocks = [words * self.word_scale]
        if self.uses_rules:
            others = [c for c in self.codes if c != code]
            dense = np.zeros((n, _N_RULE_COLUMNS + len(others)))
            rows, cols = [], []
            for i, view in enumerate(views):
                s = view.codes.get(code)
                if s is not None:
                    kinds = {e.kind for e in s.evidence}
                    dense[i, :_N_RULE_COLUMNS] = (
                        1.0,
                        s.score,
                        float(s.score >= view.best),
                        float(s.valence == "pendukung"),
                        float(s.valence == "penghambat"),
                        float(s.valence == "netral"),
                        float("hedge" in kinds or "negation" in kinds),
                        float(len(view.codes) > 1),
                    )
                    for term in _rule_terms(s):
                        j = terms.get(term)
                        if j is not None:
                            rows.append(i)
                            cols.append(j)
                for k, other in enumerate(others):
                    if other in view.codes:
                        dense[i, _N_RULE_COLUMNS + k] = 1.0
            blocks.append(sparse.csr_matrix(dense * self.rule_scale))
            term_block = sparse.csr_matrix(
                (np.full(len(rows), self.term_scale), (rows, cols)), shape=(n, len(terms))
            )
            blocks.append(term_block)
        blocks.append(sparse.csr_matrix(np.full((n, 1), BIAS_SCALE)))
        return sparse.hstack(blocks, format="csr")

    def _term_vocabulary(self, views: Sequence[_RuleView], code: str) -> dict[str, int]:
        terms: dict[str, int] = {}
        for view in views:
            s = view.codes.get(code)
            if s is not None:
                for term in _rule_terms(s):
                    terms.setdefault(term, len(terms))
        return terms

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
        """Train one model per code from human decisions.

        ``labels_per_text[i]`` holds the codes a human kept on ``texts[i]``
        (empty: reviewed, no code). ``codes`` defaults to the codebook's codable
        codes. ``rules`` passes precomputed rule suggestions (one list per text).
        Without cross-validation no model is trusted over the rules.
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
        self.active = set()
        report = SuggesterReport(n_texts=len(texts))
        rule_started = time.perf_counter()
        if rules is None:
            rules = self.rule_suggestions(texts)
        report.rule_seconds = time.perf_counter() - rule_started
        views = [_RuleView.of(row if self.uses_rules else ()) for row in rules]
        labels = [set(row) for row in labels_per_text]
        words = self._fit_words(texts) if texts else None
        for code in self.codes:
            y = np.array([code in row for row in labels], dtype=int)
            pos, neg = int(y.sum()), int(len(y) - y.sum())
            entry = CodeReport(code, pos, neg, trained=False)
            report.codes[code] = entry
            if texts:
                on = [code in v.codes for v in views]
                entry.rule_kappa = cohen_kappa(y.astype(bool).tolist(), on)
            if pos < self.min_positives:
                entry.reason = (
                    f"only {pos} positive decision{'s' if pos != 1 else ''} "
                    f"(needs at least {self.min_positives})"
                )
                continue
            if neg == 0:
                entry.reason = "no negative decision (every reviewed text has this code)"
                continue
            assert words is not None
            terms = self._term_vocabulary(views, code)
            x = self._design(words, views, code, terms)
            offset = self._offset(views, code)
            beta = _fit_logistic(x, y, offset, self.c, self._balanced)
            self.models[code] = _CodeModel(beta, terms)
            entry.trained = True
            folds = min(MAX_FOLDS, pos, neg)
            if cross_validate and folds >= 2:
                entry.folds = folds
                entry.cv_kappa = self._cv_kappa(x, y, offset, folds)
            rule_kappa = entry.rule_kappa if entry.rule_kappa is not None else 0.0
            if math.isnan(rule_kappa):
                rule_kappa = 0.0
            if not self.uses_rules:
                entry.active = True  # no rules to fall back to
            elif entry.cv_kappa is None:
                entry.reason = "not cross-validated: the rules decide"
            elif entry.cv_kappa > rule_kappa + self.gate_margin:
                entry.active = True
            else:
                entry.reason = "cross-validated kappa not above the rules': the rules decide"
            if entry.active:
                self.active.add(code)
        report.seconds = time.perf_counter() - started
        self.report = report
        return report

    def _cv_kappa(
        self, x: sparse.csr_matrix, y: np.ndarray, offset: np.ndarray, folds: int
    ) -> float:
        predicted = np.zeros_like(y)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        for train, test in splitter.split(np.zeros(len(y)), y):
            beta = _fit_logistic(x[train], y[train], offset[train], self.c, self._balanced)
            p = expit(offset[test] + x[test] @ beta)
            predicted[test] = (p >= self._cut(offset[test] > 0, self.threshold)).astype(int)
        return cohen_kappa(y.tolist(), predicted.tolist())

    @property
    def _balanced(self) -> bool:
        # Without the rules' offset a rare code would hardly ever reach the threshold.
        return (not self.uses_rules) if self.balanced is None else self.balanced

    def _cut(self, rule_on: np.ndarray, threshold: float) -> np.ndarray:
        return np.where(rule_on, self.keep_threshold, threshold)

    def _probabilities(
        self, texts: Sequence[str], rules: Sequence[Sequence[CodeSuggestion]] | None
    ) -> tuple[dict[str, np.ndarray], sparse.csr_matrix | None]:
        if not texts or not self.models:
            return {code: np.zeros(len(texts)) for code in self.models}, None
        if rules is None:
            rules = self.rule_suggestions(texts)
        views = [_RuleView.of(row if self.uses_rules else ()) for row in rules]
        words = self._transform(texts)
        out = {}
        for code, model in self.models.items():
            x = self._design(words, views, code, model.terms)
            out[code] = expit(self._offset(views, code) + x @ model.coef)
        return out, words

    def predict_proba(
        self,
        texts: Sequence[str],
        *,
        rules: Sequence[Sequence[CodeSuggestion]] | None = None,
    ) -> dict[str, np.ndarray]:
        """Probability of each trained code for each text (trusted or not)."""
        if self._word_vec is None:
            raise RuntimeError("the suggester is not trained: call fit() first")
        return self._probabilities(texts, rules)[0]

    def predict(
        self,
        texts: Sequence[str],
        *,
        min_score: float | None = None,
        offsets: Sequence[int] | None = None,
        rules: Sequence[Sequence[CodeSuggestion]] | None = None,
    ) -> list[list[CodeSuggestion]]:
        """The model's suggestions per text, for the codes it decides (``active``).

        A code the rules suggested on the text is included while the model's
        probability stays at or above ``keep_threshold`` (it confirms the rule);
        any other code once it reaches ``min_score`` (default ``threshold``).
        Highest score first; evidence offsets + ``offsets[i]``. Codes the rules
        still decide get nothing here (see ``combine``).
        """
        if rules is None:
            rules = self.rule_suggestions(texts)
        if min_score is None:
            min_score = self.threshold
        probabilities, words = self._probabilities(texts, rules)
        out: list[list[CodeSuggestion]] = []
        for i, text in enumerate(texts):
            shift = offsets[i] if offsets is not None else 0
            row: list[CodeSuggestion] = []
            found: list[_Word] | None = None
            on = {s.code_id for s in rules[i]} if self.uses_rules else set()
            for code in self.active:
                prob = float(probabilities[code][i])
                if prob < (self.keep_threshold if code in on else min_score):
                    continue
                if found is None:
                    found = _words(text, self._rootf)
                assert words is not None
                evidence = self._evidence(code, words[i], text, found, shift)
                valence = _valence_for(code, rules[i])
                row.append(
                    CodeSuggestion(code, round(prob, 4), valence, evidence, origin="suggester")
                )
            row.sort(key=lambda s: (-s.score, s.code_id))
            out.append(row)
        return out

    def combine(
        self,
        texts: Sequence[str],
        *,
        min_score: float | None = None,
        offsets: Sequence[int] | None = None,
        rules: Sequence[Sequence[CodeSuggestion]] | None = None,
    ) -> list[list[CodeSuggestion]]:
        """What a researcher is shown: the rules' suggestions, corrected by the model.

        For a code the model decides, a rule suggestion it scores below
        ``min_score`` is dropped, one it confirms is kept as it is (origin
        ``"auto"``), and a code the rules missed is added (origin
        ``"suggester"``); for every other code the rules' suggestions stand.
        """
        if rules is None:
            rules = self.rule_suggestions(texts)
        model_rows = self.predict(texts, min_score=min_score, offsets=offsets, rules=rules)
        out: list[list[CodeSuggestion]] = []
        for rule_row, model_row in zip(rules, model_rows, strict=True):
            confirmed = {s.code_id for s in model_row}
            kept = [s for s in rule_row if s.code_id not in self.active or s.code_id in confirmed]
            have = {s.code_id for s in kept}
            added = [s for s in model_row if s.code_id not in have]
            out.append(sorted(kept + added, key=lambda s: -s.score))
        return out

    def _evidence(
        self, code: str, row: sparse.csr_matrix, text: str, words: list[_Word], shift: int
    ) -> tuple[Evidence, ...]:
        coef = self.models[code].coef
        row = row.tocsr()
        names = self._word_names
        picks: list[tuple[float, str]] = []
        for j, value in zip(row.indices, row.data, strict=True):
            if j >= self._n_word:
                continue
            contribution = float(value * self.word_scale * coef[j])
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
    if suggester.active and units:
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
                modelled = rule.code_id in suggester.active and rule.code_id not in agreed
                if modelled and key in decisions.pending_rules:
                    doubted[rule.code_id] = doubted.get(rule.code_id, 0) + 1
                    doubted_ids.append(decisions.pending_rules[key])
    counts = {"added": 0, "updated": 0, "removed": 0, "kept": 0}
    if not dry_run:
        counts = save_suggester_suggestions(project, units, proposals)
    return {
        "report": report.to_dict(),
        "min_score": min_score,
        "keep_threshold": suggester.keep_threshold,
        "dry_run": dry_run,
        "segments_reviewed": len(decisions.reviewed),
        "segments_unreviewed": len(units),
        "suggestions": sum(per_code.values()),
        "suggestions_by_code": dict(sorted(per_code.items())),
        # Keyword-rule suggestions on unreviewed segments that the model scores
        # below keep_threshold: candidates to review first (nothing is changed).
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
