from django.apps import AppConfig


class LeasConfig(AppConfig):
    name = "leas"
    verbose_name = "LEAs"
