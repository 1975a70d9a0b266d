"""The archivists' admin, one module per model family."""

from . import authorities, documents, scans, vocabularies  # noqa: F401
