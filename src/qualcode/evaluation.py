"""Accuracy of the auto-coder against a hand-coded gold set.

A gold set is a JSON Lines file, one passage per line::

    {"id": "inf02-s11p1", "text": "...", "codes": ["responsivitas"], "valence": "penghambat"}

``codes`` lists the codebook code ids a careful human coder gave the passage (an
empty list: no code applies); ``valence`` is ``"pendukung"``, ``"penghambat"``,
``"campuran"`` (both) or ``null`` (neutral or no code). Other keys are ignored. A
malformed line raises :class:`GoldError` naming the file and the line number.

How a passage is predicted (the same path a transcript passage takes in a project):

* The text is cut with ``segment_document(text, "observation")``: paragraphs,
  headings and tables of at most 600 characters, as the pipeline cuts
  observation notes and documents (and long interview turns). Each codable
  segment is coded on its own.
* **Predicted codes** are the union over the segments. A code's score is its
  highest score in any segment, and its valence the valence of that suggestion.
* **Top code**: the code with the highest score (ties: codebook order).
* **Predicted valence of the passage**: the valence of the top code's suggestion;
  when that is ``netral``, the majority of the non-neutral valences over all
  predicted codes (a tie or none: ``netral``).

Metrics (all over passages, a code being "present" or "absent" in each):

* ``top1_accuracy``: share of passages whose top code is one of the gold codes.
  A passage with no gold code counts as correct when the coder suggests nothing
  (its top code is "none") and as wrong otherwise, so that false alarms on
  uncoded passages cost as much as misses. ``top1_accuracy_coded`` is the same
  over passages with at least one gold code only, and ``empty_accuracy`` the
  share of uncoded passages left uncoded.
* ``per_code``: precision = TP / (TP + FP), recall = TP / (TP + FN),
  F1 = 2PR / (P + R), each 0 when its denominator is 0; ``kappa`` is Cohen's
  kappa of presence/absence (``qualcode.analysis.agreement.cohen_kappa``);
  ``support`` the number of passages with the code in the gold set and
  ``predicted`` the number where the coder suggested it.
* ``micro``: precision, recall and F1 from TP, FP and FN summed over codes.
  ``macro``: the unweighted mean of the per-code values; ``kappa_mean`` the mean
  per-code kappa. Both average over the codes *in scope*: the codebook's codable
  codes that occur in the gold set or in the predictions (a code that neither
  side ever uses has nothing to measure).
* ``valence_accuracy``: over passages whose gold valence is ``pendukung`` or
  ``penghambat``, the share whose predicted valence is the same (a predicted
  ``netral``, or no prediction at all, counts as wrong); ``valence_n`` is that
  number of passages. ``valence_accuracy_predicted`` is the same restricted to
  passages where the coder suggested at least one code.

:func:`evaluate` takes the coder as a parameter (anything with a
``code_text(text) -> list[CodeSuggestion]`` method, or that function itself),
so tests can inject a deterministic stub.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from qualcode.analysis.agreement import cohen_kappa
from qualcode.errors import QualcodeError
from qualcode.model import Codebook, CodeSuggestion
from qualcode.segmentation import segment_document

GOLD_VALENCES = ("pendukung", "penghambat", "campuran")
CodeText = Callable[[str], Sequence[CodeSuggestion]]


class GoldError(QualcodeError):
    """A gold-set file is missing or a line of it is malformed."""


class SupportsCodeText(Protocol):
    def code_text(self, text: str) -> Sequence[CodeSuggestion]: ...


@dataclass(frozen=True)
class GoldItem:
    """One hand-coded passage."""

    id: str
    text: str
    codes: frozenset[str]
    valence: str | None = None
    line: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prediction:
    """What the coder made of one gold passage."""

    codes: frozenset[str]
    top: str | None
    valence: str  # pendukung / penghambat / netral
    scores: Mapping[str, float]
    valences: Mapping[str, str]


# --------------------------------------------------------------------------- reading


def parse_gold(lines: Iterable[str], *, source: str = "<gold>") -> list[GoldItem]:
    """Parse gold-set JSON Lines; blank lines are skipped."""
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"not valid JSON ({exc.msg})", path=source, line=number) from None
        if not isinstance(obj, dict):
            raise GoldError("each line must be a JSON object", path=source, line=number)
        item = _gold_item(obj, source, number)
        if item.id in seen:
            raise GoldError(
                f"duplicate id '{item.id}' (first on line {seen[item.id]})",
                path=source,
                line=number,
            )
        seen[item.id] = number
        items.append(item)
    return items


def _gold_item(obj: dict[str, Any], source: str, number: int) -> GoldItem:
    def fail(message: str) -> GoldError:
        return GoldError(message, path=source, line=number)

    if "id" not in obj:
        raise fail("missing key 'id'")
    raw_id = obj["id"]
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or str(raw_id) == "":
        raise fail("'id' must be a non-empty string or an integer")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise fail("'text' must be a non-empty string")
    codes = obj.get("codes")
    if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
        raise fail("'codes' must be a list of code ids (possibly empty)")
    valence = obj.get("valence")
    if valence is not None and valence not in GOLD_VALENCES:
        raise fail(f"'valence' must be one of {', '.join(GOLD_VALENCES)} or null, not {valence!r}")
    extra = {k: v for k, v in obj.items() if k not in ("id", "text", "codes", "valence")}
    return GoldItem(str(raw_id), text, frozenset(codes), valence, number, extra)


def load_gold(path: str | os.PathLike[str]) -> list[GoldItem]:
    """Read a gold-set file (UTF-8 JSON Lines)."""
    shown = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoldError("gold file not found", path=shown) from None
    except UnicodeDecodeError:
        raise GoldError("gold file is not UTF-8 text", path=shown) from None
    except OSError as exc:
        raise GoldError(f"cannot read the gold file: {exc.strerror}", path=shown) from None
    return parse_gold(text.splitlines(), source=shown)


def check_codes(items: Sequence[GoldItem], codebook: Codebook, *, source: str = "") -> None:
    """Raise GoldError for a gold code the codebook does not have (or cannot code)."""
    codable = {c.id for c in codebook.codes if c.codable}
    for item in items:
        for code in sorted(item.codes):
            if code not in codable:
                known = "not codable" if code in codebook.code_ids else "unknown"
                raise GoldError(
                    f"{known} code '{code}' in item '{item.id}'",
                    path=source or None,
                    line=item.line or None,
                    code_id=code,
                )


# --------------------------------------------------------------------------- predicting


def _code_text_of(coder: SupportsCodeText | CodeText) -> CodeText:
    method = getattr(coder, "code_text", None)
    if callable(method):
        return method
    if callable(coder):
        return coder
    raise TypeError("coder must have a code_text(text) method or be such a function")


def predict_passage(text: str, code_text: CodeText, order: Sequence[str] = ()) -> Prediction:
    """Segment ``text`` as an observation/document and code each segment."""
    scores: dict[str, float] = {}
    valences: dict[str, str] = {}
    for segment in segment_document(text, "observation"):
        if not segment.codable:
            continue
        for suggestion in code_text(segment.text_of(text)):
            if suggestion.code_id not in scores or suggestion.score > scores[suggestion.code_id]:
                scores[suggestion.code_id] = float(suggestion.score)
                valences[suggestion.code_id] = suggestion.valence
    rank = {code: i for i, code in enumerate(order)}
    top = None
    if scores:
        top = min(scores, key=lambda c: (-scores[c], rank.get(c, len(rank)), c))
    valence = "netral"
    if top is not None:
        valence = valences[top]
        if valence == "netral":
            counts = Counter(v for v in valences.values() if v != "netral")
            if counts["pendukung"] != counts["penghambat"]:
                valence = (
                    "pendukung" if counts["pendukung"] > counts["penghambat"] else "penghambat"
                )
    return Prediction(frozenset(scores), top, valence, scores, valences)


# --------------------------------------------------------------------------- scoring


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1}


def _mean(values: Iterable[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan


def score(
    items: Sequence[GoldItem],
    predictions: Sequence[Prediction],
    codes: Sequence[str],
) -> dict[str, Any]:
    """Metrics of ``predictions`` against ``items`` (same order) over ``codes``."""
    if len(items) != len(predictions):
        raise ValueError("items and predictions differ in length")
    n = len(items)
    coded = [i for i, item in enumerate(items) if item.codes]
    uncoded = [i for i, item in enumerate(items) if not item.codes]
    top_hits = [
        (predictions[i].top in items[i].codes) if items[i].codes else predictions[i].top is None
        for i in range(n)
    ]
    per_code: dict[str, dict[str, Any]] = {}
    in_scope: list[str] = []
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for code in codes:
        gold = [code in item.codes for item in items]
        pred = [code in p.codes for p in predictions]
        tp = sum(g and p for g, p in zip(gold, pred, strict=True))
        fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
        fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
        row: dict[str, Any] = _prf(tp, fp, fn)
        row["kappa"] = cohen_kappa(gold, pred) if n else math.nan
        row["support"] = tp + fn
        row["predicted"] = tp + fp
        row.update(tp=tp, fp=fp, fn=fn)
        per_code[code] = row
        if tp + fp + fn:
            in_scope.append(code)
        totals["tp"] += tp
        totals["fp"] += fp
        totals["fn"] += fn
    macro = {
        key: _mean(per_code[c][key] for c in in_scope) for key in ("precision", "recall", "f1")
    }
    valence_idx = [i for i, item in enumerate(items) if item.valence in ("pendukung", "penghambat")]
    valence_hits = [predictions[i].valence == items[i].valence for i in valence_idx]
    valence_pred = [i for i in valence_idx if predictions[i].codes]
    return {
        "n": n,
        "n_coded": len(coded),
        "n_uncoded": len(uncoded),
        "top1_accuracy": _ratio(sum(top_hits), n) if n else math.nan,
        "top1_accuracy_coded": (
            _ratio(sum(top_hits[i] for i in coded), len(coded)) if coded else math.nan
        ),
        "empty_accuracy": (
            _ratio(sum(top_hits[i] for i in uncoded), len(uncoded)) if uncoded else math.nan
        ),
        "micro": _prf(totals["tp"], totals["fp"], totals["fn"]),
        "macro": macro,
        "kappa_mean": _mean(per_code[c]["kappa"] for c in in_scope),
        "codes_in_scope": in_scope,
        "valence_accuracy": (
            _ratio(sum(valence_hits), len(valence_idx)) if valence_idx else math.nan
        ),
        "valence_n": len(valence_idx),
        "valence_accuracy_predicted": (
            _ratio(
                sum(predictions[i].valence == items[i].valence for i in valence_pred),
                len(valence_pred),
            )
            if valence_pred
            else math.nan
        ),
        "valence_n_predicted": len(valence_pred),
        "per_code": per_code,
    }


def evaluate(
    gold: Sequence[GoldItem] | str | os.PathLike[str],
    codebook: Codebook | None = None,
    *,
    coder: SupportsCodeText | CodeText | None = None,
    include_items: bool = False,
) -> dict[str, Any]:
    """Code every gold passage and score the result (see the module docstring).

    ``gold`` is a list of items or a path; ``codebook`` defaults to the bundled
    one; ``coder`` defaults to ``qualcode.coder.Coder(codebook)``.
    ``include_items`` adds per-passage predictions under ``"items"``.
    """
    from qualcode import codebook as codebook_io

    source = ""
    if isinstance(gold, str | os.PathLike):
        source = os.fspath(gold)
        items = load_gold(gold)
    else:
        items = list(gold)
    if codebook is None:
        codebook = codebook_io.load_codebook()
    check_codes(items, codebook, source=source)
    if coder is None:
        from qualcode.coder import Coder

        coder = Coder(codebook)
    code_text = _code_text_of(coder)
    codes = [c.id for c in codebook.codes if c.codable]
    predictions = [predict_passage(item.text, code_text, codes) for item in items]
    result = score(items, predictions, codes)
    result = {
        "gold": source,
        "codebook": {
            "name": codebook.name,
            "version": codebook.version,
            "hash": codebook.content_hash(),
        },
        **result,
    }
    if include_items:
        result["items"] = [
            {
                "id": item.id,
                "gold_codes": sorted(item.codes),
                "gold_valence": item.valence,
                "predicted_codes": sorted(p.codes),
                "top": p.top,
                "predicted_valence": p.valence,
                "scores": {c: round(s, 4) for c, s in sorted(p.scores.items())},
                "valences": dict(sorted(p.valences.items())),
            }
            for item, p in zip(items, predictions, strict=True)
        ]
    return result


# --------------------------------------------------------------------------- reporting


def _fmt(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.3f}"


def format_report(result: Mapping[str, Any], *, names: Mapping[str, str] | None = None) -> str:
    """A plain-text table for a methods chapter (Indonesian headers).

    Headers: Kode (code), Presisi (precision), Recall, F1, Kappa, Emas (gold
    support: passages a human gave the code), Prediksi (passages the coder gave it).
    """
    names = names or {}
    lines = []
    where = f": {result['gold']}" if result.get("gold") else ""
    lines.append(f"Evaluasi pengodean otomatis terhadap data emas (gold set){where}")
    book = result.get("codebook") or {}
    if book:
        lines.append(f"Buku kode: {book.get('name', '')} {book.get('version', '')}")
    lines.append(
        f"Jumlah kutipan (n): {result['n']} "
        f"({result['n_coded']} berkode, {result['n_uncoded']} tanpa kode)"
    )
    lines.append("")
    header = (
        f"{'Kode':<26}{'Presisi':>9}{'Recall':>9}{'F1':>9}{'Kappa':>9}{'Emas':>7}{'Prediksi':>10}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    for code, row in result["per_code"].items():
        label = names.get(code, code)
        lines.append(
            f"{label[:25]:<26}{_fmt(row['precision']):>9}{_fmt(row['recall']):>9}"
            f"{_fmt(row['f1']):>9}{_fmt(row['kappa']):>9}{row['support']:>7}{row['predicted']:>10}"
        )
    lines.append("-" * len(header))
    micro, macro = result["micro"], result["macro"]
    lines.append(
        f"{'Rata-rata mikro':<26}{_fmt(micro['precision']):>9}{_fmt(micro['recall']):>9}"
        f"{_fmt(micro['f1']):>9}"
    )
    lines.append(
        f"{'Rata-rata makro':<26}{_fmt(macro['precision']):>9}{_fmt(macro['recall']):>9}"
        f"{_fmt(macro['f1']):>9}{_fmt(result['kappa_mean']):>9}"
    )
    lines.append("")
    lines.append(f"Akurasi kode teratas (top-1):            {_fmt(result['top1_accuracy'])}")
    lines.append(f"  - kutipan berkode saja:                {_fmt(result['top1_accuracy_coded'])}")
    lines.append(f"  - kutipan tanpa kode dibiarkan kosong: {_fmt(result['empty_accuracy'])}")
    lines.append(
        f"Akurasi valensi (pendukung/penghambat):  {_fmt(result['valence_accuracy'])}"
        f"  (n = {result['valence_n']})"
    )
    lines.append(
        f"  - bila ada kode yang disarankan:       {_fmt(result['valence_accuracy_predicted'])}"
        f"  (n = {result['valence_n_predicted']})"
    )
    return "\n".join(lines)


def to_json(result: Mapping[str, Any]) -> str:
    """JSON text of a result; NaN (an undefined metric) is written as null."""

    def clean(value: Any) -> Any:
        if isinstance(value, float):
            return None if math.isnan(value) else round(value, 6)
        if isinstance(value, Mapping):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(result), ensure_ascii=False, indent=2)
