"""Read source files (transcripts, field notes, documents) into SourceDocument.

Supported: .txt, .md/.markdown (with optional YAML front matter), .docx, .odt, .pdf
(text layer), .rtf, .srt and .vtt. Every reader returns text normalised the same way
(see :func:`normalise_text`); that text is what the project stores and what every
offset points into. Anything that stops a file from being read raises
:class:`qualcode.errors.ReadError` with a message for the researcher.
"""

from qualcode.corpus.limits import ReadLimits, format_size
from qualcode.corpus.manifest import MANIFEST_NAMES, Manifest, load_manifest
from qualcode.corpus.reader import (
    SUPPORTED_EXTENSIONS,
    FileReader,
    iter_documents,
    list_files,
    read_bytes,
    read_document,
    safe_file_name,
)
from qualcode.corpus.text import decode_bytes, normalise_text

__all__ = [
    "MANIFEST_NAMES",
    "SUPPORTED_EXTENSIONS",
    "FileReader",
    "Manifest",
    "ReadLimits",
    "decode_bytes",
    "format_size",
    "iter_documents",
    "list_files",
    "load_manifest",
    "normalise_text",
    "read_bytes",
    "read_document",
    "safe_file_name",
]
