"""The `qualcode export` and `qualcode agreement` commands."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import click
import docx
import pytest
from click.testing import CliRunner
from test_export_support import INTERVIEW_2, build_project

from qualcode.cli_export import agreement_command, export_command

cli = click.Group(commands=[export_command, agreement_command])


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("studi")
    built = build_project(folder)
    project = built["project"]
    # A second coder codes two passages of Informan 2, one as the first coder did.
    document_id = built["documents"]["i2"]
    for passage, code in (
        ("Data dari OPD selalu telat, jadi koordinasi kami ikut lambat.", "responsivitas"),
        ("Server e-office sering mati, jadi kami kembali ke kertas.", "individu"),
    ):
        start = INTERVIEW_2.index(passage)
        project.add_coding(
            document_id, start, start + len(passage), code, valence="penghambat", actor="pembimbing"
        )
    location = project.location
    project.close()
    return {"location": location, **built}


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_export_writes_and_reports(study: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "hasil.docx"
    result = _run("export", "-p", study["location"], "--format", "docx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert f"Ditulis: {out} (docx," in result.output
    assert "14 pengodean" in result.output  # 12 + the second coder's 2
    assert "Buku kode: Kinerja Organisasi (uji ekspor) versi 2.1 (hash " in result.output
    assert "Peringatan: 1 pengodean usulan" in result.output


def test_export_format_from_the_file_name_and_filters(
    study: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "bab4.md"
    result = _run(
        "export",
        "-p",
        study["location"],
        "-o",
        str(out),
        "--code",
        "sistem",
        "--informant",
        "Informan 2",
        "--source-type",
        "wawancara",
        "--status",
        "accepted",
        "--status",
        "manual",
        "--pseudonymise",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert "Written:" in result.output and "Also written:" in result.output
    text = out.read_text(encoding="utf-8")
    assert "Agus" not in text.replace("Agus Dwiyanto", "")
    assert "(Informan 2, Pegawai Bagian Organisasi, interview, 14 March 2024)" in text


def test_export_to_standard_output(study: dict[str, Any]) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["export", "-p", study["location"], "-f", "docx", "-o", "-"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.stdout_bytes[:2] == b"PK"
    document = docx.Document(io.BytesIO(result.stdout_bytes))
    assert document.paragraphs[0].text == "Hasil Analisis Data Kualitatif"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "hasil.pdf"], "Error: cannot tell the format from 'hasil.pdf'"),
        (["--out", "x.csv", "--code", "efisiensi"], "Error: unknown code 'efisiensi'"),
        (["--out", "x.csv", "--status", "selesai"], "Error: unknown status 'selesai'"),
    ],
)
def test_export_errors_are_one_line(
    study: dict[str, Any], tmp_path: Path, args: list[str], message: str
) -> None:
    args = [a if not a.endswith((".pdf", ".csv")) else str(tmp_path / a) for a in args]
    result = CliRunner().invoke(cli, ["export", "-p", study["location"], *args])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(message.split("'")[0]), result.output
    assert message.split(": ", 1)[1].split("'")[0] in lines[0]


def test_agreement_between_two_coders(study: dict[str, Any]) -> None:
    args = ["agreement", "-p", study["location"], "--coder-a", "peneliti"]
    result = _run(*args, "--coder-b", "pembimbing")
    assert result.exit_code == 0, result.output
    assert "peneliti (A) vs pembimbing (B)" in result.output
    assert "Alpha Krippendorff" in result.output and "kappa" in result.output
    data = json.loads(_run(*args, "--coder-b", "pembimbing", "--format", "json").output)
    assert data["mode"] == "coders"
    assert data["unit"] == "segment"
    by_code = {row["code_id"]: row for row in data["by_code"]}
    assert by_code["responsivitas"]["both"] == 1
    assert by_code["individu"]["only_b"] == 1
    assert set(data["confusion"]) == {"both", "only_a", "only_b", "neither"}
    assert data["alpha"] is None or -1.0 <= data["alpha"] <= 1.0


def test_agreement_auto_vs_human(study: dict[str, Any]) -> None:
    result = _run("agreement", "-p", study["location"], "--auto-vs-human", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mode"] == "auto-vs-human"
    by_code = {row["code_id"]: row for row in data["by_code"]}
    assert by_code["produktivitas"]["both"] == 1  # the accepted suggestion
    assert by_code["kualitas_layanan"]["only_a"] == 1  # the rejected one
    assert "precision" in by_code["produktivitas"]
    text = _run("agreement", "-p", study["location"], "--auto-vs-human").output
    assert "presisi" in text and "Matriks kebingungan" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--coder-a", "peneliti", "--coder-b", "nobody"], "coder 'nobody' has no accepted"),
        (["--coder-a", "peneliti"], "give --coder-a and --coder-b, or --auto-vs-human"),
        (["--auto-vs-human", "--coder-a", "x"], "not both"),
    ],
)
def test_agreement_errors(study: dict[str, Any], args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["agreement", "-p", study["location"], *args])
    assert result.exit_code == 1
    assert message in result.output and result.output.startswith("Error: ")


def test_commands_can_join_the_main_group() -> None:
    from qualcode.cli import main

    assert export_command.name == "export" and agreement_command.name == "agreement"
    group = click.Group(commands=dict(main.commands))
    group.add_command(export_command)
    group.add_command(agreement_command)
    assert {"export", "agreement"} <= set(group.commands)
