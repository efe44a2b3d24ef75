"""Checking an uploaded Ed-Fi file against the Ed-Fi API contract, once, in the worker.

What is wrong with an Ed-Fi file whatever report reads it (a record breaking the contract, a
natural key missing or held twice) depends on the file alone, so it is found once, right after
upload, and the SEA team sees it beside the file before any run. A run then reads a file that
passed (under the same contract) parsing only the members its report reads; a file not checked
yet, or checked under another contract, is checked by the run itself as before.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from parallel.engine import edfi
from parallel.engine.workdir import RunFolder, engine
from parallel.errors import InputError
from parallel.models import ContractState, Side, SubmissionFile
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.models import Job

CHECK_JOB_KIND = "parallel_edfi_check"


def queue_contract_check(*, submission: SubmissionFile, user=None) -> Job | None:
    """Queue the check of an Ed-Fi file (a legacy file has none) and return its job, sent to
    the worker once the caller's transaction commits."""
    if submission.side != Side.EDFI:
        return None
    _record(submission, {"state": ContractState.QUEUED})
    return enqueue_job(kind=CHECK_JOB_KIND, user=user, parameters={"file_id": submission.pk})


def check_contract(*, submission: SubmissionFile) -> dict:
    """Check one Ed-Fi file and record what was found on it (idempotent)."""
    if submission.purged_at or not submission.file:
        _record(submission, {"state": ContractState.NOT_CHECKED})
        return submission.contract_check
    folder = RunFolder.of_file_check(submission.pk)
    path = Path(submission.file.path)
    one_per_line = False
    try:
        with engine(folder.create()) as con:
            problems = edfi.contract_problems(
                con, path=path, name=submission.original_name, endpoint=submission.resource
            )
            one_per_line = not problems and edfi.one_record_per_line(con, path)
    except InputError as exc:
        problems = exc.problems
    finally:
        folder.remove()
    _record(
        submission,
        {
            "state": ContractState.BROKEN if problems else ContractState.KEPT,
            "problems": problems,
            "one_record_per_line": one_per_line,
            "version": edfi.contract_version(submission.resource),
            "checked_at": timezone.now().isoformat(),
        },
    )
    return submission.contract_check


def end_contract_check(*, file_id: int) -> None:
    """Clean-up of a check whose job failed or whose worker was lost: the file counts as not
    checked (a run checks it itself) and the check's spill folder is removed."""
    submission = SubmissionFile.objects.filter(pk=file_id).first()
    if submission is not None and submission.contract_state == ContractState.QUEUED:
        _record(submission, {"state": ContractState.NOT_CHECKED})
    RunFolder.of_file_check(file_id).remove()


def queue_outdated_checks(*, files: list[SubmissionFile], user=None) -> list[Job]:
    """Queue a new check of each Ed-Fi file whose check was made under another contract
    version (the engine now checks more, or against a newer contract): the run that found it
    checks the file itself, and the next ones read it as checked again."""
    return [
        queue_contract_check(submission=f, user=user)
        for f in files
        if f.side == Side.EDFI and _outdated(f)
    ]


def queue_every_outdated_check() -> list[Job]:
    """Every unpurged Ed-Fi file whose finished check (kept or broken) is outdated, queued again
    (nightly, by the beat): after an upgrade that checks more, the cycle pages show the new
    result the next morning instead of waiting for a run over each file. Idempotent: a file
    already queued is left alone."""
    files = SubmissionFile.objects.filter(side=Side.EDFI, purged_at__isnull=True).exclude(file="")
    return queue_outdated_checks(files=list(files.order_by("pk")))


def _outdated(submission: SubmissionFile) -> bool:
    check = submission.contract_check or {}
    finished = check.get("state") in (ContractState.KEPT, ContractState.BROKEN)
    return finished and not _current(submission)


def _current(submission: SubmissionFile) -> bool:
    """Whether the file's check was made under the contract version the engine checks today."""
    return (submission.contract_check or {}).get("version") == edfi.contract_version(
        submission.resource
    )


def contract_kept(submission: SubmissionFile) -> bool:
    """Whether a run may take the file as keeping the contract the engine checks today."""
    check = submission.contract_check or {}
    return check.get("state") == ContractState.KEPT and _current(submission)


def reading_of(submission: SubmissionFile) -> dict:
    """How a run reads the file (``edfi.load``'s options), from what its check found."""
    kept = contract_kept(submission)
    return {
        "kept_contract": kept,
        "one_record_per_line": kept and bool(submission.contract_check.get("one_record_per_line")),
    }


def _record(submission: SubmissionFile, check: dict) -> None:
    # A result of the system, not an edit: no history row, no permission check.
    submission.contract_check = check
    SubmissionFile.objects.filter(pk=submission.pk).update(contract_check=check)
