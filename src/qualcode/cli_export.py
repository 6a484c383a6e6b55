"""The `qualcode export` and `qualcode agreement` commands.

Registered in cli.py with ``main.add_command(export_command)`` and
``main.add_command(agreement_command)``. Expected errors end the command with one
line, ``Error: ...``, and exit status 1.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import click

from qualcode.cli_common import one_line_errors, project_option
from qualcode.errors import QualcodeError
from qualcode.export import DEFAULT_STATUSES, FORMATS

# --------------------------------------------------------------------------- export


@click.command("export")
@project_option
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(list(FORMATS), case_sensitive=False),
    help="Output format; default: taken from the --out file name.",
)
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write ('-' writes to standard output).",
)
@click.option("--code", "codes", multiple=True, help="Only this code (id or name); repeatable.")
@click.option(
    "--informant",
    "informants",
    multiple=True,
    help="Only this informant (e.g. 'Informan 2'); repeatable.",
)
@click.option(
    "--source-type",
    "source_types",
    multiple=True,
    help="Only interview / observation / document (or wawancara / observasi / dokumentasi).",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="Coding status to include (suggested, accepted, rejected, manual, or all); "
    "repeatable. Default: accepted and manual.",
)
@click.option(
    "--pseudonymise",
    "--pseudonymize",
    "pseudonymise",
    is_flag=True,
    help="Replace informants' real names with their pseudonyms everywhere.",
)
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Co-occurrence window in segments (0: the same segment).",
)
def export_command(
    project: str,
    fmt: str | None,
    out: str,
    codes: tuple[str, ...],
    informants: tuple[str, ...],
    source_types: tuple[str, ...],
    statuses: tuple[str, ...],
    pseudonymise: bool,
    lang: str,
    window: int,
) -> None:
    """Export a report (docx, md), tables (xlsx, csv), the code network (graphml,
    gexf, png, svg) or a REFI-QDA project or codebook (qdpx, qdc)."""
    from qualcode.export import export
    from qualcode.service import Project

    with one_line_errors():
        fmt = (fmt or _format_from_name(out)).lower()
        target: Any = sys.stdout.buffer if out == "-" else out
        with Project.open(project) as proj:
            info = export(
                proj,
                fmt,
                target,
                codes=codes or None,
                informants=informants or None,
                source_types=source_types or None,
                statuses=statuses or DEFAULT_STATUSES,
                pseudonymise=pseudonymise,
                language=lang,
                window=window,
            )
    echo = click.echo if out != "-" else _to_stderr
    words = _EXPORT_WORDS[lang]
    counts = info.counts
    echo(
        words["written"].format(
            path=info.path or "stdout",
            fmt=info.format,
            size=info.bytes_written,
            codings=counts.get("codings", 0),
            segments=counts.get("segments", 0),
            documents=counts.get("documents", 0),
        )
    )
    for extra in info.files:
        echo(words["also"].format(path=extra))
    from datetime import datetime

    from qualcode.export.labels import format_datetime

    echo(
        words["trace"].format(
            name=info.codebook_name,
            version=info.codebook_version,
            hash=info.codebook_hash,
            date=format_datetime(datetime.fromisoformat(info.exported_at), lang),
        )
    )
    for warning in info.warnings:
        click.secho(words["warning"].format(text=warning), fg="yellow", err=True)


_EXPORT_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "written": (
            "Ditulis: {path} ({fmt}, {size:,} byte; {codings} pengodean, {segments} segmen, "
            "{documents} dokumen)"
        ),
        "also": "Juga ditulis: {path}",
        "trace": "Buku kode: {name} versi {version} (hash {hash}); diekspor {date}",
        "warning": "Peringatan: {text}",
    },
    "en": {
        "written": (
            "Written: {path} ({fmt}, {size:,} bytes; {codings} codings, {segments} segments, "
            "{documents} documents)"
        ),
        "also": "Also written: {path}",
        "trace": "Codebook: {name} version {version} (hash {hash}); exported {date}",
        "warning": "Warning: {text}",
    },
}


def _to_stderr(message: str) -> None:
    click.echo(message, err=True)


def _format_from_name(out: str) -> str:
    suffix = out.rsplit(".", 1)[-1].lower() if "." in out else ""
    if out == "-" or suffix not in FORMATS:
        raise QualcodeError(
            f"cannot tell the format from '{out}'; give --format ({', '.join(FORMATS)})"
        )
    return suffix


# --------------------------------------------------------------------------- agreement


@click.command("agreement")
@project_option
@click.option("--coder-a", help="First coder (a user name in the project).")
@click.option("--coder-b", help="Second coder.")
@click.option(
    "--auto-vs-human",
    is_flag=True,
    help="Compare the automatic coding with the researcher's decisions instead.",
)
@click.option(
    "--unit",
    type=click.Choice(["segment", "document"]),
    default="segment",
    show_default=True,
    help="What two coders agree on (coder comparison only).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def agreement_command(
    project: str,
    coder_a: str | None,
    coder_b: str | None,
    auto_vs_human: bool,
    unit: str,
    fmt: str,
) -> None:
    """Inter-coder agreement: Cohen's kappa per code, Krippendorff's alpha and the
    pooled confusion counts, for two coders or for the machine against the
    researcher."""
    from qualcode.service import Project

    with one_line_errors():
        if auto_vs_human and (coder_a or coder_b):
            raise QualcodeError("use either --coder-a/--coder-b or --auto-vs-human, not both")
        if not auto_vs_human and not (coder_a and coder_b):
            raise QualcodeError("give --coder-a and --coder-b, or --auto-vs-human")
        with Project.open(project) as proj:
            result = agreement_result(
                proj, coder_a=coder_a, coder_b=coder_b, auto_vs_human=auto_vs_human, unit=unit
            )
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_agreement(result)


def agreement_result(
    project: Any,
    *,
    coder_a: str | None = None,
    coder_b: str | None = None,
    auto_vs_human: bool = False,
    unit: str = "segment",
) -> dict[str, Any]:
    """The agreement report as JSON-ready data (NaN written as null)."""
    from qualcode.analysis import CONFIRMED_STATUSES, agreement_report, compare_auto_to_human
    from qualcode.analysis import prepare_codings as prepare

    frame = prepare(project.codings_frame())
    codebook = project.codebook
    if auto_vs_human:
        if not frame["status"].isin(["accepted", "rejected", "manual"]).any():
            raise QualcodeError(
                "nobody has reviewed a coding yet; accept or reject some suggestions first"
            )
        if not (frame["origin"] == "auto").any():
            raise QualcodeError("the project has no automatic codings; run 'qualcode code' first")
        report = compare_auto_to_human(frame, codebook=codebook)
        names = {"mode": "auto-vs-human", "coder_a": "qualcode (auto)", "coder_b": "peneliti"}
    else:
        confirmed = frame.loc[frame["status"].isin(list(CONFIRMED_STATUSES))]
        coders = sorted({c for c in confirmed["coder"] if c})
        parts = []
        for name in (coder_a, coder_b):
            part = confirmed.loc[confirmed["coder"] == name]
            if part.empty:
                known = ", ".join(coders) if coders else "none"
                raise QualcodeError(
                    f"coder '{name}' has no accepted or manual codings; coders: {known}"
                )
            parts.append(part)
        report = agreement_report(parts[0], parts[1], codebook=codebook, unit=unit)  # type: ignore[arg-type]
        names = {"mode": "coders", "coder_a": str(coder_a), "coder_b": str(coder_b)}
    by_code = [
        {key: _json_number(value) for key, value in row.items()}
        for row in report["by_code"].to_dict(orient="records")
    ]
    return {
        **names,
        "unit": report["unit"],
        "n_units": int(report["n_units"]),
        "n_codes": int(report["n_codes"]),
        "mean_kappa": _json_number(report["mean_kappa"]),
        "alpha": _json_number(report["alpha"]),
        "percent_agreement": _json_number(report["percent_agreement"]),
        "confusion": {k: int(v) for k, v in report["confusion"].items()},
        "by_code": by_code,
    }


def _json_number(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _print_agreement(result: dict[str, Any]) -> None:
    a, b = result["coder_a"], result["coder_b"]
    unit = "segmen" if result["unit"] == "segment" else "dokumen"
    click.echo(
        f"Kesepakatan: {a} (A) vs {b} (B); unit: {unit}, {result['n_units']} unit, "
        f"{result['n_codes']} kode"
    )
    extra = result["mode"] == "auto-vs-human"
    header = (
        f"{'kode':<28}{'unit':>6}{'A&B':>6}{'A saja':>8}{'B saja':>8}{'tidak':>7}"
        f"{'% setuju':>10}{'kappa':>8}"
    )
    if extra:
        header += f"{'presisi':>9}{'recall':>8}"
    click.echo(header)
    for row in result["by_code"]:
        name = str(row.get("code_name") or row["code_id"])[:27]
        line = (
            f"{name:<28}{row['n_units']:>6}{row['both']:>6}{row['only_a']:>8}"
            f"{row['only_b']:>8}{row['neither']:>7}{_fmt(row['percent_agreement'], 1):>10}"
            f"{_fmt(row['kappa']):>8}"
        )
        if extra:
            line += f"{_fmt(row.get('precision')):>9}{_fmt(row.get('recall')):>8}"
        click.echo(line)
    click.echo(f"Rata-rata kappa Cohen: {_fmt(result['mean_kappa'])}")
    click.echo(f"Alpha Krippendorff (nominal, semua unit x kode): {_fmt(result['alpha'])}")
    click.echo(f"Persentase kesepakatan: {_fmt(result['percent_agreement'], 1)} %")
    confusion = result["confusion"]
    click.echo("Matriks kebingungan (unit x kode):")
    click.echo(f"{'':<14}{'B: ada':>10}{'B: tidak':>10}")
    click.echo(f"{'A: ada':<14}{confusion['both']:>10}{confusion['only_a']:>10}")
    click.echo(f"{'A: tidak':<14}{confusion['only_b']:>10}{confusion['neither']:>10}")
