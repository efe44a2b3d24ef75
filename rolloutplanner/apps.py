from django.apps import AppConfig
from django.core.checks import Tags, register
from django.utils.module_loading import autodiscover_modules


class RolloutPlannerConfig(AppConfig):
    name = "rolloutplanner"
    verbose_name = "Rollout Planner"

    def ready(self) -> None:
        # Each app registers its background job kinds in <app>/job_kinds.py.
        autodiscover_modules("job_kinds")
        from rolloutplanner.checks import site_url_check, site_url_deploy_check

        register(site_url_check, Tags.compatibility)
        register(site_url_deploy_check, Tags.security, deploy=True)
