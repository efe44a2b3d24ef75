"""Richer mapping targets: a state element that is a condition on Ed-Fi data, not a value.

A yes/no column often means "the student has a special-education program association active on
the count date", "the student characteristic Immigrant is present" or "the identification code
whose system is District". These rules say what each target kind needs, resolve the descriptor
value it names, and describe it in words; the mapping service applies them to every write.
"""

from __future__ import annotations

from collections.abc import Iterable

from mapping.models import DescriptorValue, EdFiProperty, TargetKind

PROGRAM_TYPE_DESCRIPTOR = "ProgramTypeDescriptor"
IDENTIFICATION_SYSTEM_SUFFIX = "IdentificationSystemDescriptor"
PROGRAM_ASSOCIATION_SUFFIX = "ProgramAssociation"

# The kinds that name a descriptor value (the characteristic, program type or system).
KINDS_WITH_VALUE = frozenset(
    {
        TargetKind.DESCRIPTOR_IN_COLLECTION,
        TargetKind.PROGRAM_ASSOCIATION,
        TargetKind.IDENTIFICATION_CODE,
    }
)


def target_kind_problems(
    *,
    target_kind: str,
    targets: Iterable[EdFiProperty],
    target_value: DescriptorValue | None,
    rule: str = "",
) -> list[str]:
    """What is wrong with ``targets`` and ``target_value`` for ``target_kind`` (empty: fine).

    Only called for mapping kinds that have targets; version checks are made by the caller.
    """
    targets = list(targets)
    if target_kind not in KINDS_WITH_VALUE and target_value is not None:
        return [f"A target of kind “{TargetKind(target_kind).label}” names no descriptor value."]
    check = _CHECKS.get(target_kind)
    return check(targets, target_value, rule) if check else []


def expected_descriptor(
    *, target_kind: str, targets: Iterable[EdFiProperty]
) -> tuple[str, str] | None:
    """(descriptor name, why) the target value must belong to, or None when unknown yet."""
    targets = list(targets)
    if target_kind == TargetKind.PROGRAM_ASSOCIATION:
        return PROGRAM_TYPE_DESCRIPTOR, "a program association names a program type"
    if len(targets) != 1:
        return None
    target = targets[0]
    if target_kind == TargetKind.DESCRIPTOR_IN_COLLECTION and target.descriptor_id:
        return target.descriptor.name, f"{_name(target)} holds {target.descriptor.name} values"
    if target_kind == TargetKind.IDENTIFICATION_CODE:
        system = identification_system_of(target)
        if system is not None:
            return system.descriptor.name, f"{_name(system)} names the identification system"
    return None


def resolve_target_value(
    *, target_kind: str, targets: Iterable[EdFiProperty], code: str, version
) -> DescriptorValue:
    """The descriptor value ``code`` names for this target kind, in ``version``.

    ``code`` is a code value ("Immigrant") or a full ``Descriptor#CodeValue``. Raises
    ``LookupError`` with the reason when it cannot be found.
    """
    code = code.strip()
    descriptor_name, _, code_value = code.rpartition("#")
    if not descriptor_name:
        expected = expected_descriptor(target_kind=target_kind, targets=targets)
        if expected is None:
            raise LookupError(
                f"Write the value as Descriptor#CodeValue: the targets do not say which "
                f"descriptor “{code}” belongs to."
            )
        descriptor_name = expected[0]
    descriptor_name = descriptor_name.rsplit("/", 1)[-1]
    value = (
        DescriptorValue.objects.filter(
            descriptor__version=version,
            descriptor__name__iexact=descriptor_name,
            code_value__iexact=code_value,
        )
        .select_related("descriptor")
        .first()
    )
    if value is None:
        raise LookupError(
            f"{descriptor_name} has no value “{code_value}” in Ed-Fi Data Standard "
            f"{version.version}."
        )
    return value


def identification_system_of(target: EdFiProperty) -> EdFiProperty | None:
    """The descriptor property that names the system of an identification-code property."""
    parent, _, leaf = target.path.rpartition(".")
    if not parent or not leaf.endswith("IdentificationCode"):
        return None
    return (
        EdFiProperty.objects.filter(
            resource_id=target.resource_id,
            path__startswith=parent + ".",
            descriptor__name__endswith=IDENTIFICATION_SYSTEM_SUFFIX,
        )
        .select_related("descriptor", "resource")
        .first()
    )


def describe_target(mapping) -> str:
    """The mapping's target in words, as the detail page, API and workbook show it."""
    targets = sorted(_name(t) for t in mapping.targets.all())
    value = mapping.target_value
    kind = mapping.target_kind
    if kind == TargetKind.DESCRIPTOR_IN_COLLECTION and value is not None:
        return f"{value.code_value} is present in {', '.join(targets)}"
    if kind == TargetKind.PROGRAM_ASSOCIATION and value is not None:
        when = mapping.active_on.isoformat() if mapping.active_on else "the count date"
        resources = sorted({t.split(".", 1)[0] for t in targets})
        return (
            f"Has a {' or '.join(resources)} for a program of type {value.code_value} "
            f"active on {when} (reads {', '.join(targets)})"
        )
    if kind == TargetKind.IDENTIFICATION_CODE and value is not None:
        return f"{', '.join(targets)} where the system is {value.code_value}"
    if kind == TargetKind.COMPUTED:
        return f"Computed from {', '.join(targets)}: {mapping.transformation_rule}"
    return ", ".join(targets)


def _name(prop: EdFiProperty) -> str:
    return f"{prop.resource.name}.{prop.path}"


def _value_problems(targets, value, descriptor_needed) -> list[str]:
    if value is None:
        return ["Name the descriptor value this target kind stands for."]
    expected = descriptor_needed(targets)
    if expected is not None and value.descriptor.name != expected[0]:
        return [f"{value} is not a {expected[0]} value ({expected[1]})."]
    return []


def _check_descriptor_in_collection(targets, value, rule) -> list[str]:
    if len(targets) != 1:
        return ["A descriptor value within a collection names exactly one descriptor property."]
    target = targets[0]
    if target.descriptor_id is None or "." not in target.path:
        return [f"{_name(target)} is not a descriptor property within a collection."]
    return _value_problems(
        targets,
        value,
        lambda t: expected_descriptor(target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION, targets=t),
    )


def _check_program_association(targets, value, rule) -> list[str]:
    outside = [t for t in targets if not t.resource.name.endswith(PROGRAM_ASSOCIATION_SUFFIX)]
    if not targets or outside:
        names = ", ".join(_name(t) for t in outside) or "no property"
        return [f"A program association target reads properties of a program association: {names}."]
    if len({t.resource_id for t in targets}) > 1:
        return ["A program association target reads one association resource."]
    return _value_problems(
        targets,
        value,
        lambda t: expected_descriptor(target_kind=TargetKind.PROGRAM_ASSOCIATION, targets=t),
    )


def _check_identification_code(targets, value, rule) -> list[str]:
    if len(targets) != 1 or identification_system_of(targets[0]) is None:
        return [
            "An identification code target names one IdentificationCode property of a "
            "collection that has an identification system."
        ]
    return _value_problems(
        targets,
        value,
        lambda t: expected_descriptor(target_kind=TargetKind.IDENTIFICATION_CODE, targets=t),
    )


def _check_computed(targets, value, rule) -> list[str]:
    problems = []
    if not targets:
        problems.append("A computed rule names the Ed-Fi properties it reads.")
    if not rule.strip():
        problems.append("A computed rule is written in the transformation rule.")
    return problems


_CHECKS = {
    TargetKind.DESCRIPTOR_IN_COLLECTION: _check_descriptor_in_collection,
    TargetKind.PROGRAM_ASSOCIATION: _check_program_association,
    TargetKind.IDENTIFICATION_CODE: _check_identification_code,
    TargetKind.COMPUTED: _check_computed,
}
