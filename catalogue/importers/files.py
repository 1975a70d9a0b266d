"""Finding page files on disk and reading them within the size limit."""

from pathlib import Path

from .text import check_size, read_limited

PAGE_SUFFIXES = {".txt", ".htm", ".html", ".xhtml"}


def page_paths(paths) -> list[Path]:
    """Files as given; folders searched (recursively) for .txt and .htm(l) pages, sorted."""
    found = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file() and candidate.suffix.lower() in PAGE_SUFFIXES
            )
        else:
            found.append(path)
    return found


def read_page_file(path: Path) -> bytes:
    """The file's bytes; PageError (before reading it) for an empty or oversized file."""
    check_size(path.stat().st_size)
    with path.open("rb") as stream:
        return read_limited(stream)
