"""The demo state (``seed_demo``) plus one row of every model the demo leaves empty.

The URL walk needs an object of every model a page shows. The demo holds LEAs, vendors, users,
the timeline, readiness checklists and the Ed-Fi catalog; the rest is built here with the test
factories, once with the demo coordinator's LEA / vendor contact's vendor as owner and once with
another, so scoped roles meet both their own and other organisations' rows.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from factory.django import DjangoModelFactory

from leas.models import LEA
from vendors.models import Vendor

FACTORY_MODULES = [
    "tests.factories",
    "tests.leas.factories",
    "tests.vendors.factories",
    "tests.mapping.factories",
    "tests.usecases.factories",
    "tests.rolloutplanner.factories",
    "tests.parallel.factories",
]


def factories_by_model() -> dict:
    """Each model's factory (the one named ``<Model>Factory`` where there are several)."""
    found: dict = {}
    for module_name in FACTORY_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if not (inspect.isclass(value) and issubclass(value, DjangoModelFactory)):
                continue
            model = value._meta.model
            if model is None or isinstance(model, str):
                continue
            if model not in found or name == f"{model.__name__}Factory":
                found[model] = value
    return found


def _owner_fields(model) -> dict:
    """The direct owner foreign keys of a model (``lea`` → LEA, ``vendor`` → Vendor)."""
    owners = {}
    for f in model._meta.get_fields():
        direct = getattr(f, "many_to_one", False) and f.name in ("lea", "vendor")
        if direct and f.related_model in (LEA, Vendor):
            owners[f.name] = f.related_model
    return owners


def seed_walk_world(models) -> dict:
    """Seed the demo, then fill every model in ``models`` the demo leaves empty.

    Returns the demo users by login name and a calendar-feed key per user.
    """
    call_command("seed_demo", verbosity=0)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["sea", "leader", "coordinator", "vendor", "admin"]
        )
    }
    own_lea = users["coordinator"].profile.leas.get()
    own_vendor = users["vendor"].profile.vendor
    other_lea = (
        LEA.objects.exclude(pk=own_lea.pk).exclude(sis_vendor=own_vendor).order_by("pk").first()
    )
    other_vendor = Vendor.objects.exclude(pk=own_vendor.pk).order_by("pk").first()
    owners = {LEA: (own_lea, other_lea), Vendor: (own_vendor, other_vendor)}
    _build_missing(models, owners, users)
    _scoped_rows(owners)
    return {"users": users, "feed_keys": _feed_keys(users)}


def _build_missing(models, owners, users) -> None:
    factories = factories_by_model()
    for model in sorted(set(models), key=lambda m: m._meta.label):
        builder = SPECIAL_BUILDERS.get(model._meta.label)
        if builder is not None:
            # Rows scoped to an LEA or vendor are built for the walk's own and other owners even
            # when the demo already holds some, which may belong to neither.
            if model._meta.label in OWNER_SCOPED or not model._default_manager.exists():
                builder(owners, users)
            continue
        factory = factories.get(model)
        if factory is None:
            continue  # the walk names the model whose pages it cannot fill
        owner_fields = _owner_fields(model)
        if not owner_fields:
            if not model._default_manager.exists():
                factory()
            continue
        for index in (0, 1):  # own, then other
            kwargs = {name: owners[related][index] for name, related in owner_fields.items()}
            if not model._default_manager.filter(**kwargs).exists():
                factory(**kwargs)


def _scoped_rows(owners) -> None:
    """Rows owned through a relation (not a direct ``lea``/``vendor`` key), own and other."""
    from rolloutplanner.timeline.models import Phase
    from tests.mapping.factories import LocalCodeFactory
    from tests.parallel.factories import DiscrepancyGroupFactory
    from tests.rolloutplanner.factories import (
        LEAMilestoneFactory,
        MilestoneDependencyFactory,
        VendorMilestoneFactory,
    )
    from tests.vendors.factories import APICredentialFactory, FollowUpFactory, MarketEventFactory

    own_lea, other_lea = owners[LEA]
    own_vendor, other_vendor = owners[Vendor]
    APICredentialFactory(vendor=other_vendor, leas=[own_lea])
    MarketEventFactory(vendor=other_vendor, affected_leas=[own_lea])
    FollowUpFactory(touchpoint__vendor=own_vendor)
    LocalCodeFactory(local_code_set__lea=own_lea)
    DiscrepancyGroupFactory(lea=other_lea, responsible_vendor=own_vendor)
    phase = Phase.objects.order_by("number").first()
    for milestone in (
        LEAMilestoneFactory(lea=other_lea, phase=phase),
        VendorMilestoneFactory(vendor=other_vendor, phase=phase),
    ):
        MilestoneDependencyFactory(successor=milestone, predecessor__phase=phase)


def _feed_keys(users) -> dict:
    from rolloutplanner.timeline.services import create_feed_token

    return {name: create_feed_token(user=user)[1] for name, user in users.items()}


def _incidents(owners, users) -> None:
    """A reported leak of an own and of another vendor's credential, through the service."""
    from tests.vendors.factories import APICredentialFactory
    from vendors.services import report_leak

    for vendor, lea in zip(owners[Vendor], reversed(owners[LEA]), strict=True):
        credential = APICredentialFactory(vendor=vendor, leas=[lea])
        report_leak(
            credential=credential, description="Posted in a public forum.", user=users["sea"]
        )


def _jobs(owners, users) -> None:
    from rolloutplanner.models import Job

    for lea, vendor in zip(owners[LEA], owners[Vendor], strict=True):
        Job.objects.create(kind="state_summary", created_by=users["sea"], lea=lea)
        Job.objects.create(kind="state_summary", created_by=users["sea"], vendor=vendor)
        for owner in ({"lea": lea}, {"vendor": vendor}):
            Job.objects.create(kind="mapping_upgrade_impact", created_by=users["sea"], **owner)


def _api_tokens(owners, users) -> None:
    from rolloutplanner.services import create_api_token

    for user in users.values():
        create_api_token(user=user, name=f"{user.username}'s script")


def _calendar_keys(owners, users) -> None:
    """Made by ``_feed_keys`` for every demo user."""


def _document_workflow(owners, users) -> None:
    """A plan document taken through review and approval: comments, approvals, versions, notices."""
    from usecases.models import PlanningDocument, SectionComment
    from usecases.services import documents as workflow

    if SectionComment.objects.exists():
        return
    sea, leader = users["sea"], users["leader"]
    document = workflow.create_document(kind=_document_kind(), title="Demo scope", user=sea)
    section = document.sections.order_by("position").first()
    workflow.edit_section(section=section, user=sea, body="The districts we start with.")
    stakeholder = _stakeholder(users["coordinator"])
    workflow.send_for_stakeholder_review(
        document=document,
        user=sea,
        reviewers=[stakeholder],
        due=timezone.localdate() + timedelta(7),
    )
    comment = workflow.add_comment(
        section=section, user=users["coordinator"], body="Add our pilot."
    )
    workflow.resolve_comment(comment=comment, user=sea, resolution="accepted")
    document = PlanningDocument.objects.get(pk=document.pk)
    workflow.mark_revised(document=document, user=sea)
    workflow.send_for_leadership_review(document=document, user=sea)
    workflow.approve(document=PlanningDocument.objects.get(pk=document.pk), user=leader)


def _document_kind() -> str:
    from usecases.models import DocumentKind

    return DocumentKind.values[0]


def _stakeholder(user):
    from tests.usecases.factories import StakeholderFactory

    return StakeholderFactory(user=user)


def _assessment(owners, users) -> None:
    from tests.usecases.factories import AssessmentItemFactory, AssessmentRoundFactory
    from usecases.services.assessment import agree_rating, rate_item

    round_ = AssessmentRoundFactory()
    item = AssessmentItemFactory(dimension__instrument=round_.instrument)
    rate_item(round=round_, item=item, rater=users["sea"], level=2)
    agree_rating(round=round_, item=item, user=users["sea"], level=2)


def _communication_log(owners, users) -> None:
    from tests.usecases.factories import CommunicationItemFactory
    from usecases.services.communication import record_sent

    record_sent(item=CommunicationItemFactory(), user=users["sea"], sent_on=timezone.localdate())


def _edfi_connection(owners, users) -> None:
    from parallel.models import EdFiConnection
    from tests.parallel.factories import CollectionCycleFactory

    connection = EdFiConnection(
        cycle=CollectionCycleFactory(),
        name="State ODS",
        base_url="https://ods.example.org/data/v3",
        token_url="https://ods.example.org/oauth/token",
        client_id="demo-client",
    )
    connection.set_secret("demo-secret")
    connection.save()


def _aggregates(owners, users) -> None:
    from parallel.models import AggregateDifference
    from tests.parallel.factories import ReconciliationRunFactory

    run = ReconciliationRunFactory()
    for lea in owners[LEA]:
        AggregateDifference.objects.create(
            run=run, lea=lea, category_set="CSA", legacy_count=10, edfi_count=9, difference=1
        )


SPECIAL_BUILDERS = {
    "usecases.SectionComment": _document_workflow,
    "usecases.Approval": _document_workflow,
    "usecases.DocumentVersion": _document_workflow,
    "usecases.Notification": _document_workflow,
    "usecases.Rating": _assessment,
    "usecases.AgreedRating": _assessment,
    "usecases.CommunicationLog": _communication_log,
    "parallel.EdFiConnection": _edfi_connection,
    "parallel.AggregateDifference": _aggregates,
    "rolloutplanner.APIToken": _api_tokens,
    "timeline.CalendarFeedToken": _calendar_keys,
    "vendors.CredentialIncident": _incidents,
    "rolloutplanner.Job": _jobs,
}

OWNER_SCOPED = {"vendors.CredentialIncident", "rolloutplanner.Job"}

__all__ = ["factories_by_model", "seed_walk_world"]
