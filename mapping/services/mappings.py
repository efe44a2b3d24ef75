"""Element mapping workflow: edits, review states and consistency checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from mapping.models import (
    KINDS_WITH_TARGETS,
    DescriptorMapping,
    EdFiProperty,
    ElementMapping,
    MappingKind,
    MappingStatus,
    TargetKind,
)
from mapping.services.suggestions import split_name
from mapping.services.targets import target_kind_problems
from mapping.services.versions import other_version_problems
from rolloutplanner.review import (
    SELF_APPROVAL_EXPLANATION,
    SelfApprovalRefused,
    check_approver,
    is_own_change,
)

EDITABLE_FIELDS = (
    "kind",
    "target_kind",
    "target_value",
    "active_on",
    "logical_map",
    "transformation_rule",
    "owner",
    "comments",
)


def target_problems(
    *,
    mapping_kind: str,
    targets: Iterable[EdFiProperty],
    version,
    target_kind: str = TargetKind.PROPERTY,
    target_value=None,
    rule: str = "",
) -> list[str]:
    """What is wrong with these targets for a mapping of this kind in ``version`` (empty: fine).

    ``target_kind``, ``target_value`` and ``rule`` say how the targets are read (a value, or a
    condition such as "characteristic Immigrant present"): see ``mapping.services.targets``.
    """
    targets = list(targets)
    problems = other_version_problems(version=version, items=[*targets, target_value])
    if mapping_kind not in KINDS_WITH_TARGETS and target_kind != TargetKind.PROPERTY:
        problems.append("Only a 1:1 or close mapping reads its targets as a condition or rule.")
    elif mapping_kind in KINDS_WITH_TARGETS and targets:
        problems += target_kind_problems(
            target_kind=target_kind, targets=targets, target_value=target_value, rule=rule
        )
    if mapping_kind in KINDS_WITH_TARGETS and not targets:
        problems.append("A 1:1 or close mapping names at least one Ed-Fi property.")
    if mapping_kind in {MappingKind.NOT_MAPPED, MappingKind.RETIRE} and targets:
        problems.append("A mapping that is not mapped yet or retired has no Ed-Fi target.")
    return problems


def check_editable(mapping: ElementMapping | DescriptorMapping) -> None:
    """Approved mappings (element or descriptor) change only through a new review."""
    if mapping.pk and mapping.status == MappingStatus.APPROVED:
        raise ValidationError("This mapping is approved: start a new review before changing it.")


REVIEW_STATE_FIELDS = ("status", "submitted_by_id", "approved_by_id", "approved_at")


def take_review_state(mapping: ElementMapping | DescriptorMapping) -> None:
    """Lock the row and take its review state from the database, never from the caller's copy
    (an edit must not write back a status read before the last review step); refuse an
    approved row."""
    current = type(mapping).objects.select_for_update().get(pk=mapping.pk)
    for name in REVIEW_STATE_FIELDS:
        setattr(mapping, name, getattr(current, name))
    check_editable(mapping)


def record_review_author(mapping: ElementMapping | DescriptorMapping, user) -> None:
    """Whoever changes a mapping while it is in review becomes the author of what is reviewed."""
    if mapping.status == MappingStatus.IN_REVIEW and user is not None:
        mapping.submitted_by = user


def target_reading(mapping: ElementMapping) -> dict:
    """How ``mapping`` reads its targets, as ``target_problems`` takes it."""
    return {
        "target_kind": mapping.target_kind,
        "target_value": mapping.target_value,
        "rule": mapping.transformation_rule,
    }


def plan_version(mapping: ElementMapping):
    return mapping.element.collection.plan.data_standard_version


@transaction.atomic
def update_mapping(
    *, mapping: ElementMapping, user, targets: Iterable[EdFiProperty] | None = None, **fields
) -> ElementMapping:
    """Change an unapproved mapping; refuses targets outside the plan's Data Standard version.

    A change while in review makes ``user`` the author of what is reviewed.
    """
    take_review_state(mapping)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(mapping, name, value)
    record_review_author(mapping, user)
    new_targets = list(targets) if targets is not None else list(mapping.targets.all())
    problems = target_problems(
        mapping_kind=mapping.kind,
        targets=new_targets,
        version=plan_version(mapping),
        **target_reading(mapping),
    )
    if problems:
        raise ValidationError(problems)
    mapping.save()
    if targets is not None:
        mapping.targets.set(new_targets)
    return mapping


_TRANSITIONS = {
    "submit": ({MappingStatus.DRAFT}, MappingStatus.IN_REVIEW, "submitted for review"),
    "approve": ({MappingStatus.IN_REVIEW}, MappingStatus.APPROVED, "approved"),
    "return": ({MappingStatus.IN_REVIEW}, MappingStatus.DRAFT, "returned to draft"),
    "reopen": ({MappingStatus.APPROVED}, MappingStatus.IN_REVIEW, "new review started"),
}
TRANSITIONS = tuple(_TRANSITIONS)


@transaction.atomic
def transition_mapping(
    *, mapping: ElementMapping | DescriptorMapping, transition: str, user
) -> ElementMapping | DescriptorMapping:
    """Move an element or descriptor mapping along draft → in review → approved (or back, or
    into a new review). An element mapping is approved only with a kind and valid targets."""
    try:
        sources, target, reason = _TRANSITIONS[transition]
    except KeyError:
        raise ValidationError(f"Unknown transition {transition!r}.") from None
    mapping = type(mapping).objects.select_for_update().get(pk=mapping.pk)
    if mapping.status not in sources:
        raise ValidationError(
            f"A mapping that is {mapping.get_status_display().lower()} cannot be {reason}."
        )
    if target == MappingStatus.APPROVED:
        check_approver(user=user, author_id=mapping.submitted_by_id, what=f"the mapping {mapping}")
        if isinstance(mapping, ElementMapping):
            _check_approvable(mapping)
        mapping.approved_by, mapping.approved_at = user, timezone.now()
    elif target == MappingStatus.IN_REVIEW:
        mapping.submitted_by = user
    mapping.status = target
    mapping.save()
    update_change_reason(mapping, reason)
    return mapping


def _check_approvable(mapping: ElementMapping) -> None:
    if mapping.kind == MappingKind.NOT_MAPPED:
        raise ValidationError(
            f"{mapping}: choose a mapping kind before approving (it is not mapped yet)."
        )
    problems = target_problems(
        mapping_kind=mapping.kind,
        targets=mapping.targets.select_related("resource", "descriptor"),
        version=plan_version(mapping),
        **target_reading(mapping),
    )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def bulk_update_mappings(
    *, mappings: Iterable[ElementMapping], user, status: str = "", owner=None
) -> int:
    """Set the status (through the review rules) and/or owner of many rows; all or nothing.

    A bulk approval takes only rows in review that someone else submitted; otherwise it is
    refused as a whole, naming every row that stands in the way.
    """
    # The review state as it is now, whatever the caller read earlier.
    mappings = list(
        ElementMapping.objects.select_for_update(of=("self",))
        .filter(pk__in=[m.pk for m in mappings])
        .order_by("element__collection__name", "element__name")
    )
    if status == MappingStatus.APPROVED:
        _check_bulk_approval(mappings, user)
    count = 0
    for mapping in mappings:
        if owner is not None:
            update_mapping(mapping=mapping, user=user, owner=owner)
        if status and status != mapping.status:
            transition_mapping(
                mapping=mapping, transition=transition_to(mapping, status), user=user
            )
        count += 1
    return count


def _check_bulk_approval(mappings: list[ElementMapping], user) -> None:
    not_in_review = [m for m in mappings if m.status == MappingStatus.DRAFT]
    if not_in_review:
        raise ValidationError(
            "Only mappings in review can be approved; submit these for review first: "
            + _names(not_in_review)
            + "."
        )
    own = [
        m
        for m in mappings
        if m.status == MappingStatus.IN_REVIEW
        and is_own_change(user=user, author_id=m.submitted_by_id)
    ]
    if own:
        raise SelfApprovalRefused(
            "You submitted these mappings for review, so someone else must approve them: "
            + _names(own)
            + "."
        )


def _names(mappings: list[ElementMapping]) -> str:
    return "; ".join(str(m) for m in mappings)


def transition_to(mapping: ElementMapping, status: str) -> str:
    """The review step that takes ``mapping`` from its status to ``status``."""
    for name, (sources, target, _) in _TRANSITIONS.items():
        if target == status and mapping.status in sources:
            return name
    raise ValidationError(
        f"{mapping}: cannot go from {mapping.get_status_display().lower()} to {status}."
    )


@transaction.atomic
def accept_suggestion(*, mapping: ElementMapping, target: EdFiProperty, user) -> ElementMapping:
    """One-click accept: the suggested property becomes a target of a 1:1 mapping."""
    kind = mapping.kind if mapping.kind in KINDS_WITH_TARGETS else MappingKind.ONE_TO_ONE
    targets = [*mapping.targets.select_related("resource"), target]
    return update_mapping(mapping=mapping, user=user, kind=kind, targets=targets)


@dataclass(frozen=True)
class IdentityGap:
    resource: str
    property_path: str


def identity_gaps(*, plan) -> list[IdentityGap]:
    """Identity properties of resources the plan uses that no mapping feeds.

    A reference in an identity (StudentReference of StudentSchoolAssociation) is fed when the
    plan maps the referenced resource's own identity: a mapped student identifier feeds every
    StudentReference.
    """
    used = (
        EdFiProperty.objects.filter(mappings__element__collection__plan=plan)
        .values_list("resource_id", "resource__name", "path", "is_identity")
        .distinct()
    )
    fed: dict[int, set[str]] = {}
    identified: set[str] = set()  # resources whose own identity the plan maps
    for resource_id, resource_name, path, is_identity in used:
        fed.setdefault(resource_id, set()).add(path)
        if is_identity:
            identified.add(resource_name)
    identity = EdFiProperty.objects.filter(resource_id__in=fed, is_identity=True).select_related(
        "resource"
    )
    gaps = []
    for prop in identity.order_by("resource__name", "path"):
        paths = fed[prop.resource_id]
        if any(p == prop.path or p.startswith(prop.path + ".") for p in paths):
            continue
        if prop.data_type == "reference" and prop.references in identified:
            continue
        gaps.append(IdentityGap(prop.resource.name, prop.path))
    return gaps


def available_transitions(
    mapping: ElementMapping | DescriptorMapping, user=None
) -> list[tuple[str, str]]:
    """(transition, label) pairs the mapping's status allows ``user``; no Approve for its author."""
    labels = {
        "submit": "Submit for review",
        "approve": "Approve",
        "return": "Return to draft",
        "reopen": "Start a new review",
    }
    own = user is not None and is_own_change(user=user, author_id=mapping.submitted_by_id)
    return [
        (name, labels[name])
        for name, (sources, _, _) in _TRANSITIONS.items()
        if mapping.status in sources and not (name == "approve" and own)
    ]


def review_context(*, mapping: ElementMapping | DescriptorMapping, user) -> dict:
    """What a mapping's page shows of its review: the steps ``user`` may take, and why not."""
    own = mapping.status == MappingStatus.IN_REVIEW and is_own_change(
        user=user, author_id=mapping.submitted_by_id
    )
    return {
        "transitions": available_transitions(mapping, user),
        "approval_refused": SELF_APPROVAL_EXPLANATION if own else "",
    }


# Trailing words that say how a column writes one thing: ETHNIC_CODE and ETHNIC_DESC are siblings.
SIBLING_SUFFIXES = frozenset({"code", "cd", "desc", "descr", "description", "text", "txt"})


def _sibling_key(name: str) -> tuple[tuple[str, ...], str] | None:
    """(the words naming the thing, the suffix saying how it is written), or None."""
    words = split_name(name)
    if len(words) < 2 or words[-1] not in SIBLING_SUFFIXES:
        return None
    return tuple(words[:-1]), words[-1]


def sibling_elements(element) -> list:
    """The columns of ``element``'s collection that write the same thing another way
    (``ETHNIC_CODE`` → ``ETHNIC_DESC``), in name order."""
    key = _sibling_key(element.name)
    if key is None:
        return []
    others = element.collection.elements.exclude(pk=element.pk).order_by("name")
    return [
        other
        for other in others
        if (found := _sibling_key(other.name)) is not None
        and found[0] == key[0]
        and found[1] != key[1]
    ]


# A copy to a sibling column takes every editable field but the comments on the original.
COPIED_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "comments")


@transaction.atomic
def copy_mapping_to_sibling(*, mapping: ElementMapping, sibling, user) -> ElementMapping:
    """Give ``sibling`` (a sibling column of the mapping's element) the same kind, targets,
    logical map, rule and owner, through the usual edit rules: an approved sibling mapping is
    refused, and so are targets outside the plan's Data Standard."""
    if sibling.pk not in {e.pk for e in sibling_elements(mapping.element)}:
        raise ValidationError(
            f"{sibling.name} is not a sibling column of {mapping.element.name} (same name, "
            "another CODE/DESC ending, same collection)."
        )
    if mapping.kind == MappingKind.NOT_MAPPED:
        raise ValidationError(f"{mapping.element.name} is not mapped yet: nothing to copy.")
    target = ElementMapping.objects.filter(element=sibling).first()
    if target is None:
        target = ElementMapping.objects.create(element=sibling)
    copied = update_mapping(
        mapping=target,
        user=user,
        targets=list(mapping.targets.select_related("resource")),
        **{name: getattr(mapping, name) for name in COPIED_FIELDS},
    )
    update_change_reason(copied, f"copied from {mapping.element.name}")
    return copied
