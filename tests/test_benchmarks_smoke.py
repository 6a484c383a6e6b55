"""`benchmarks/run.py --smoke` runs end to end and reports every measure.

No timing is asserted: benchmarks are not timed tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))


def _has(entry: dict, *keys: str) -> None:
    missing = [k for k in keys if k not in entry]
    assert not missing, f"missing {missing} in {sorted(entry)}"


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_smoke_run_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "smoke.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert "| measure" in proc.stdout and "| target |" in proc.stdout  # the tables were printed

    _has(result, "meta", "sizes", "suggester", "big", "growth", "targets", "failures")
    assert result["failures"] == []
    _has(result["meta"], "date", "command", "machine", "sizes", "smoke", "seconds")
    assert result["meta"]["smoke"] is True
    _has(result["meta"]["machine"], "cpus", "memory_gb", "python")

    (size,) = result["sizes"].values()
    _has(size, "words", "generate", "bare", "pipeline", "recode", "analyses", "app", "export")
    for phase in ("bare", "pipeline", "recode", "analyses", "app", "export"):
        assert "error" not in size[phase], size[phase]
        _has(size[phase], "memory")
        assert size[phase]["memory"]["peak_mb"] > 0

    _has(size["bare"], "seconds", "words_per_s", "warm_words_per_s", "paragraphs_words_per_s")
    pipeline = size["pipeline"]
    _has(
        pipeline,
        "import_seconds",
        "code_seconds",
        "words_per_s",
        "ratio_to_bare",
        "ratio_to_bare_warm",
        "segments",
        "codings",
    )
    assert pipeline["codings"] > 0 and _number(pipeline["ratio_to_bare"])
    _has(size["recode"], "seconds", "cold_seconds", "speedup", "code_id", "keyword")
    assert _number(size["recode"]["speedup"])
    _has(
        size["analyses"],
        "load_frames",
        "matrices",
        "cooccurrence",
        "network",
        "triangulation",
    )
    _has(size["app"], "startup_seconds", "pages")
    assert sorted(size["app"]["pages"]) == PAGES
    for name, page in size["app"]["pages"].items():
        _has(page, "cold_seconds", "rerun_seconds", "exceptions")
        assert page["exceptions"] == [], name
    for fmt in ("docx", "xlsx", "qdpx"):
        _has(size["export"][fmt], "seconds", "bytes")
        assert size["export"][fmt]["bytes"] > 0

    runs = result["suggester"]["runs"]
    assert len(runs) == 2
    for run in runs:
        _has(run, "decisions", "seconds", "trained_codes")
    _has(result["suggester"], "memory")

    big = result["big"]
    _has(big, "words", "bare", "pipeline")
    _has(big["pipeline"], "seconds", "words_per_s", "ratio_to_bare", "memory")

    names = " ".join(t["name"] for t in result["targets"])
    for needle in ("pipeline / bare", "imported and coded", "peak memory", "re-code"):
        assert needle in names
