"""Size limits a researcher can change with environment variables.

The readers take their limits as a :class:`~qualcode.corpus.ReadLimits` value; this
module builds the one the service uses when the caller gives none, from:

=========================  ==================================================  =========
variable                   what it limits                                      default
=========================  ==================================================  =========
``QUALCODE_MAX_FILE_MB``   size of one source file as stored (MB)              50
``QUALCODE_MAX_TEXT_CHARS``  characters of text read from one file             5000000
=========================  ==================================================  =========

A value that is not a positive number is an error that names the variable, so a
typo never silently falls back to the default. The codebook's own limits (2 MB,
100 aliases, 100,000 nodes) and the REFI-QDA archive limits are fixed: they only
stop files crafted to exhaust memory.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import replace

from qualcode.corpus.limits import MB, ReadLimits
from qualcode.errors import QualcodeError

ENV_MAX_FILE_MB = "QUALCODE_MAX_FILE_MB"
ENV_MAX_TEXT_CHARS = "QUALCODE_MAX_TEXT_CHARS"


def _positive(environ: Mapping[str, str], name: str) -> float | None:
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise QualcodeError(f"{name} must be a positive number, got '{raw}'")
    return value


def read_limits(environ: Mapping[str, str] | None = None) -> ReadLimits:
    """The reading limits: the defaults of ``ReadLimits``, changed by the environment."""
    env = os.environ if environ is None else environ
    limits = ReadLimits()
    max_mb = _positive(env, ENV_MAX_FILE_MB)
    if max_mb is not None:
        limits = replace(limits, max_bytes=max(1, int(max_mb * MB)))
    max_chars = _positive(env, ENV_MAX_TEXT_CHARS)
    if max_chars is not None:
        limits = replace(limits, max_chars=max(1, int(max_chars)))
    return limits
