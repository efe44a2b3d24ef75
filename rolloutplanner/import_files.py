"""Uploaded files that a job imports: kept under MEDIA_ROOT/private/imports until the job ends.

A file at or below ``IMPORT_BACKGROUND_ABOVE_BYTES`` is imported inside the request; a larger one
is stored here under a random name (never the uploader's, which stays in the job's parameters)
and imported by a job, so a web worker never holds a transaction open for minutes. The job
removes the file when it ends, whatever the outcome.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings

IMPORT_DIR = Path("private") / "imports"


def imports_in_background(*, size: int) -> bool:
    """True when a file of ``size`` bytes is imported by a job rather than in the request."""
    return size > settings.IMPORT_BACKGROUND_ABOVE_BYTES


def _absolute(relative: str) -> Path:
    root = (Path(settings.MEDIA_ROOT) / IMPORT_DIR).resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"{relative!r} is not an import file.")
    return path


def keep_import_file(*, upload) -> str:
    """Store an uploaded file for its job; returns its path relative to MEDIA_ROOT."""
    relative = str(IMPORT_DIR / uuid.uuid4().hex)
    path = _absolute(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return relative


def read_import_file(relative: str) -> bytes:
    try:
        return _absolute(relative).read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            "The uploaded file is no longer stored (its import already ended); upload it again."
        ) from None


def discard_import_file(relative: str) -> None:
    _absolute(relative).unlink(missing_ok=True)
