from django.apps import AppConfig


class TimelineConfig(AppConfig):
    """The living timeline, a domain app inside the ``rolloutplanner`` package.

    Its pages keep their names in the ``rolloutplanner`` URL namespace (``url_namespace``
    below), so links to them did not change when it became an app of its own.
    """

    name = "rolloutplanner.timeline"
    label = "timeline"
    verbose_name = "Timeline"
    url_namespace = "rolloutplanner"
