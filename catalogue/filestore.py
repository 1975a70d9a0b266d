"""Files written as part of a database transaction: a save that fails leaves none behind.

Storage is not transactional. The admin runs a save inside `files_kept_only_on_success()`;
every file written meanwhile is remembered (`remember_written`), and if the save fails, its
transaction is rolled back and the files are deleted again. A write that fails raises
`StorageFailure` with a message for the archivist.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

logger = logging.getLogger(__name__)

_written: ContextVar[list | None] = ContextVar("files_written_in_this_save", default=None)


class StorageFailure(Exception):
    """Files could not be written to storage; the message says why, for the archivist."""

    @classmethod
    def from_os_error(cls, error: OSError) -> "StorageFailure":
        reason = error.strerror or str(error) or type(error).__name__
        return cls(
            f"The page images could not be stored ({reason}): the media folder cannot be "
            "written. Nothing was saved; your other changes are still in the form below. "
            "Choose the image files again and save once the folder can be written (tell the "
            "site's administrator)."
        )


@contextmanager
def files_kept_only_on_success():
    """Delete the files remembered inside the block when it ends with an exception."""
    written = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        delete_quietly(written)
        raise
    finally:
        _written.reset(token)


def remember_written(field_file) -> None:
    """Note a file just written, so that it is deleted again if the save fails."""
    written = _written.get()
    if written is not None and field_file and field_file.name:
        written.append((field_file.storage, field_file.name))


def delete_quietly(files) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s after a failed save", name)
