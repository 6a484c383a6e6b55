"""Every error qualcode raises on purpose.

Each carries enough to tell the researcher what was wrong and where, in one line:
the file, and when known the line and column (1-based) or the code id. The CLI
prints ``str(error)`` and exits non-zero; the app shows it in an error box.
"""

from __future__ import annotations


class QualcodeError(Exception):
    """Base class: an error the user can act on, never a bug."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        code_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.code_id = code_id

    def location(self) -> str:
        parts = []
        if self.path:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.code_id:
            parts.append(f"code '{self.code_id}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class CodebookError(QualcodeError):
    """The codebook YAML is malformed, unsafe or inconsistent."""


class ReadError(QualcodeError):
    """A source file could not be read (empty, binary, too big, corrupt, unsupported)."""


class ProjectError(QualcodeError):
    """The project cannot be opened or changed as asked."""


class ConflictError(ProjectError):
    """Someone else changed the same record since it was read."""


class ExchangeError(QualcodeError):
    """A REFI-QDA or other exchange file is invalid or unsafe."""


class ModelNotAvailable(QualcodeError):
    """An optional NLP model is not installed; the message says how to get it."""
