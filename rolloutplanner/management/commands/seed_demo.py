from django.core.management.base import BaseCommand

from rolloutplanner.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Create a fictional state (150 LEAs, 20 vendors, one user per role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when LEAs already exist."
        )

    def handle(self, *args, if_empty=False, **options):
        from leas.models import LEA

        if if_empty and LEA.objects.exists():
            self.stdout.write("Demo data skipped: the database already has LEAs.")
        else:
            counts = seed_demo()
            self.stdout.write(
                f"Demo state ready: {counts['leas']} LEAs ({counts['leas_created']} new), "
                f"{counts['vendors']} vendor products, "
                f"{counts['steps_created']} timeline steps loaded."
            )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role.label}")
