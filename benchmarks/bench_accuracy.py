"""Accuracy of the keyword coder and of the suggester on the hand-coded gold sets.

    .venv/bin/python benchmarks/bench_accuracy.py              # everything
    .venv/bin/python benchmarks/bench_accuracy.py --rules-only # the rule coder on dev and test
    .venv/bin/python benchmarks/bench_accuracy.py --negation   # + parse-based negation check

1. The rule coder (``qualcode.coder.Coder``) on gold/dev.jsonl and gold/test.jsonl,
   with the metrics of ``qualcode evaluate``.
2. The suggester's learning curve: each gold dev passage is one researcher decision
   (its gold codes kept, every other code rejected). After 25, 50, 100 and all dev
   decisions (in ``--seeds`` random orders) it is trained and scored on gold/test.jsonl,
   which is never used for training or tuning. "combined" is what a researcher
   would see (``Suggester.combine``): the model decides the codes where its
   cross-validated kappa beats the rules' on the same decisions, the keyword rules
   the others. "suggester alone" trains on the text only, without the rules.
3. Retraining time on 100 and 1,000 decisions (1,000 = pairs of gold passages joined,
   labels united), cross-validation included.
4. ``--negation`` (needs src/qualcode/data/models/id_qualcode_ud): would reading
   negation from the dependency parse change the coder's valence decisions on dev?

Timings depend on the machine and its load; they are reported, not asserted.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "gold"
MODEL = ROOT / "src" / "qualcode" / "data" / "models" / "id_qualcode_ud"


def _f(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.3f}"


def rule_metrics(names: Sequence[str]) -> None:
    from qualcode import codebook as codebook_io
    from qualcode.coder import PIPELINE_VERSION, Coder
    from qualcode.evaluation import evaluate, format_report

    codebook = codebook_io.load_codebook()
    coder = Coder(codebook)
    print(f"## Rule coder ({PIPELINE_VERSION}, codebook {codebook.content_hash()})\n")
    for name in names:
        started = time.perf_counter()
        result = evaluate(GOLD / f"{name}.jsonl", codebook, coder=coder)
        result["gold"] = f"gold/{name}.jsonl"
        print(format_report(result))
        print(f"({time.perf_counter() - started:.1f} s)\n")


def _segment_texts(text: str) -> list[str]:
    from qualcode.segmentation import segment_document

    return [s.text_of(text) for s in segment_document(text, "observation") if s.codable]


def learning_curve(sizes: Sequence[int], seeds: int) -> None:
    from qualcode import codebook as codebook_io
    from qualcode.coder import Coder
    from qualcode.evaluation import evaluate, load_gold
    from qualcode.model import CodeSuggestion
    from qualcode.suggester import Suggester

    codebook = codebook_io.load_codebook()
    codes = [c.id for c in codebook.codes if c.codable]
    coder = Coder(codebook)
    dev = load_gold(GOLD / "dev.jsonl")
    test = load_gold(GOLD / "test.jsonl")
    dev_rules = [coder.code_text(item.text) for item in dev]
    test_segments = sorted({t for item in test for t in _segment_texts(item.text)})
    seg_rules = [coder.code_text(t) for t in test_segments]
    rules_only = evaluate(test, codebook, coder=coder)

    def system(suggester: Suggester, combined: bool) -> dict[str, Any]:
        if combined:
            rows = suggester.combine(test_segments, rules=seg_rules)
        else:
            rows = suggester.predict(test_segments, rules=seg_rules)
        table: dict[str, list[CodeSuggestion]] = dict(zip(test_segments, rows, strict=True))
        return evaluate(test, codebook, coder=lambda text: table.get(text, []))

    print("## Suggester learning curve (train: gold/dev decisions, score: gold/test)\n")
    print(
        "Variants: rules alone = the keyword coder; suggester alone = the model trained on\n"
        "the text of the decisions only (no rules); combined = the suggester on top of the\n"
        "rules (the model decides the codes where its cross-validated kappa beats the\n"
        "rules' on the same decisions, the rules decide the others). 'codes' = codes the\n"
        "model decides. Mean ± sd over the random decision orders.\n"
    )
    header = (
        f"{'decisions':>9}  {'variant':<16}{'kappa_mean':>16}{'top-1':>16}{'macro F1':>16}"
        f"{'micro F1':>16}{'codes':>7}{'fit s':>8}"
    )
    print(header)
    print("-" * len(header))

    def ms(values: list[float]) -> str:
        sd = statistics.pstdev(values) if len(values) > 1 else 0.0
        return f"{statistics.mean(values):.3f} ± {sd:.3f}"

    per_code_at: dict[int, dict[str, list[float]]] = {}
    for n in sizes:
        n_used = min(n, len(dev))
        print(
            f"{n_used:>9}  {'rules alone':<16}{ms([rules_only['kappa_mean']]):>16}"
            f"{ms([rules_only['top1_accuracy']]):>16}{ms([rules_only['macro']['f1']]):>16}"
            f"{ms([rules_only['micro']['f1']]):>16}{'':>7}{'':>8}"
        )
        for variant, use_rules in (("suggester alone", False), ("combined", True)):
            kappas, top1s, macros, micros, active, seconds = [], [], [], [], [], []
            for seed in range(seeds):
                order = list(range(len(dev)))
                random.Random(seed).shuffle(order)
                chosen = order[:n_used]
                suggester = Suggester(codebook, rules=use_rules)
                report = suggester.fit(
                    [dev[i].text for i in chosen],
                    [dev[i].codes for i in chosen],
                    codes,
                    rules=[dev_rules[i] for i in chosen],
                )
                result = system(suggester, combined=use_rules)
                kappas.append(result["kappa_mean"])
                top1s.append(result["top1_accuracy"])
                macros.append(result["macro"]["f1"])
                micros.append(result["micro"]["f1"])
                active.append(len(report.active_codes))
                seconds.append(report.seconds)
                if use_rules:
                    bucket = per_code_at.setdefault(n_used, {})
                    for code, row in result["per_code"].items():
                        bucket.setdefault(code, []).append(row["kappa"])
            print(
                f"{n_used:>9}  {variant:<16}{ms(kappas):>16}{ms(top1s):>16}{ms(macros):>16}"
                f"{ms(micros):>16}{statistics.mean(active):>7.1f}{statistics.mean(seconds):>8.2f}"
            )
    print("\nPer-code test kappa, combined (mean over orders):\n")
    sizes_used = sorted(per_code_at)
    print(f"{'code':<22}{'rules':>8}" + "".join(f"{n:>8}" for n in sizes_used))
    for code in codes:
        cells = "".join(f"{statistics.mean(per_code_at[n][code]):>8.3f}" for n in sizes_used)
        print(f"{code:<22}{rules_only['per_code'][code]['kappa']:>8.3f}{cells}")
    print()


def retrain_timing() -> None:
    from qualcode import codebook as codebook_io
    from qualcode.coder import Coder
    from qualcode.evaluation import load_gold
    from qualcode.suggester import Suggester

    codebook = codebook_io.load_codebook()
    codes = [c.id for c in codebook.codes if c.codable]
    items = load_gold(GOLD / "dev.jsonl") + load_gold(GOLD / "test.jsonl")
    rng = random.Random(0)
    print("## Retraining time (10 codes, cross-validated kappa included)\n")
    for n in (100, 1000):
        texts: list[str] = []
        labels: list[set[str]] = []
        for _ in range(n):
            a, b = rng.sample(items, 2)
            texts.append(f"{a.text}\n\n{b.text}")
            labels.append(set(a.codes) | set(b.codes))
        coder = Coder(codebook)
        started = time.perf_counter()
        rules = [coder.code_text(t) for t in texts]
        rule_s = time.perf_counter() - started
        report = Suggester(codebook).fit(texts, labels, codes, rules=rules)
        words = sum(len(t.split()) for t in texts)
        print(
            f"{n:>5} decisions ({words:,} words): fit {report.seconds:.2f} s "
            f"(+ keyword rules on the texts {rule_s:.2f} s; in a project they are stored)"
        )
    print()


def negation_check(name: str) -> None:
    """Compare the coder's lexical negation with negation read from the UD parse."""
    import spacy

    from qualcode import codebook as codebook_io
    from qualcode.coder import PIPELINE_VERSION, Coder
    from qualcode.evaluation import load_gold

    if not MODEL.exists():
        print(f"(no model at {MODEL}; run scripts/train_ud_model.sh)\n")
        return
    nlp = spacy.load(MODEL)
    coder = Coder(codebook_io.load_codebook())
    negators = {"tidak", "tak", "bukan", "belum", "gak", "nggak", "enggak", "ngga", "ga"}
    negators |= {"mboten", "ndak", "tdk", "blm", "kagak", "tiada", "tanpa"}

    def parse_negated(doc: Any, start: int, end: int) -> bool:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        head = span.root
        for tok in doc:
            if tok in span:
                continue
            neg = "Polarity=Neg" in str(tok.morph) or tok.lower_ in negators
            if neg and (tok.head == head or (tok.head == head.head and head.head != head)):
                return True
        return False

    items = load_gold(GOLD / f"{name}.jsonl")
    print(f"## Parse-based negation on gold/{name}.jsonl ({PIPELINE_VERSION})\n")
    print("Modes: replace = the parse decides every flip; union = lexical or parse;")
    print("veto = a lexical flip by a UD negator stands only if the parse attaches it.\n")
    for mode in ("replace", "union", "veto"):
        cues = disagree = changed = fixed = broke = 0
        for item in items:
            suggestions = coder.code_text(item.text)
            if not suggestions:
                continue
            doc = nlp(item.text)
            for s in suggestions:
                support = inhibit = 0.0
                for e in s.evidence:
                    if e.kind in ("hedge", "negation"):
                        inhibit += e.weight
                        continue
                    if e.kind not in ("supporting", "inhibiting"):
                        continue
                    other = "inhibiting" if e.kind == "supporting" else "supporting"
                    if "dikurangi" in e.note or "diatasi" in e.note:
                        polarity: str = e.kind  # reducers and resolvers are not negation
                    else:
                        lexical = "dinegasikan" in e.note
                        original = other if lexical else e.kind
                        parsed = parse_negated(doc, e.start, e.end)
                        word = e.note.split("'")[1].split()[0] if "'" in e.note else ""
                        if mode == "replace":
                            negated = parsed
                        elif mode == "union":
                            negated = lexical or parsed
                        else:
                            negated = lexical and (parsed or word not in negators)
                        flipped = "inhibiting" if original == "supporting" else "supporting"
                        polarity = flipped if negated else original
                    cues += 1
                    disagree += polarity != e.kind
                    if polarity == "supporting":
                        support += e.weight
                    else:
                        inhibit += e.weight
                if math.isclose(support, inhibit):
                    valence = "netral"
                else:
                    valence = "pendukung" if support > inhibit else "penghambat"
                if valence != s.valence:
                    changed += 1
                    gold = (item.extra.get("code_valence") or {}).get(s.code_id)
                    fixed += valence == gold
                    broke += s.valence == gold
        print(
            f"{mode:<8} cue polarities changed {disagree}/{cues}; code valences changed "
            f"{changed}: now matching gold {fixed}, no longer matching gold {broke}"
        )
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules-only", action="store_true", help="only the rule coder")
    parser.add_argument("--negation", action="store_true", help="also the parse negation check")
    parser.add_argument("--seeds", type=int, default=5, help="decision orders per size")
    parser.add_argument(
        "--sizes", default="25,50,100,0", help="decision counts (0 = all dev passages)"
    )
    args = parser.parse_args(argv)
    import qualcode

    print(f"# qualcode accuracy benchmark, {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"(qualcode from {Path(qualcode.__file__).parent})\n")
    rule_metrics(["dev", "test"])
    if not args.rules_only:
        sizes = [int(s) if int(s) > 0 else 10**9 for s in args.sizes.split(",")]
        learning_curve(sizes, args.seeds)
        retrain_timing()
    if args.negation:
        negation_check("dev")
    return 0


if __name__ == "__main__":
    sys.exit(main())
