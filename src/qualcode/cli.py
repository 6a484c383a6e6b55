"""The `qualcode` command: thin commands over ``qualcode.service``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from qualcode.cli_common import project_option
from qualcode.errors import QualcodeError


@contextmanager
def _progress(label: str, enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr, fed by the service's progress callbacks."""
    state: dict[str, Any] = {"bar": None, "done": 0}

    def update(done: int, total: int, item: str) -> None:
        if not enabled:
            return
        if state["bar"] is None:
            bar: Any = click.progressbar(
                length=total,
                label=label,
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda name: name or "",
            )
            bar.__enter__()
            state["bar"] = bar
        state["bar"].update(done - state["done"], item)
        state["done"] = done

    try:
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


class QualcodeGroup(click.Group):
    """Turns expected errors into one clear line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcodeError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.secho("Interrupted; everything finished before this point is saved.", err=True)
            ctx.exit(130)


@click.group(cls=QualcodeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qualcode")
def main() -> None:
    """Code Indonesian interview transcripts against theory, with evidence you can audit."""


@main.command()
@project_option
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(dir_okay=False),
    help="Your own codebook YAML (default: the bundled Dwiyanto + Mahmudi codebook).",
)
@click.option("--name", help="A name for the project (default: the file name).")
def init(project: str, codebook_path: str | None, name: str | None) -> None:
    """Create a project (an SQLite file) with a codebook."""
    from qualcode.service import Project

    with Project.create(project, codebook_path=codebook_path, name=name) as proj:
        codebook = proj.codebook
        click.echo(
            f"Project {proj.location}: codebook '{codebook.name}' {codebook.version} "
            f"({sum(c.codable for c in codebook.codes)} codes)."
        )


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False))
@project_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def import_(paths: tuple[str, ...], project: str, quiet: bool) -> None:
    """Import transcript files or folders (txt, md, docx, odt, pdf, rtf, srt, vtt, qdpx)."""
    from qualcode.service import Project

    with Project.open(project) as proj, _progress("Mengimpor", not quiet) as progress:
        report = proj.import_paths(paths, progress=progress)
    for item in report.files:
        if item.status == "imported" and item.source_type == "qdpx":
            click.echo(f"  + {item.name}: {item.message}")
        elif item.status == "imported":
            click.echo(f"  + {item.name} ({item.source_type}, {item.segments} segmen)")
        elif item.status == "duplicate":
            click.echo(f"  = {item.name}: {item.message}")
        else:
            click.secho(f"  ! {item.message}", fg="yellow", err=True)
    click.echo(
        f"{len(report.imported)} imported, {len(report.duplicates)} already present, "
        f"{len(report.errors)} with errors."
    )
    if report.errors and not report.imported and not report.duplicates:
        sys.exit(1)


@main.command()
@project_option
@click.option("--force", is_flag=True, help="Re-code everything, not only what changed.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def code(project: str, force: bool, quiet: bool) -> None:
    """Auto-code segments against the codebook (only what changed since the last run)."""
    from qualcode.service import Project

    with Project.open(project) as proj, _progress("Mengode", not quiet) as progress:
        report = proj.code(progress=progress, force=force)
    click.echo(
        f"{report.documents} documents coded ({report.skipped} up to date), "
        f"{report.segments} segments; suggestions +{report.added} ~{report.updated} "
        f"-{report.removed}; {report.kept} reviewed codings left as they were."
    )


@main.command()
@project_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def summary(project: str, fmt: str) -> None:
    """Documents, segments and codings per code and valence."""
    from qualcode.service import Project

    with Project.open(project) as proj:
        data = proj.summary()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_summary(data)


def _print_summary(data: dict[str, Any]) -> None:
    docs = data["documents"]
    by_type = docs["by_source_type"]
    click.echo(
        f"Proyek: {data['project']}  (buku kode {data['codebook']['name']} "
        f"{data['codebook']['version']}, {data['codebook']['hash']})"
    )
    click.echo(
        f"Dokumen: {docs['total']} (wawancara {by_type['interview']}, observasi "
        f"{by_type['observation']}, dokumentasi {by_type['document']}); "
        f"informan: {len(data['informants'])}"
    )
    seg = data["segments"]
    click.echo(f"Segmen: {seg['total']} ({seg['codable']} dapat dikode, {seg['coded']} terkode)")
    codings = data["codings"]
    click.echo(
        f"Pengodean: {codings['total']}  "
        + ", ".join(f"{k} {v}" for k, v in codings["by_valence"].items())
    )
    click.echo(f"{'kode':<24}{'jumlah':>8}{'pendukung':>11}{'penghambat':>12}")
    for code_id, row in codings["by_code"].items():
        click.echo(f"{code_id:<24}{row['codings']:>8}{row['pendukung']:>11}{row['penghambat']:>12}")
    if data["codes_not_found"]:
        click.secho("Tidak ditemukan: " + ", ".join(data["codes_not_found"]), fg="yellow")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@project_option
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False))
@click.option("--quiet", "-q", is_flag=True)
@click.pass_context
def run(
    ctx: click.Context, paths: tuple[str, ...], project: str, codebook_path: str | None, quiet: bool
) -> None:
    """The whole job: create the project, import PATHS, code, and print a summary."""
    ctx.invoke(init, project=project, codebook_path=codebook_path, name=None)
    if paths:
        ctx.invoke(import_, paths=paths, project=project, quiet=quiet)
    ctx.invoke(code, project=project, force=False, quiet=quiet)
    ctx.invoke(summary, project=project, fmt="text")
    click.echo(f"\nBuka meja kerja: qualcode app --project {project}")


@main.command()
@project_option
@click.option("--port", default=8501, show_default=True)
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Listen address; keep 127.0.0.1 unless others must reach the app.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
def app(project: str, port: int, address: str, no_browser: bool) -> None:
    """Start the Streamlit workbench on a project."""
    from qualcode.store import Database

    Database.open(project).close()  # fail here, clearly, if the project is missing
    app_file = _app_file()
    env = {**os.environ, "QUALCODE_PROJECT": project}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_file),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        str(no_browser).lower(),
        "--browser.gatherUsageStats",
        "false",
    ]
    click.echo(f"qualcode: http://{address}:{port}  (Ctrl+C to stop)")
    sys.exit(subprocess.call(command, env=env))


def _app_file() -> Path:
    """app.py beside the package in a checkout, or the copy installed with it."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "app.py", here.parent / "ui" / "app.py"):
        if candidate.exists():
            return candidate
    raise QualcodeError("the app is not installed (app.py not found)")


def _register_feature_commands() -> None:
    """Commands that live beside their feature: exports, maintenance, generator."""
    from qualcode.cli_accuracy import evaluate, suggest
    from qualcode.cli_export import agreement_command, export_command
    from qualcode.cli_generate import generate
    from qualcode.cli_maintenance import (
        backup_command,
        log_command,
        restore_command,
        undo_command,
    )

    for command in (
        export_command,
        agreement_command,
        backup_command,
        restore_command,
        undo_command,
        log_command,
        generate,
        evaluate,
        suggest,
    ):
        main.add_command(command)


_register_feature_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
