"""What every `qualcode` command shares: the --project option and one-line errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from qualcode.errors import QualcodeError

PROJECT_HELP = "Project file (e.g. studi.qualcode) or a postgresql:// URL. Env: QUALCODE_PROJECT."


def project_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--project", "-p", envvar="QUALCODE_PROJECT", required=True, help=PROJECT_HELP
    )(func)


@contextmanager
def one_line_errors(clean: Callable[[str], str] = str) -> Iterator[None]:
    """Turn an expected error into click's one-line ``Error: ...`` and exit status 1."""
    try:
        yield
    except QualcodeError as exc:
        raise click.ClickException(clean(str(exc))) from None
