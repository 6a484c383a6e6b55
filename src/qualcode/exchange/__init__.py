"""REFI-QDA exchange with NVivo, ATLAS.ti, MAXQDA and QualCoder.

Works on plain records (``qualcode.model.ProjectData``, ``Codebook``), never on the
database:

- ``write_qdpx`` / ``write_qdc`` export a project or a codebook;
- ``read_qdpx`` / ``read_qdc`` (and ``read_qde`` for a bare project XML) import one,
  returning the records and human-readable warnings about what was skipped;
- ``validate_qdpx`` / ``validate_qdc`` check a file against the official schemas and
  the rules the schemas cannot express;
- ``export_warnings`` lists what an export cannot carry.
"""

from qualcode.exchange.refi_common import DEFAULT_LIMITS, PositionConvention, ZipLimits
from qualcode.exchange.refi_read import read_qdc, read_qde, read_qdpx
from qualcode.exchange.refi_write import build_qdpx, export_warnings, write_qdc, write_qdpx
from qualcode.exchange.validate import validate_qdc, validate_qdpx

__all__ = [
    "DEFAULT_LIMITS",
    "PositionConvention",
    "ZipLimits",
    "build_qdpx",
    "export_warnings",
    "read_qdc",
    "read_qde",
    "read_qdpx",
    "validate_qdc",
    "validate_qdpx",
    "write_qdc",
    "write_qdpx",
]
