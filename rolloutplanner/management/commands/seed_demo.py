"""Compose the demo state from each app's registered demo steps (see rolloutplanner.demo)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from rolloutplanner import demo as platform_demo
from rolloutplanner.jobs import timed


def seed_demo() -> dict:
    """Build the state of a rollout in the middle of its pilot, in one transaction.

    Each app's ``@demo_step`` runs in order over one ``world`` dict. Deterministic (each part
    draws from its own seeded random generator) and idempotent: a part already present is left
    as it is, so a second run changes nothing and edits made during a demonstration are kept.
    Dates are relative to today.
    """
    # The review workflow e-mails reviewers and leadership; the demo's addresses are fictional.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        world = platform_demo.run_demo_steps({"today": timezone.localdate()})
    return {
        "leas_created": world["leas_created"],
        "leas": world["leas"],
        "vendors": len(world["vendors"]),
        "steps_created": world["steps_created"],
        "note": world.get("note", ""),
    }


class Command(BaseCommand):
    help = (
        "Create a fictional state in the middle of its rollout (150 LEAs, 20 vendors, a pilot "
        "under way, one user per role). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when LEAs already exist."
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and platform_demo.has_demo_data():
            self.stdout.write("Demo data skipped: the database already has LEAs.")
        else:
            timings: dict[str, float] = {}
            with timed(timings, "seed"):
                counts = seed_demo()
            self.stdout.write(
                f"Demo state ready in {timings['seed']:.1f} s: "
                f"{counts['leas']} LEAs ({counts['leas_created']} new), "
                f"{counts['vendors']} vendor products, "
                f"{counts['steps_created']} timeline steps loaded."
            )
            if counts["note"]:
                self.stdout.write(counts["note"])
        self.stdout.write(f"Demo logins (password for all: {platform_demo.DEMO_PASSWORD}):")
        for username, _first, _last, role in platform_demo.DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role.label}")
