from django.core.management.base import BaseCommand

from parallel.definitions import load_shipped_definitions
from parallel.models import ReportDefinition


class Command(BaseCommand):
    help = "Create the shipped report definitions; --overwrite resets edited ones to shipped."

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args, overwrite=False, **options):
        count = load_shipped_definitions(ReportDefinition, overwrite=overwrite)
        self.stdout.write(f"{count} report definition(s) loaded.")
