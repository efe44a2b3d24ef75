from celery import shared_task

from parallel.services.retention import purge_student_data


@shared_task
def purge_parallel_student_data() -> int:
    """Beat task: purge uploads and student-level rows past the retention period."""
    return purge_student_data().pk
