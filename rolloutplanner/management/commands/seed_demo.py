"""Compose the demo state from each app's demo part (the command is a composition point)."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from leas import demo as leas_demo
from mapping import demo as mapping_demo
from parallel import demo as parallel_demo
from rolloutplanner import demo as platform_demo
from rolloutplanner.jobs import timed
from rolloutplanner.timeline import demo as timeline_demo
from usecases import demo as usecases_demo
from vendors import demo as vendors_demo
from vendors.models import ProductType


def seed_demo() -> dict:
    """Build the state of a rollout in the middle of its pilot, in one transaction.

    Deterministic (each part draws from its own seeded random generator) and idempotent: a
    part already present is left as it is, so a second run changes nothing and edits made
    during a demonstration are kept. Dates are relative to today.
    """
    today = timezone.localdate()
    # The review workflow e-mails reviewers and leadership; the demo's addresses are fictional.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        vendors = vendors_demo.seed_vendors()
        sis_vendors = [v for v in vendors if v.product_type == ProductType.SIS]
        leas_created = leas_demo.seed_leas(rng=random.Random(2026), sis_vendors=sis_vendors)
        first_lea = leas_demo.first_lea()
        users = platform_demo.demo_users(lea=first_lea, vendor=first_lea.sis_vendor)
        steps_created = timeline_demo.demo_timeline(today)
        pilot = leas_demo.seed_pilot_cohort(user=users["sea"])
        leas_demo.seed_lea_story(today=today, pilot_leas=pilot, rng=random.Random(2027))
        vendors_demo.seed_vendor_story(
            today=today, pilot_leas=pilot, sea_user=users["sea"], rng=random.Random(2028)
        )
        usecases_demo.seed_planning_story(
            today=today, users=users, pilot_leas=pilot, vendors=vendors, rng=random.Random(2029)
        )
        mapping_demo.seed_catalog()
        plan = mapping_demo.seed_mapping_plan(author=users["sea"], approver=users["sea2"])
        note = parallel_demo.seed_parallel_story(
            today=today, pilot_leas=pilot, sea_user=users["sea"], mapping_plan=plan
        )
    return {
        "leas_created": leas_created,
        "leas": leas_demo.LEA.objects.count(),
        "vendors": len(vendors),
        "steps_created": steps_created,
        "note": note,
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
        from leas.models import LEA

        if if_empty and LEA.objects.exists():
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
