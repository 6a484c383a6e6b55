"""The project store: the only package that talks SQL."""

from qualcode.store.db import Database, project_url

__all__ = ["Database", "project_url"]
