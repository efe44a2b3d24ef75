from django.apps import AppConfig
from django.core import checks
from django.utils.module_loading import autodiscover_modules


class RolloutPlannerConfig(AppConfig):
    name = "rolloutplanner"
    verbose_name = "Rollout Planner"

    def ready(self) -> None:
        # Each app registers its background job kinds in <app>/job_kinds.py.
        autodiscover_modules("job_kinds")
        from rolloutplanner.checks import (
            STARTUP,
            site_url_check,
            site_url_deploy_check,
            static_files_collected,
        )

        checks.register(static_files_collected, STARTUP)
        checks.register(site_url_check, checks.Tags.compatibility)
        checks.register(site_url_deploy_check, checks.Tags.security, deploy=True)
