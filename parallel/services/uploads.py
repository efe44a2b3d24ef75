"""Uploading the two sides of a collection: stored as files, checked cheaply at upload.

The upload rejects a wrong layout (header), non-UTF-8 text, a file above the size limit and, for
Ed-Fi, an unknown resource or a file that is neither JSON nor JSON Lines; an Ed-Fi file is then
checked against the Ed-Fi API contract in the worker (``contract_checks``). What depends on the
report (rows and columns, descriptor values) is checked when a run reads the file.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from parallel.errors import InputError
from parallel.importers import edfi_json, legacy_csv
from parallel.models import EdFiResource, Side, SubmissionFile
from parallel.services.contract_checks import queue_contract_check
from rolloutplanner.permissions import ADD, save_restricted, user_can_add_model

DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024**3
UPLOAD_REFUSED = "Only the SEA team uploads collection files."


def max_upload_bytes() -> int:
    return getattr(settings, "PARALLEL_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def guess_resource(filename: str) -> str:
    """The Ed-Fi resource a file name names, e.g. ``studentSchoolAssociations.jsonl``."""
    stem = re.split(r"[.]", filename.rsplit("/", 1)[-1])[0].lower()
    for value in EdFiResource.values:
        if stem == value.lower() or stem.endswith(value.lower()):
            return value
    return ""


@transaction.atomic
def upload_submission(
    *, cycle, user, side: str, uploaded, lea=None, resource: str = ""
) -> SubmissionFile:
    """Store one uploaded file for ``cycle`` after checking its layout and size.

    A refused file raises ``ValidationError`` keyed by the upload field at fault (``lea``,
    ``resource`` or ``file``), so the page and the API report it the same way.
    """
    submission = SubmissionFile(
        cycle=cycle, side=side, lea=lea, original_name=uploaded.name, uploaded_by=user
    )
    if not user_can_add_model(user, SubmissionFile):  # before the file is read or stored
        raise PermissionDenied(UPLOAD_REFUSED)
    if lea is not None and cycle.leas.exists() and not cycle.leas.filter(pk=lea.pk).exists():
        raise ValidationError(
            {"lea": f"{lea} does not take part in {cycle}; choose one of its LEAs."}
        )
    if uploaded.size > max_upload_bytes():
        raise ValidationError(
            {
                "file": f"{uploaded.name}: {uploaded.size} bytes is above the limit of "
                f"{max_upload_bytes()} bytes."
            }
        )
    if side == Side.EDFI:
        resource = resource or guess_resource(uploaded.name)
        if resource not in EdFiResource.values:
            raise ValidationError(
                {
                    "resource": f"{uploaded.name}: name the Ed-Fi resource (one of "
                    f"{', '.join(EdFiResource.values)})."
                }
            )
        submission.resource = resource
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    submission.sha256 = digest.hexdigest()
    submission.size = uploaded.size
    uploaded.seek(0)
    submission.file.save(uploaded.name, uploaded, save=False)
    try:
        _check(submission, cycle)
    except InputError as exc:
        submission.file.delete(save=False)
        raise ValidationError({"file": exc.problems}) from None
    submission._change_reason = f"uploaded {uploaded.name}"
    try:
        save_restricted(user, ADD, submission, refusal=UPLOAD_REFUSED)
    except PermissionDenied:
        submission.file.delete(save=False)
        raise
    queue_contract_check(submission=submission, user=user)
    return submission


def _check(submission: SubmissionFile, cycle) -> None:
    from pathlib import Path

    path = Path(submission.file.path)
    if submission.side == Side.LEGACY:
        header = legacy_csv.read_header(path, name=submission.original_name)
        legacy_csv.check_header(header, cycle.report_definition, name=submission.original_name)
    elif edfi_json.first_byte(path) not in (b"{", b"["):
        raise InputError(
            [f"{submission.original_name} line 1: expected a JSON array or JSON Lines."]
        )
