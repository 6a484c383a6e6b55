"""The `qualcode backup`, `restore`, `undo` and `log` commands.

Registered in cli.py with ``main.add_command(...)`` for each of ``COMMANDS``; also
runnable on their own as ``python -m qualcode.cli_maintenance``. Expected errors end
the command with one line, ``Error: ...``, and exit status 1.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

import click

from qualcode.cli_common import one_line_errors, project_option

ENTITIES = ("coding", "document", "memo", "conclusion", "codebook")


# --------------------------------------------------------------------------- backup


@click.command("backup")
@project_option
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="The backup file to write, e.g. studi-2024-03-30.qualcode.",
)
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
def backup_command(project: str, out: str, force: bool) -> None:
    """Copy the project to a backup file, safely, even while the app is using it."""
    from qualcode.store.backup import backup_project

    with one_line_errors(clean):
        info = backup_project(project, out, overwrite=force)
    click.echo(
        f"Backup written: {clean(info.path)} ({_size(info.bytes_written)}; "
        f"{_counts_text(info.counts)})."
    )
    click.echo(f"Restore it with: qualcode restore --project {clean(project)} --from {clean(out)}")


# --------------------------------------------------------------------------- restore


@click.command("restore")
@project_option
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(dir_okay=False),
    help="The backup file to restore (made by `qualcode backup`).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing project (it is kept as PROJECT.before-restore-<time>).",
)
def restore_command(project: str, source: str, force: bool) -> None:
    """Replace the project by a backup, after checking that the backup is sound."""
    from qualcode.store.backup import restore_project

    with one_line_errors(clean):
        info = restore_project(project, source, force=force)
    click.echo(
        f"Restored {clean(info.project)} from {clean(info.restored_from)} "
        f"({_counts_text(info.counts)})."
    )
    if info.kept:
        click.echo(f"The project it replaced is kept as {clean(info.kept)}.")


# --------------------------------------------------------------------------- undo


@click.command("undo")
@project_option
@click.option(
    "--user",
    "user",
    help="Whose last decision to undo (default: QUALCODE_USER, else your login name).",
)
def undo_command(project: str, user: str | None) -> None:
    """Undo your last decision on a coding (accept, reject, change, add or delete)."""
    from qualcode.service import Project, default_actor

    actor = (user or "").strip() or default_actor()
    with one_line_errors(clean), Project.open(project) as proj:
        result = proj.undo(actor=actor)
    if result is None:
        click.echo(f"Nothing to undo for {clean(actor)}.")
        return
    change = _changes(result.get("undone"), result.get("restored"), skip=("coder",))
    when = _when(str(result.get("ts") or ""))
    click.echo(
        f"Undone: {clean(actor)}'s {result['action']} on coding {result['coding_id']}"
        + (f" ({when})" if when else "")
        + (f": {change}" if change else "")
        + "."
    )


# --------------------------------------------------------------------------- log


@click.command("log")
@project_option
@click.option("--entity", type=click.Choice(ENTITIES), help="Only changes to this kind of record.")
@click.option("--limit", "-n", default=50, show_default=True, type=click.IntRange(min=1))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def log_command(project: str, entity: str | None, limit: int, fmt: str) -> None:
    """Who changed what and when, newest first (the project's audit log)."""
    from qualcode.service import Project

    with one_line_errors(clean), Project.open(project) as proj:
        frame = proj.audit_log(entity=entity, limit=limit)
    entries = [_entry(row) for row in frame.to_dict("records")]
    if fmt == "json":
        click.echo(_json(entries))
        return
    if not entries:
        click.echo("No changes recorded" + (f" for {entity} records." if entity else "."))
        return
    who_width = min(max(len(clean(e["actor"])) for e in entries), 20)
    for e in entries:
        click.echo(
            f"#{e['id']:<5} {_when(e['ts']):<20} {clean(e['actor'])[:20]:<{who_width}}  "
            f"{describe(e)}"
        )


# --------------------------------------------------------------------------- formatting


def clean(value: object) -> str:
    """Text safe to print on a terminal: control, format and separator characters
    (escape sequences, right-to-left overrides, line breaks) are shown as ``\\uXXXX``."""
    return "".join(
        ch if ch == " " or ch.isprintable() else f"\\u{ord(ch):04x}" for ch in str(value)
    )


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    # json escapes C0 controls inside strings (the only raw newlines left are the
    # indentation's); escape C1 controls and invisible formatting characters too.
    return "".join(
        f"\\u{ord(ch):04x}"
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
        else ch
        for ch in text
    )


def _entry(row: Mapping[str, Any]) -> dict[str, Any]:
    def parsed(text: Any) -> Any:
        if not isinstance(text, str) or not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    undoes = row.get("undoes")
    return {
        "id": int(row["id"]),
        "ts": str(row["ts"]),
        "actor": str(row["actor"]),
        "action": str(row["action"]),
        "entity": str(row["entity"]),
        "entity_id": str(row["entity_id"]),
        "before": parsed(row.get("before_json")),
        "after": parsed(row.get("after_json")),
        "undoes": None if undoes is None or undoes != undoes else int(undoes),
    }


def describe(entry: Mapping[str, Any]) -> str:
    """One readable line for an audit entry: what was done to which record."""
    action, entity, ident = entry["action"], entry["entity"], clean(entry["entity_id"])
    before, after = entry.get("before"), entry.get("after")
    target = f"{entity} {ident}" if entity != "codebook" else "codebook"
    if action == "import":
        return f"imported document {ident}: {_value((after or {}).get('name', ''))}"
    if entity == "codebook":
        info = after or {}
        old = (before or {}).get("hash")
        return (
            f"codebook {_value(info.get('name', ''))} {_value(info.get('version', ''))} "
            f"(hash {_value(info.get('hash', ident))}"
            + (f", was {_value(old)}" if old else "")
            + ")"
        )
    undoes = entry.get("undoes")
    suffix = f" (undoing #{undoes})" if undoes else ""
    if action == "undo-refused":
        return f"undo refused on {target}{suffix}: changed by someone else since"
    if action == "add" and isinstance(after, Mapping) and entity == "coding":
        return (
            f"added {target}: code {_value(after.get('code_id'))} at "
            f"{after.get('start')}-{after.get('end')} ({_value(after.get('valence'))})"
        )
    if action == "delete" and isinstance(before, Mapping) and entity == "coding":
        return (
            f"deleted {target}: code {_value(before.get('code_id'))} at "
            f"{before.get('start')}-{before.get('end')}"
        )
    change = _changes(before, after, skip=("coder",) if entity == "coding" else ())
    verb = {"decide": "decided", "edit": "edited", "add": "added", "delete": "deleted"}.get(
        action, clean(action)
    )
    return f"{verb} {target}{suffix}" + (f": {change}" if change else "")


def _changes(before: Any, after: Any, *, skip: tuple[str, ...] = ()) -> str:
    old = before if isinstance(before, Mapping) else {}
    new = after if isinstance(after, Mapping) else {}
    parts = []
    for key in dict.fromkeys([*old, *new]):
        if key in skip:
            continue
        if key in old and key in new:
            if old[key] != new[key]:
                parts.append(f"{clean(key)} {_value(old[key])} → {_value(new[key])}")
        elif key in new:
            parts.append(f"{clean(key)} {_value(new[key])}")
        else:
            parts.append(f"{clean(key)} was {_value(old[key])}")
    return _clip("; ".join(parts), 160)


def _value(value: Any) -> str:
    if value is None:
        return "-"
    return _clip(clean(value), 40)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(ts: str) -> str:
    """``2024-03-30T08:15:00+00:00`` -> ``2024-03-30 08:15:00 UTC``."""
    text = clean(ts)
    if text.endswith("+00:00"):
        text = text[: -len("+00:00")] + " UTC"
    return text.replace("T", " ", 1)


def _counts_text(counts: Mapping[str, int]) -> str:
    return (
        f"{counts.get('documents', 0)} documents, {counts.get('segments', 0)} segments, "
        f"{counts.get('codings', 0)} codings, {counts.get('memos', 0)} memos"
    )


def _size(n_bytes: int) -> str:
    from qualcode.corpus.limits import format_size

    return format_size(n_bytes)


COMMANDS = (backup_command, restore_command, undo_command, log_command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def maintenance() -> None:
    """Backups, undo and the change log of a qualcode project."""


for _command in COMMANDS:
    maintenance.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    maintenance()
