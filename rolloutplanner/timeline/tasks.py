from celery import shared_task

from rolloutplanner.timeline import services


@shared_task(acks_late=True)
def send_change_notice_digests() -> int:
    """Beat task (daily): one e-mail per contact listing their pending change notices.

    Idempotent: notices are marked e-mailed in the transaction that sends them.
    """
    return services.send_change_notice_digests()
