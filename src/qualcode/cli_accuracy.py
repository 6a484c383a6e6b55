"""``qualcode evaluate`` and ``qualcode suggest``: accuracy against a gold set, and
suggestions learnt from the researcher's decisions.

Registered in ``qualcode.cli``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import click

from qualcode.cli_common import project_option


@click.command()
@click.argument("gold", type=click.Path(dir_okay=False))
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(dir_okay=False),
    help="Codebook YAML to code with (default: the bundled Dwiyanto + Mahmudi codebook).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.option("--details", is_flag=True, help="With --format json: add each passage's prediction.")
def evaluate(gold: str, codebook_path: str | None, fmt: str, details: bool) -> None:
    """Score the auto-coder against GOLD, a hand-coded JSON Lines file.

    Each line: {"id", "text", "codes": [...], "valence": "pendukung" | "penghambat" |
    "campuran" | null}. Prints precision, recall, F1 and Cohen's kappa per code,
    micro and macro averages, top-1 accuracy and valence accuracy.
    """
    from qualcode import codebook as codebook_io
    from qualcode.evaluation import evaluate as run_evaluation
    from qualcode.evaluation import format_report, to_json

    codebook = codebook_io.load_codebook(codebook_path)
    result = run_evaluation(gold, codebook, include_items=details and fmt == "json")
    if fmt == "json":
        click.echo(to_json(result))
    else:
        click.echo(format_report(result))


@click.command()
@project_option
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Lowest model probability that adds a code the keyword rules did not suggest.",
)
@click.option("--dry-run", is_flag=True, help="Train and count, but store nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def suggest(project: str, min_score: float, dry_run: bool, fmt: str) -> None:
    """Learn from your accepted, rejected and hand-added codings; suggest codes for
    segments nobody has reviewed yet (origin "suggester"). Human decisions are
    never changed.
    """
    from qualcode.service import Project
    from qualcode.suggester import suggest_for_project

    with Project.open(project) as proj:
        result = suggest_for_project(proj, min_score=min_score, dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_suggest(result)


def _kappa_text(value: float | None) -> str:
    return (
        "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"
    )


def _print_suggest(result: dict[str, Any]) -> None:
    report = result["report"]
    click.echo(
        f"Dilatih dari {result['segments_reviewed']} segmen yang sudah ditinjau "
        f"dalam {report['seconds']:.1f} detik."
    )
    click.echo(
        f"{'kode':<24}{'positif':>8}{'negatif':>9}{'kappa (cv)':>12}{'kappa aturan':>14}  catatan"
    )
    for code_id, row in report["codes"].items():
        note = f"{row['folds']}-fold; model memutuskan" if row.get("active") else row["reason"]
        click.echo(
            f"{code_id:<24}{row['positives']:>8}{row['negatives']:>9}"
            f"{_kappa_text(row['cv_kappa']):>12}{_kappa_text(row.get('rule_kappa')):>14}  {note}"
        )
    n = result["suggestions"]
    where = result["segments_unreviewed"]
    if result["dry_run"]:
        click.echo(
            f"Uji coba (--dry-run): {n} saran untuk {where} segmen belum ditinjau; tidak disimpan."
        )
    else:
        click.echo(
            f"{n} saran untuk {where} segmen belum ditinjau: +{result['added']} "
            f"~{result['updated']} -{result['removed']}; {result['kept']} keputusan peneliti "
            "dibiarkan."
        )
    if result.get("rule_suggestions_doubted"):
        click.echo(
            f"{result['rule_suggestions_doubted']} saran kata kunci pada segmen belum ditinjau "
            f"diberi peluang < {result['keep_threshold']:.2f} oleh model: tinjau lebih dulu."
        )
