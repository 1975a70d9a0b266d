"""The archivists' admin, one module per model family."""

from . import authorities, documents, imports, pages, scans, transcriptions, vocabularies  # noqa: F401
