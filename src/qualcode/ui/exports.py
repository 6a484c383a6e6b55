"""The Ekspor page's view of ``qualcode.export``.

The page is written against ``qualcode.export.FORMATS`` (format -> (label, MIME type,
file extension)) and ``qualcode.export.export(project, fmt, out, **options)``, and
shows a clear message when the module is missing. Every format takes the filters;
the network formats also take the co-occurrence window.
"""

from __future__ import annotations

import importlib
from typing import IO, Any

from qualcode.service import Project

FILTERS = ("codes", "informants", "source_types", "statuses", "pseudonymise")
NETWORK_FORMATS = frozenset({"graphml", "gexf", "png", "svg"})


def _module() -> Any:
    try:
        return importlib.import_module("qualcode.export")
    except ImportError:
        return None


def formats() -> dict[str, tuple[str, str, str]] | None:
    """Format -> (label, MIME type, extension), or None when exports are not installed."""
    module = _module()
    table = getattr(module, "FORMATS", None) if module is not None else None
    if not table or not hasattr(module, "export"):
        return None
    return {str(k): (str(v[0]), str(v[1]), str(v[2])) for k, v in dict(table).items()}


def options_of(fmt: str) -> tuple[str, ...]:
    """The options the page asks for before exporting ``fmt``."""
    return (*FILTERS, "window") if fmt in NETWORK_FORMATS else FILTERS


def run(project: Project, fmt: str, out: IO[bytes], options: dict[str, Any]) -> Any:
    """Export into ``out``; returns the module's report of what was written."""
    module = _module()
    if module is None:
        raise RuntimeError("qualcode.export is not installed")
    return module.export(project, fmt, out, **options)
