"""qualcode: qualitative coding of Indonesian interview transcripts against theory."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qualcode")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
