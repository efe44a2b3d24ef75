from celery import shared_task

from parallel.services.contract_checks import queue_every_outdated_check
from parallel.services.retention import purge_student_data


@shared_task
def purge_parallel_student_data() -> int:
    """Beat task: purge uploads and student-level rows past the retention period."""
    return purge_student_data().pk


@shared_task
def recheck_outdated_edfi_files() -> int:
    """Beat task: queue a new check of the Ed-Fi files checked under an older contract."""
    return len(queue_every_outdated_check())
