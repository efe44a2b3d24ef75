"""Pulling a cycle's Ed-Fi side from an Ed-Fi ODS/API into stored, reproducible snapshots.

Each resource is written page by page as JSON Lines under MEDIA_ROOT; after every page the
cursor (next offset, bytes written) is saved, so a failed pull resumes where it stopped and
never duplicates or loses records. A finished snapshot becomes an Ed-Fi SubmissionFile, so a
run over it can be repeated exactly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parallel.definitions import edfi_source_of
from parallel.edfi_client import EdFiApiError, EdFiClient
from parallel.engine import vocabulary
from parallel.models import EdFiConnection, EdFiPull, Side, SubmissionFile
from parallel.services.contract_checks import queue_contract_check


def client_for(connection: EdFiConnection, **options) -> EdFiClient:
    return EdFiClient(
        base_url=connection.base_url,
        token_url=connection.token_url,
        client_id=connection.client_id,
        client_secret=connection.secret(),
        school_year=connection.school_year,
        **options,
    )


@transaction.atomic
def save_connection(*, connection: EdFiConnection, secret: str | None) -> EdFiConnection:
    """Save a connection; a given secret replaces the stored one (kept encrypted, never shown)."""
    if secret:
        connection.set_secret(secret)
    if not connection.client_secret_encrypted:
        raise ValueError("A client secret is required.")
    connection.save()
    return connection


def pull_cycle(
    *, connection: EdFiConnection, client: EdFiClient, progress=None
) -> list[SubmissionFile]:
    """Pull every resource the cycle's report definition needs; resumes unfinished pulls."""
    definition = connection.cycle.report_definition
    resources = vocabulary.required_resources(edfi_source_of(definition))
    files = []
    for index, resource in enumerate(resources):
        pull = (
            EdFiPull.objects.filter(connection=connection, resource=resource, completed_at=None)
            .order_by("-started_at")
            .first()
        ) or EdFiPull.objects.create(connection=connection, resource=resource)

        def report(share: float, message: str, index=index) -> None:
            if progress:
                progress(100 * (index + share) / len(resources), message)

        files.append(pull_resource(pull=pull, client=client, progress=report))
    return files


def pull_resource(*, pull: EdFiPull, client: EdFiClient, progress=None) -> SubmissionFile:
    """Fetch the pages of one resource from the saved cursor on; store the snapshot."""
    connection = pull.connection
    relative = pull.snapshot or f"parallel/pulls/{pull.pk}-{pull.resource}.jsonl"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.truncate(pull.snapshot_bytes)  # drop a page half-written before a crash
    pull.snapshot = relative
    limit = connection.page_size
    try:
        while True:
            page = client.page(pull.resource, offset=pull.next_offset, limit=limit)
            with path.open("ab") as handle:
                for record in page.records:
                    handle.write(json.dumps(record, separators=(",", ":")).encode() + b"\n")
            pull.next_offset += len(page.records)
            pull.snapshot_bytes = path.stat().st_size
            pull.total_count = page.total_count
            pull.error = ""
            pull.save(
                update_fields=["next_offset", "snapshot_bytes", "total_count", "error", "snapshot"]
            )
            if progress:
                share = pull.next_offset / page.total_count if page.total_count else 0
                progress(
                    min(share, 1), f"{pull.resource}: {pull.next_offset} of {page.total_count}"
                )
            if len(page.records) < limit or (
                page.total_count is not None and pull.next_offset >= page.total_count
            ):
                break
    except EdFiApiError as exc:
        pull.error = f"{exc} Pulled {pull.next_offset} so far; pull again to resume."
        pull.save(update_fields=["error"])
        raise EdFiApiError(pull.error) from None
    return _store(pull, path)


@transaction.atomic
def _store(pull: EdFiPull, path: Path) -> SubmissionFile:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    submission = SubmissionFile.objects.create(
        cycle=pull.connection.cycle,
        side=Side.EDFI,
        resource=pull.resource,
        file=pull.snapshot,
        original_name=f"{pull.resource}.jsonl",
        size=path.stat().st_size,
        sha256=digest.hexdigest(),
    )
    pull.submission = submission
    pull.completed_at = timezone.now()
    pull.save(update_fields=["submission", "completed_at"])
    queue_contract_check(submission=submission)
    return submission
