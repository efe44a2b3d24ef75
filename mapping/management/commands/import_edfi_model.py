from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mapping.services.catalog import import_edfi_model
from rolloutplanner.jobs import timed


class Command(BaseCommand):
    help = "Load (or refresh) an Ed-Fi Data Standard catalog folder, e.g. mapping/data/edfi/5.2.0."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        timings: dict[str, float] = {}
        try:
            with timed(timings, "import"):
                result = import_edfi_model(directory=directory)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.version}: {result.resources} resources, {result.properties} properties, "
                f"{result.descriptors} descriptors, {result.values} values "
                f"in {timings['import']:.1f}s."
            )
        )
