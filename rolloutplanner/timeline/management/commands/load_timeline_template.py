from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rolloutplanner.timeline.services import load_template


class Command(BaseCommand):
    help = "Load the five rollout phases and their steps (idempotent), dated from --start."

    def add_arguments(self, parser):
        parser.add_argument("--start", help="Template start date, YYYY-MM-DD (default: today).")

    def handle(self, *args, start=None, **options):
        try:
            start_date = date.fromisoformat(start) if start else date.today()
        except ValueError as exc:
            raise CommandError(f"--start must be YYYY-MM-DD, not {start!r}.") from exc
        created = load_template(start=start_date)
        self.stdout.write(f"Created {created} template step(s) starting {start_date}.")
