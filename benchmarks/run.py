"""qualcode benchmarks: one command, a table on screen and a JSON file.

Usage (from the project root)::

    .venv/bin/python benchmarks/run.py [--sizes 30,200,1000] [--words 2000]
        [--big-words 5000000] [--smoke] [--json OUT] [--repeat N]
        [--phases bare,pipeline,...] [--workdir DIR]

Each phase runs in a fresh Python process (so its peak memory is its own), on
synthetic studies from ``qualcode.generate`` (``--words`` words per document;
about 80 % interviews, 10 % observation notes, 10 % documents):

- ``bare``: spaCy's bare Indonesian tokenizer (``spacy.blank("id").tokenizer``,
  built before the clock starts) over the documents' texts: first pass (cold,
  like the pipeline), second pass (warm), and the texts cut at blank lines;
- ``pipeline``: ``Project.import_paths`` (read, segment, store) then
  ``Project.code()`` (language analysis + auto-coding), in words/s and as a
  ratio to the bare tokenizer's first pass over the same texts. Neither phase
  times Python's import of spaCy;
- ``recode``: one keyword added to one code (``codebook.with_code``), then
  ``code()`` again, against the cold ``code()`` of ``pipeline``;
- ``analyses``: frames, matrices, the co-occurrence network and triangulation on
  a *reviewed* copy of the project (30 % of suggestions accepted, 10 % rejected,
  a few conclusions and memos), as a researcher's project looks;
- ``app``: every page of the Streamlit app through ``AppTest`` on the reviewed
  copy: cold (Streamlit caches cleared, modules already imported) and rerun;
- ``export``: docx, xlsx and qdpx of the reviewed copy (default filters);
- ``suggester``: retraining time with 100 and 1,000 decisions (200-document
  project, or the largest one measured up to that);
- ``big``: ``--big-words`` words (documents of 5,000 words) imported and coded,
  with its own bare-tokenizer pass;
- ``growth``: CPU seconds per document across the sizes; a log-log slope above
  ``GROWTH_LIMIT`` between two sizes is flagged as worse than linear.

Every timing records wall and CPU seconds (CPU includes worker processes).
``--smoke`` runs a tiny version (5 documents, 20,000 words) to check that the
benchmark itself works. Results: ``benchmarks/results/latest.json`` by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _measure  # noqa: E402

DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"
BIG_DOCUMENT_WORDS = 5000
GROWTH_LIMIT = 1.2  # log-log slope of seconds against documents; 1.0 is linear
GROWTH_FLOOR_SECONDS = 0.25  # below this, timing noise decides the slope
EXPORT_FORMATS = ("docx", "xlsx", "qdpx")
PHASES = ("bare", "pipeline", "recode", "analyses", "app", "export", "suggester", "big")
# Candidate keywords for the one-keyword codebook change: the first one no code has yet.
NEW_KEYWORDS = ("jaringan", "printer", "listrik", "genset", "internet", "wifi", "komputer")
TARGETS = {
    "pipeline_ratio": 0.5,
    "big_seconds": 300.0,
    "big_peak_mb": 2048.0,
    "recode_speedup": 10.0,
    "page_seconds_200": 1.0,
    "page_seconds_1000": 3.0,
}


# =========================================================================== phases
# Each runs in its own process: ``run.py --phase NAME --phase-args JSON --phase-out FILE``.


def _import_spacy() -> None:
    import spacy  # noqa: F401


def _warm_language_tools() -> None:
    """Load the tokenizer and stemmer before the clock starts, in both the cold coding
    run and the re-code, so that neither pays the one-off load the other does not."""
    from qualcode.nlp.analyze import analyse

    analyse("Koordinasi antarbagian berjalan lancar.")


def _corpus_words(corpus: Path) -> tuple[list[Path], int]:
    manifest = json.loads((corpus / "corpus.json").read_text())
    return [corpus / p for p in manifest["files"]], int(manifest["words"])


def phase_generate(corpus: str, documents: int, words: int, seed: int) -> dict[str, Any]:
    from qualcode.generate import generate_corpus

    root = Path(corpus)
    if root.exists():
        shutil.rmtree(root)
    with _measure.timed() as t:
        paths = generate_corpus(root, documents, words, seed)
    total = 0
    for path in paths:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        total += len(body.split())
    manifest = {"files": [p.relative_to(root).as_posix() for p in paths], "words": total}
    (root / "corpus.json").write_text(json.dumps(manifest))
    size = sum(p.stat().st_size for p in paths)
    return {**t.as_dict(), "documents": len(paths), "words": total, "megabytes": size / 1e6}


def phase_bare(corpus: str) -> dict[str, Any]:
    from qualcode.corpus import read_document

    files, words = _corpus_words(Path(corpus))
    texts = [read_document(p).text for p in files]
    paragraphs = [p for text in texts for p in text.split("\n\n") if p.strip()]
    _import_spacy()
    import spacy

    with _measure.timed() as build:
        tokenizer = spacy.blank("id").tokenizer
    with _measure.timed() as first:
        tokens = sum(len(tokenizer(text)) for text in texts)
    with _measure.timed() as second:
        sum(len(tokenizer(text)) for text in texts)
    fresh = spacy.blank("id").tokenizer
    with _measure.timed() as para_first:
        sum(len(fresh(text)) for text in paragraphs)
    with _measure.timed() as para_second:
        sum(len(fresh(text)) for text in paragraphs)
    return {
        "words": words,
        "tokens": tokens,
        "build_seconds": build.seconds,
        **first.as_dict(),
        "words_per_s": words / first.seconds,
        "warm_seconds": second.seconds,
        "warm_words_per_s": words / second.seconds,
        "paragraphs": len(paragraphs),
        "paragraphs_seconds": para_first.seconds,
        "paragraphs_words_per_s": words / para_first.seconds,
        "paragraphs_warm_words_per_s": words / para_second.seconds,
    }


def phase_pipeline(corpus: str, project: str) -> dict[str, Any]:
    from qualcode.service import Project
    from qualcode.store import records as rec

    _, words = _corpus_words(Path(corpus))
    _import_spacy()  # like the bare tokenizer's phase, whose import is not timed either
    _warm_language_tools()
    for suffix in ("", "-wal", "-shm"):
        Path(project + suffix).unlink(missing_ok=True)
    with Project.create(project, name="benchmark") as proj:
        with _measure.timed() as imp:
            report = proj.import_paths([corpus])
        with _measure.timed() as code:
            coding = proj.code()
        with proj.db.read() as conn:  # not proj.summary(): it loads every frame
            counts = rec.counts(conn)
    errors = [f.message for f in report.errors]
    seconds = imp.seconds + code.seconds
    return {
        "words": words,
        "documents": len(report.imported),
        "import_errors": errors[:5],
        "import_seconds": imp.seconds,
        "import_cpu_seconds": imp.cpu,
        "code_seconds": code.seconds,
        "code_cpu_seconds": code.cpu,
        "seconds": seconds,
        "cpu_seconds": imp.cpu + code.cpu,
        "words_per_s": words / seconds,
        "segments": counts["segments"],
        "codings": counts["codings"],
        "analysed": coding.analysed,
    }


def phase_recode(project: str) -> dict[str, Any]:
    from dataclasses import replace

    from qualcode import codebook as codebook_io
    from qualcode.service import Project

    _import_spacy()
    _warm_language_tools()
    with Project.open(project) as proj:
        codebook = proj.codebook
        taken = {k.lower() for c in codebook.codes for k in c.keywords + c.phrases}
        keyword = next(k for k in NEW_KEYWORDS if k not in taken)
        code = next(c for c in codebook.codes if c.codable)
        changed = codebook_io.with_code(codebook, replace(code, keywords=(*code.keywords, keyword)))
        with _measure.timed() as t:
            proj.set_codebook(changed, actor="benchmark")
            report = proj.code()
    return {
        **t.as_dict(),
        "code_id": code.id,
        "keyword": keyword,
        "documents_recoded": report.documents,
        "segments_rematched": report.segments,
        "segments_analysed": report.analysed,
        "codes_in_scope": report.codes_in_scope,
    }


def phase_review(project: str, seed: int) -> dict[str, Any]:
    """Make the project look reviewed: decisions, memos and conclusions (not timed)."""
    from qualcode.service import Project
    from qualcode.store import records as rec

    rng = random.Random(seed)
    with Project.open(project) as proj:
        codings = proj.codings_frame()
        ids = codings["coding_id"].tolist()
        with _measure.timed() as t, proj.db.write() as conn:
            for coding_id in ids:
                roll = rng.random()
                if roll < 0.3:
                    rec.decide(conn, int(coding_id), actor="peneliti", status="accepted")
                elif roll < 0.4:
                    rec.decide(conn, int(coding_id), actor="peneliti", status="rejected")
        accepted = codings.sample(n=min(len(codings), 60), random_state=seed)
        segment_ids = [int(s) for s in accepted["segment_id"].dropna()]
        codes = sorted(set(accepted["code_id"]))
        for i in range(min(6, len(codes))):
            support = segment_ids[i * 8 : i * 8 + 6]
            against = segment_ids[i * 8 + 6 : i * 8 + 8]
            proj.save_conclusion(
                f"Temuan {i + 1}: pola pada kode {codes[i]}.",
                code_ids=[codes[i]],
                supporting=support,
                contradicting=against,
                actor="peneliti",
            )
            proj.save_memo("code", codes[i], f"Memo analitis untuk {codes[i]}.", actor="peneliti")
    return {**t.as_dict(), "codings": len(ids)}


ANALYSIS_STEPS = ("load_frames", "filter", "matrices", "cooccurrence", "network", "triangulation")


def phase_analyses(project: str) -> dict[str, Any]:
    from qualcode import analysis
    from qualcode.service import Project

    out: dict[str, Any] = {}
    cpu: dict[str, float] = {}

    def step(name: str, timer: _measure.Timer) -> None:
        out[name] = timer.seconds
        cpu[name] = timer.cpu

    with Project.open(project) as proj:
        with _measure.timed() as t:
            codings = proj.codings_frame()
            segments = proj.segments_frame()
            documents = proj.documents_frame()
            codebook = proj.codebook
        step("load_frames", t)
        with _measure.timed() as t:
            confirmed = analysis.filter_codings(codings)
        step("filter", t)
        with _measure.timed() as t:
            analysis.code_by_informant(confirmed, codebook)
            analysis.code_by_document(confirmed, codebook)
            analysis.code_by_source_type(confirmed, codebook)
            analysis.factor_by_valence(confirmed, codebook)
            analysis.framework_matrix(confirmed, codebook)
            analysis.code_summary_table(confirmed, codebook)
        step("matrices", t)
        with _measure.timed() as t:
            pairs = analysis.cooccurrence(confirmed)
        step("cooccurrence", t)
        with _measure.timed() as t:
            graph = analysis.cooccurrence_graph(confirmed, codebook)
        step("network", t)
        with _measure.timed() as t:
            analysis.triangulate_codes(confirmed, codebook)
            for conclusion in proj.conclusions():
                analysis.triangulate_conclusion(conclusion, segments)
        step("triangulation", t)
    out.update(
        codings=len(codings),
        confirmed=len(confirmed),
        documents=len(documents),
        pairs=len(pairs),
        network_edges=graph.number_of_edges(),
        seconds=sum(out[k] for k in ANALYSIS_STEPS),
        cpu_seconds=sum(cpu.values()),
        cpu=cpu,
    )
    return out


def _pages() -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py"))


def phase_app(project: str) -> dict[str, Any]:
    os.environ["QUALCODE_PROJECT"] = project
    os.chdir(ROOT)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    with _measure.timed() as start:
        at.run()
    pages: dict[str, Any] = {}
    for page in _pages():
        st.cache_data.clear()
        at.switch_page(page)
        with _measure.timed() as cold:
            at.run()
        with _measure.timed() as warm:
            at.run()
        problems = [str(e.value)[:300] for e in at.exception]
        pages[Path(page).stem] = {
            "cold_seconds": cold.seconds,
            "cold_cpu_seconds": cold.cpu,
            "rerun_seconds": warm.seconds,
            "rerun_cpu_seconds": warm.cpu,
            "exceptions": problems,
        }
    return {"startup_seconds": start.seconds, "pages": pages}


def phase_export(project: str, out_dir: str) -> dict[str, Any]:
    from qualcode.export import export
    from qualcode.service import Project

    result: dict[str, Any] = {}
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with Project.open(project) as proj:
        for fmt in EXPORT_FORMATS:
            target = Path(out_dir) / f"export.{fmt}"
            with _measure.timed() as t:
                info = export(proj, fmt, target)
            result[fmt] = {**t.as_dict(), "bytes": info.bytes_written, "counts": info.counts}
    return result


def phase_suggester(project: str, decisions: list[int], seed: int) -> dict[str, Any]:
    from qualcode.service import Project
    from qualcode.suggester import train_from_project

    rng = random.Random(seed)
    runs: list[dict[str, Any]] = []
    with Project.open(project) as proj:
        ids = proj.codings_frame()["coding_id"].tolist()
        rng.shuffle(ids)
        done = 0
        for wanted in sorted(decisions):
            for coding_id in ids[done:wanted]:
                if rng.random() < 0.7:
                    proj.accept(int(coding_id), actor="peneliti")
                else:
                    proj.reject(int(coding_id), actor="peneliti")
            done = min(wanted, len(ids))
            with _measure.timed() as t:
                suggester, report = train_from_project(proj)
            runs.append(
                {
                    "decisions_requested": wanted,
                    "decisions": done,
                    **t.as_dict(),
                    "fit_seconds": report.seconds,
                    "trained_codes": len(suggester.models),
                    "reviewed_segments": report.n_texts,
                }
            )
    return {"runs": runs}


PHASE_FUNCTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "generate": phase_generate,
    "bare": phase_bare,
    "pipeline": phase_pipeline,
    "recode": phase_recode,
    "review": phase_review,
    "analyses": phase_analyses,
    "app": phase_app,
    "export": phase_export,
    "suggester": phase_suggester,
}


def child_main(name: str, args_json: str, out: str) -> None:
    result = PHASE_FUNCTIONS[name](**json.loads(args_json))
    result["peaks"] = _measure.own_peaks()
    Path(out).write_text(json.dumps(result, default=str))


# =========================================================================== orchestration


class Runner:
    def __init__(self, workdir: Path, verbose: bool = True) -> None:
        self.workdir = workdir
        self.verbose = verbose
        self.failures: list[str] = []

    def phase(self, name: str, label: str, **kwargs: Any) -> dict[str, Any]:
        out = self.workdir / f"phase-{name}-{time.monotonic_ns()}.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--phase",
            name,
            "--phase-args",
            json.dumps(kwargs),
            "--phase-out",
            str(out),
        ]
        began = time.perf_counter()
        if self.verbose:
            print(f"  {label} ...", end="", flush=True, file=sys.stderr)
        log = self.workdir / f"phase-{name}.log"
        with open(log, "w") as sink:
            proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
            with _measure.PeakSampler(proc.pid) as sampler:
                returncode = proc.wait()
        elapsed = time.perf_counter() - began
        if returncode != 0 or not out.exists():
            tail = log.read_text(errors="replace").strip().splitlines()[-15:]
            message = f"{label}: exit {returncode}\n" + "\n".join(tail)
            self.failures.append(message)
            if self.verbose:
                print(f" FAILED ({elapsed:.0f} s)\n{message}", file=sys.stderr)
            return {"error": message}
        result: dict[str, Any] = json.loads(out.read_text())
        out.unlink()
        result["memory"] = _measure.memory_report(result.pop("peaks", {}), sampler.peak_bytes)
        result["process_seconds"] = round(elapsed, 2)
        if self.verbose:
            print(f" {elapsed:.1f} s", file=sys.stderr)
        return result


def copy_project(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _ratio(a: float | None, b: float | None) -> float | None:
    if not a or not b:
        return None
    return a / b


def best_of(repeat: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The run with the shortest wall time of ``repeat`` (other load only adds time)."""
    results = [run() for _ in range(max(1, repeat))]
    good = [r for r in results if "error" not in r]
    if not good:
        return results[-1]
    best = min(good, key=lambda r: float(r.get("seconds", math.inf)))
    best["runs_seconds"] = [r.get("seconds") for r in good]
    return best


def run_size(
    runner: Runner,
    n: int,
    words: int,
    seed: int,
    phases: set[str],
    big: bool = False,
    repeat: int = 1,
) -> dict[str, Any]:
    tag = f"big-{n}" if big else str(n)
    corpus = runner.workdir / f"corpus-{tag}"
    project = runner.workdir / f"project-{tag}.qualcode"
    result: dict[str, Any] = {"documents": n, "words_per_document": words}
    print(f"[{tag}] {n} documents x {words} words", file=sys.stderr)
    result["generate"] = runner.phase(
        "generate", "generate", corpus=str(corpus), documents=n, words=words, seed=seed
    )
    result["words"] = result["generate"].get("words")
    if "bare" in phases or "pipeline" in phases or big:
        result["bare"] = best_of(
            repeat, lambda: runner.phase("bare", "bare tokenizer", corpus=str(corpus))
        )
    result["pipeline"] = best_of(
        repeat,
        lambda: runner.phase("pipeline", "import + code", corpus=str(corpus), project=str(project)),
    )
    pipe, bare = result["pipeline"], result.get("bare", {})
    pipe["ratio_to_bare"] = _ratio(pipe.get("words_per_s"), bare.get("words_per_s"))
    pipe["ratio_to_bare_warm"] = _ratio(pipe.get("words_per_s"), bare.get("warm_words_per_s"))
    pipe["ratio_to_bare_paragraphs"] = _ratio(
        pipe.get("words_per_s"), bare.get("paragraphs_words_per_s")
    )
    pipe["cpu_ratio_to_bare"] = _ratio(bare.get("cpu_seconds"), pipe.get("cpu_seconds"))
    if big or "error" in pipe:
        return result
    if "recode" in phases:
        recoded = runner.workdir / f"recode-{tag}.qualcode"

        def recode() -> dict[str, Any]:
            copy_project(project, recoded)
            return runner.phase("recode", "re-code after one keyword", project=str(recoded))

        rec = best_of(repeat, recode)
        rec["cold_seconds"] = pipe.get("code_seconds")
        rec["speedup"] = _ratio(pipe.get("code_seconds"), rec.get("seconds"))
        result["recode"] = rec
    if phases & {"analyses", "app", "export"}:
        reviewed = runner.workdir / f"reviewed-{tag}.qualcode"
        copy_project(project, reviewed)
        result["review_fixture"] = runner.phase(
            "review", "make a reviewed copy", project=str(reviewed), seed=seed
        )
        if "analyses" in phases:
            result["analyses"] = runner.phase("analyses", "analyses", project=str(reviewed))
        if "app" in phases:
            result["app"] = runner.phase("app", "app pages", project=str(reviewed))
        if "export" in phases:
            result["export"] = runner.phase(
                "export", "exports", project=str(reviewed), out_dir=str(runner.workdir / tag)
            )
    return result


def growth(sizes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Seconds per document across sizes, and whether any step grows worse than linearly."""

    def get(entry: dict[str, Any], path: str) -> float | None:
        value: Any = entry
        for key in path.split("."):
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return float(value) if isinstance(value, int | float) else None

    # CPU seconds: the work done, much less disturbed than wall time by other load.
    metrics = [
        "pipeline.import_cpu_seconds",
        "pipeline.code_cpu_seconds",
        "recode.cpu_seconds",
        "analyses.cpu_seconds",
        "export.docx.cpu_seconds",
        "export.xlsx.cpu_seconds",
        "export.qdpx.cpu_seconds",
    ]
    pages: set[str] = set()
    for entry in sizes.values():
        pages |= set(entry.get("app", {}).get("pages", {}))
    metrics += [f"app.pages.{p}.cold_cpu_seconds" for p in sorted(pages)]
    out: dict[str, Any] = {}
    ordered = sorted(sizes.items(), key=lambda kv: int(kv[0]))
    for metric in metrics:
        measured = [(int(k), get(v, metric)) for k, v in ordered]
        points = [(n, float(s)) for n, s in measured if s is not None]
        if len(points) < 2:
            continue
        slopes = []
        flagged = False
        for (n1, s1), (n2, s2) in zip(points, points[1:], strict=False):
            slope = math.log(max(s2, 1e-9) / max(s1, 1e-9)) / math.log(n2 / n1)
            slopes.append(round(slope, 2))
            if slope > GROWTH_LIMIT and s2 >= GROWTH_FLOOR_SECONDS:
                flagged = True
        out[metric] = {
            "per_document_seconds": {str(n): s / n for n, s in points},
            "slopes": slopes,
            "worse_than_linear": flagged,
        }
    return out


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(name: str, target: str, measured: float | None, met: bool | None) -> None:
        rows.append({"name": name, "target": target, "measured": measured, "met": met})

    sizes = result["sizes"]
    largest = max(sizes, key=int) if sizes else None
    if largest is not None:
        ratio = sizes[largest]["pipeline"].get("ratio_to_bare")
        met = None if ratio is None else ratio >= TARGETS["pipeline_ratio"]
        add(f"pipeline / bare tokenizer ({largest} docs)", ">= 0.5", ratio, met)
    big = result.get("big") or {}
    if big.get("pipeline"):
        ratio = big["pipeline"].get("ratio_to_bare")
        met = None if ratio is None else ratio >= TARGETS["pipeline_ratio"]
        add(f"pipeline / bare tokenizer ({big.get('words')} words)", ">= 0.5", ratio, met)
        seconds = big["pipeline"].get("seconds")
        met = None if seconds is None else seconds < TARGETS["big_seconds"]
        add(f"{big.get('words')} words imported and coded", "< 300 s", seconds, met)
        peak = big["pipeline"].get("memory", {}).get("peak_mb")
        met = None if peak is None else peak < TARGETS["big_peak_mb"]
        add("peak memory of that run", "< 2048 MB", peak, met)
    for n, entry in sorted(sizes.items(), key=lambda kv: int(kv[0])):
        speedup = entry.get("recode", {}).get("speedup")
        if speedup is not None:
            met = speedup >= TARGETS["recode_speedup"]
            add(f"one-keyword re-code vs cold code ({n} docs)", ">= 10x", speedup, met)
        pages = entry.get("app", {}).get("pages", {})
        limit = {"200": 1.0, "1000": 3.0}.get(n)
        if pages and limit is not None:
            worst = max(p["cold_seconds"] for p in pages.values())
            add(f"slowest app page, cold ({n} docs)", f"< {limit:g} s", worst, worst < limit)
            worst = max(p["rerun_seconds"] for p in pages.values())
            add(f"slowest app page, rerun ({n} docs)", f"< {limit:g} s", worst, worst < limit)
    flagged = [m for m, g in result.get("growth", {}).items() if g["worse_than_linear"]]
    if result.get("growth"):
        add("nothing grows worse than linearly", "none flagged", len(flagged), not flagged)
    return rows


# =========================================================================== report


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    return str(value)


def render_table(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    keys = sorted(sizes, key=int)
    lines = []

    def row(label: str, values: list[Any]) -> None:
        lines.append(f"| {label} | " + " | ".join(_fmt(v) for v in values) + " |")

    def pick(path: str) -> list[Any]:
        out = []
        for k in keys:
            value: Any = sizes[k]
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            out.append(value)
        return out

    lines.append(
        "| measure (wall seconds unless said) | " + " | ".join(f"{k} docs" for k in keys) + " |"
    )
    lines.append("|---|" + "---|" * len(keys))
    row("words", pick("words"))
    row("bare tokenizer, words/s (cold / warm)", [
        f"{_fmt(a)} / {_fmt(b)}" for a, b in zip(
            pick("bare.words_per_s"), pick("bare.warm_words_per_s"), strict=True
        )
    ])  # fmt: skip
    row("import, s", pick("pipeline.import_seconds"))
    row("code (cold), s", pick("pipeline.code_seconds"))
    row("import + code, words/s", pick("pipeline.words_per_s"))
    row("ratio to bare tokenizer (cold / warm)", [
        f"{_fmt(a)} / {_fmt(b)}" for a, b in zip(
            pick("pipeline.ratio_to_bare"), pick("pipeline.ratio_to_bare_warm"), strict=True
        )
    ])  # fmt: skip
    row("import + code, CPU s (all processes)", pick("pipeline.cpu_seconds"))
    row("CPU ratio (bare CPU s / pipeline CPU s)", pick("pipeline.cpu_ratio_to_bare"))
    row("peak RSS import + code, MB", pick("pipeline.memory.peak_mb"))
    row("re-code after one keyword, s", pick("recode.seconds"))
    row("re-code speed-up vs cold code", pick("recode.speedup"))
    row("analyses: load frames, s", pick("analyses.load_frames"))
    row("analyses: matrices, s", pick("analyses.matrices"))
    row("analyses: co-occurrence + network, s", [
        None if a is None or b is None else a + b
        for a, b in zip(pick("analyses.cooccurrence"), pick("analyses.network"), strict=True)
    ])  # fmt: skip
    row("analyses: triangulation, s", pick("analyses.triangulation"))
    row("peak RSS analyses, MB", pick("analyses.memory.peak_mb"))
    pages: list[str] = sorted({p for k in keys for p in sizes[k].get("app", {}).get("pages", {})})
    for page in pages:
        row(f"page {page}, s (cold / rerun)", [
            f"{_fmt(a)} / {_fmt(b)}" for a, b in zip(
                pick(f"app.pages.{page}.cold_seconds"),
                pick(f"app.pages.{page}.rerun_seconds"),
                strict=True,
            )
        ])  # fmt: skip
    row("peak RSS app, MB", pick("app.memory.peak_mb"))
    for fmt in EXPORT_FORMATS:
        row(f"export {fmt}, s", pick(f"export.{fmt}.seconds"))
    row("peak RSS exports, MB", pick("export.memory.peak_mb"))
    out = ["\n".join(lines)]

    sug = result.get("suggester") or {}
    if sug.get("runs"):
        out.append(
            "\n".join(
                [
                    "| suggester retraining | decisions | seconds | codes trained |",
                    "|---|---|---|---|",
                ]
                + [
                    f"| {sug.get('project_documents')} docs | {r['decisions']} | "
                    f"{_fmt(r['seconds'])} | {r['trained_codes']} |"
                    for r in sug["runs"]
                ]
                + [f"| peak RSS, MB | | {_fmt(sug.get('memory', {}).get('peak_mb'))} | |"]
            )
        )
    big = result.get("big") or {}
    if big.get("pipeline"):
        p = big["pipeline"]
        out.append(
            "\n".join(
                [
                    "| big run | value |",
                    "|---|---|",
                    f"| words / documents | {big.get('words'):,} / {big.get('documents')} |",
                    f"| import, s | {_fmt(p.get('import_seconds'))} |",
                    f"| code, s | {_fmt(p.get('code_seconds'))} |",
                    f"| total, s | {_fmt(p.get('seconds'))} |",
                    f"| words/s | {_fmt(p.get('words_per_s'))} |",
                    f"| bare tokenizer words/s (cold / warm) | "
                    f"{_fmt(big.get('bare', {}).get('words_per_s'))} / "
                    f"{_fmt(big.get('bare', {}).get('warm_words_per_s'))} |",
                    f"| ratio to bare tokenizer (cold) | {_fmt(p.get('ratio_to_bare'))} |",
                    f"| peak RSS, MB | {_fmt(p.get('memory', {}).get('peak_mb'))} |",
                ]
            )
        )
    grow = result.get("growth") or {}
    if grow:
        lines = ["| growth: CPU seconds per document | " + " | ".join(keys) + " | slopes | flag |"]
        lines.append("|---|" + "---|" * (len(keys) + 2))
        for metric, g in grow.items():
            per = g["per_document_seconds"]
            cells = [_fmt(per.get(k), 4) for k in keys]
            flag = "WORSE THAN LINEAR" if g["worse_than_linear"] else "ok"
            lines.append(f"| {metric} | " + " | ".join(cells) + f" | {g['slopes']} | {flag} |")
        out.append("\n".join(lines))
    rows = result.get("targets") or []
    if rows:
        lines = ["| target | wanted | measured | met |", "|---|---|---|---|"]
        for r in rows:
            met = {True: "yes", False: "NO", None: "-"}[r["met"]]
            lines.append(f"| {r['name']} | {r['target']} | {_fmt(r['measured'])} | {met} |")
        out.append("\n".join(lines))
    return "\n\n".join(out)


# =========================================================================== main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="qualcode benchmarks", prog="run.py")
    parser.add_argument("--sizes", default="30,200,1000", help="documents per study, e.g. 30,200")
    parser.add_argument("--words", type=int, default=2000, help="words per document")
    parser.add_argument("--big-words", type=int, default=5_000_000, help="0 to skip the big run")
    parser.add_argument("--decisions", default="100,1000", help="suggester decision counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of bare/pipeline/recode; the fastest is kept"
    )
    parser.add_argument("--smoke", action="store_true", help="a tiny run to check the benchmark")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write results")
    parser.add_argument("--phases", default=",".join(PHASES), help="phases to run")
    parser.add_argument("--workdir", type=Path, default=None, help="keep projects here")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--phase-args", help=argparse.SUPPRESS)
    parser.add_argument("--phase-out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        child_main(args.phase, args.phase_args or "{}", args.phase_out)
        return 0
    if args.smoke:
        args.sizes, args.words, args.big_words, args.decisions = "5", 4000, 20_000, "10,40"
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    decisions = [int(s) for s in args.decisions.split(",") if s.strip()]
    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    unknown = phases - set(PHASES)
    if unknown:
        raise SystemExit(f"unknown phases: {', '.join(sorted(unknown))}")
    command = "python benchmarks/run.py " + " ".join(
        a for a in (argv if argv is not None else sys.argv[1:])
    )
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="qualcode-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    runner = Runner(workdir, verbose=not args.quiet)
    began = time.perf_counter()
    result: dict[str, Any] = {
        "meta": {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": command.strip(),
            "machine": _measure.machine(),
            "sizes": sizes,
            "words_per_document": args.words,
            "big_words": args.big_words,
            "smoke": args.smoke,
            "seed": args.seed,
            "repeat": args.repeat,
            "phases": sorted(phases),
            "targets": TARGETS,
        },
        "sizes": {},
        "suggester": {},
        "big": {},
    }
    try:
        for n in sizes:
            result["sizes"][str(n)] = run_size(
                runner, n, args.words, args.seed, phases, repeat=args.repeat
            )
        if "suggester" in phases and sizes:
            base = max((n for n in sizes if n <= 200), default=min(sizes))
            source = workdir / f"project-{base}.qualcode"
            copy = workdir / f"suggester-{base}.qualcode"
            print(f"[suggester] on the {base}-document project", file=sys.stderr)
            if source.exists():
                copy_project(source, copy)
                sug = runner.phase(
                    "suggester",
                    "suggester retraining",
                    project=str(copy),
                    decisions=decisions,
                    seed=args.seed,
                )
                sug["project_documents"] = base
                result["suggester"] = sug
        if "big" in phases and args.smoke and sizes:
            # The smoke run's study is already 20,000 words: report it as the big run.
            small = result["sizes"][str(sizes[0])]
            result["big"] = {
                "documents": small["documents"],
                "words": small.get("words"),
                "bare": small.get("bare", {}),
                "pipeline": small["pipeline"],
                "same_as_size": sizes[0],
            }
        elif "big" in phases and args.big_words > 0:
            per_doc = min(BIG_DOCUMENT_WORDS, args.big_words)
            n_big = max(1, args.big_words // per_doc)
            big = run_size(runner, n_big, per_doc, args.seed, phases, big=True, repeat=args.repeat)
            result["big"] = big
    finally:
        result["growth"] = growth(result["sizes"])
        result["targets"] = targets(result)
        result["failures"] = runner.failures
        result["meta"]["seconds"] = round(time.perf_counter() - began, 1)
        result["meta"]["load_average_after"] = _measure.load_average()
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str))
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(render_table(result))
    print(f"\nJSON: {args.json}  ({result['meta']['seconds']} s)")
    return 1 if runner.failures else 0


if __name__ == "__main__":
    sys.exit(main())
