from celery import shared_task

from vendors import services


@shared_task
def flag_credentials_for_rotation() -> dict:
    """Beat task: flag credentials expiring or at school-year rollover soon and e-mail owners.

    Idempotent: a credential already flagged is not flagged or e-mailed again.
    """
    run = services.flag_credentials_for_rotation()
    return {"flagged": run.flagged, "emailed": run.emailed}
