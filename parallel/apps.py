from django.apps import AppConfig


class ParallelConfig(AppConfig):
    name = "parallel"
    verbose_name = "Parallel-year comparison"

    def ready(self) -> None:
        # The retention purge runs daily; the schedule entry lives with the app that owns it.
        from django.conf import settings

        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "parallel-purge-student-data",
            {"task": "parallel.tasks.purge_parallel_student_data", "schedule": 24 * 60 * 60.0},
        )
