from django.apps import AppConfig


class ParallelConfig(AppConfig):
    name = "parallel"
    verbose_name = "Parallel-year comparison"
