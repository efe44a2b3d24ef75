from django.apps import AppConfig


class ParallelConfig(AppConfig):
    name = "parallel"
