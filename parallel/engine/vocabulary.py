"""What a report definition may say about its Ed-Fi side, and the SQL each word compiles to.

A definition's ``edfi_source`` (data, see ``parallel/data/definitions.json``) names:

- ``record``: the resource whose rows are the records (``resource``), the member path of the
  student (``student``) and the aliased path of the LEA (``lea``: ``record.…``, or the alias of a
  resource joined by ``through``, whose ``on`` maps record paths to its paths), the dates
  between which a row is active (``active``: ``begin``, ``end``) and which row wins when a
  student has several in one LEA (``prefer``: paths, ``descending``);
- ``joins``: other resources joined by student and/or LEA (``on``: ``student``/``lea`` → their
  path), each under an alias (``as``);
- ``population``: rules a record must meet (``age_range`` on a birth date: the definition's
  ``population.min_age``/``max_age``); a record failing one is kept as *excluded*, with why;
- ``fields``: for each compared field its source, one of :data:`SOURCES`.

Paths are Ed-Fi API member paths (``studentReference.studentUniqueId``,
``disabilities[].disabilityDescriptor``), prefixed by the alias they are read from
(``record.``, or a join's alias). A descriptor is read as its code value (after ``#``) and turned
into the state's code through the crosswalk, overridden by the cycle's approved mappings; a
descriptor field needs one or the other (:func:`uncoded_fields`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parallel.engine.sql import Params, constant, quote

# What a compared field's Ed-Fi value may be.
SOURCES = {
    "member": "a member or reference path, as text",
    "descriptor": "a descriptor through the crosswalk or the approved descriptor mappings "
    "(``first_by``: of a list, the element first by that member)",
    "date": "a date, compared as a date (``tolerance_days``)",
    "age_on": "age in whole years on the snapshot date, from a birth date path",
    "boolean_code": "a boolean member as a code (``true``, ``false``)",
    "has_program": "whether the student has an association (``resource``) with a program whose "
    "``program_path`` is ``program``, active on the snapshot date (``begin``, ``end``), at the "
    "record's LEA or one of its schools (``at``: ``lea``, the default, or ``any`` education "
    "organization), as ``yes`` or ``no``",
    "federal_race": "the federal race/ethnicity rule over a student–education organization "
    "association (``of``: its alias)",
}
RULES = {"age_range": "age on the snapshot date between population.min_age and max_age"}


@dataclass(frozen=True)
class Resource:
    key: tuple[str, ...]
    # member path → (parent resource, parent member path, what the reference is called)
    references: dict[str, tuple[str, str, str]] = field(default_factory=dict)


STUDENT = "studentReference.studentUniqueId"
EDORG = "educationOrganizationReference.educationOrganizationId"
SCHOOL_LEA = "localEducationAgencyReference.localEducationAgencyId"
# Where a has_program association may be recorded (``at``).
PROGRAM_PLACES = {"lea": "the record's LEA or one of its schools", "any": "any"}
RESOURCES = {
    "students": Resource(key=("studentUniqueId",)),
    "studentEducationOrganizationAssociations": Resource(
        key=(STUDENT, EDORG),
        references={STUDENT: ("students", "studentUniqueId", "studentReference")},
    ),
    "studentSpecialEducationProgramAssociations": Resource(
        key=(STUDENT, EDORG, "programReference.programName", "beginDate"),
        references={STUDENT: ("students", "studentUniqueId", "studentReference")},
    ),
    "studentSchoolAssociations": Resource(
        key=(STUDENT, "schoolReference.schoolId", "entryDate"),
        references={"schoolReference.schoolId": ("schools", "schoolId", "schoolReference")},
    ),
    "schools": Resource(key=("schoolId",)),
}
# Resources whose rows are a student's associations with a program (has_program reads them).
PROGRAM_ASSOCIATIONS = {
    name for name, r in RESOURCES.items() if any(k.startswith("programReference.") for k in r.key)
}
# Descriptor members whose descriptor is not their own name capitalised.
DESCRIPTOR_NAMES = {"entryGradeLevelDescriptor": "GradeLevelDescriptor"}


def segments(path: str) -> list[str]:
    return path.replace("[]", ".[]").split(".")


def is_descriptor(path: str) -> bool:
    return segments(path)[-1].endswith("Descriptor")


def descriptor_of(path: str) -> str | None:
    last = segments(path)[-1]
    if not last.endswith("Descriptor"):
        return None
    return DESCRIPTOR_NAMES.get(last, last[:1].upper() + last[1:])


def _json_path(members: list[str]) -> str:
    return constant("$" + "".join(f'."{m}"' for m in members))


def path_sql(record: str, path: str, params: Params, *, raw: bool = False) -> str:
    """SQL reading ``path`` from a record parsed into raw JSON members (``record``).

    Scalars come as text (numbers and booleans as their JSON text), a list path (``a[].b``)
    as a list of text; descriptors as their code value unless ``raw``.
    """
    parts = segments(path)
    if "[]" in parts:
        at = parts.index("[]")
        head, tail = parts[:at], parts[at + 1 :]
        array = f"{record}.{quote(head[0])}"
        if len(head) > 1:
            array = f"json_extract({array}, {_json_path(head[1:])})"
        item = f"json_extract_string(x, {_json_path(tail)})"
        if is_descriptor(path) and not raw:
            item = f"split_part({item}, '#', 2)"
        return f"list_transform(from_json({array}, '[\"JSON\"]'), lambda x: {item})"
    value = f"json_extract_string({record}.{quote(parts[0])}, {_json_path(parts[1:])})"
    if is_descriptor(path) and not raw:
        return f"split_part({value}, '#', 2)"
    return value


def resource_paths(source: dict) -> dict[str, set[str]]:
    """Per resource, the member paths a definition's ``edfi_source`` reads."""
    aliases = aliases_of(source)
    needed: dict[str, set[str]] = {r: set() for r in aliases.values()}

    def read(qualified_path: str) -> None:
        alias, _, path = qualified_path.partition(".")
        needed[aliases[alias]].add(path)

    record = source["record"]
    needed[record["resource"]] |= {record["student"]}
    read(record["lea"])
    for through in record.get("through", []):
        needed[record["resource"]] |= set(through["on"])
        needed[through["resource"]] |= set(through["on"].values())
    for name in ("begin", "end"):
        if record.get("active", {}).get(name):
            needed[record["resource"]].add(record["active"][name])
    for item in record.get("prefer", []):
        needed[record["resource"]].add(item["path"])
    for join in source.get("joins", []):
        needed[join["resource"]] |= set(join["on"].values())
    for rule in source.get("population", []):
        read(rule["birth"])
    for spec in source["fields"].values():
        kind = spec["source"]
        if kind in ("member", "descriptor", "date", "boolean_code"):
            read(spec["path"])
            if spec.get("first_by"):
                alias, _, path = spec["path"].partition(".")
                read(f"{alias}.{path.split('[]')[0]}[].{spec['first_by']}")
        elif kind == "age_on":
            read(spec["birth"])
        elif kind == "federal_race":
            needed[aliases[spec["of"]]] |= {
                "hispanicLatinoEthnicity",
                "races[].raceDescriptor",
            }
        elif kind == "has_program":
            resource = spec["resource"]
            needed.setdefault(resource, set()).update(
                {STUDENT, EDORG, spec["program_path"], spec["begin"], spec.get("end", "")} - {""}
            )
            if spec.get("at", "lea") == "lea":
                # An association recorded at a school belongs to the school's LEA.
                needed.setdefault("schools", set()).update({"schoolId", SCHOOL_LEA})
    return needed


def aliases_of(source: dict) -> dict[str, str]:
    aliases = {"record": source["record"]["resource"]}
    for through in source["record"].get("through", []):
        aliases[through["as"]] = through["resource"]
    for join in source.get("joins", []):
        aliases[join["as"]] = join["resource"]
    return aliases


def validate(source: dict, compared_fields: list[str]) -> list[str]:
    """Why a definition's Ed-Fi source cannot be compiled (unknown resource, path or source
    kind, a has_program source missing a part), in words; empty when it can. Whether every
    descriptor has codes depends on the cycle too: :func:`uncoded_fields`."""
    from parallel import contract

    if not isinstance(source, dict) or "record" not in source or "fields" not in source:
        return ['The Ed-Fi source needs a "record" and "fields".']
    problems = []
    try:
        needed = resource_paths(source)
    except (KeyError, TypeError, AttributeError) as exc:
        return [f"The Ed-Fi source is incomplete: {exc} is missing or unknown."]
    for resource, paths in needed.items():
        spec = contract.spec_of(resource)
        if spec is None or resource not in RESOURCES:
            problems.append(f"Unknown Ed-Fi resource {resource!r}.")
            continue
        for path in sorted(paths):
            if not _path_exists(spec, segments(path)):
                problems.append(f"{resource} has no member {path!r}.")
    for name in compared_fields:
        spec = source["fields"].get(name)
        if spec is None:
            problems.append(f"Compared field {name!r} has no Ed-Fi source.")
        elif spec.get("source") not in SOURCES:
            problems.append(f"{name}: unknown source {spec.get('source')!r}.")
        elif spec["source"] == "has_program":
            problems += _program_problems(name, spec)
    return problems


def field_descriptors(source: dict) -> dict[str, str]:
    """``{field: descriptor}``: the descriptor whose code values each field turns into codes
    (``descriptor`` sources; ``federal_race``, whose single race is coded)."""
    found = {}
    for name, spec in (source.get("fields") or {}).items():
        if not isinstance(spec, dict):
            continue
        if spec.get("source") == "descriptor" and isinstance(spec.get("path"), str):
            if descriptor := descriptor_of(spec["path"]):
                found[name] = descriptor
        elif spec.get("source") == "federal_race":
            found[name] = "RaceDescriptor"
    return found


def uncoded_fields(source: dict, compared_fields: list[str], coded: set[str]) -> dict[str, str]:
    """``{field: descriptor}`` of the compared descriptor fields no code comes from: not in
    ``coded`` (the fields a crosswalk row or an approved descriptor mapping gives codes)."""
    fields = source.get("fields") or {}
    descriptors = field_descriptors(source)
    return {
        name: descriptors.get(name, "its descriptor")
        for name in compared_fields
        if isinstance(fields.get(name), dict)
        and fields[name].get("source") == "descriptor"
        and name not in coded
    }


def _program_problems(name: str, spec: dict) -> list[str]:
    """What a ``has_program`` source lacks that its paths do not show."""
    problems = []
    if spec.get("resource") not in PROGRAM_ASSOCIATIONS:
        problems.append(
            f"{name}: has_program reads a program association resource, not "
            f"{spec.get('resource')!r}."
        )
    if not isinstance(spec.get("program"), str) or not spec["program"]:
        problems.append(
            f'{name}: has_program needs "program" (the program type or name its associations '
            "must have)."
        )
    if spec.get("at", "lea") not in PROGRAM_PLACES:
        problems.append(
            f'{name}: has_program "at" is "lea" (the record\'s LEA or one of its schools) or '
            f'"any", not {spec["at"]!r}.'
        )
    if spec.get("yes", "Y") == spec.get("no", "N"):
        problems.append(f'{name}: has_program needs different "yes" and "no" codes.')
    return problems


def required_resources(source: dict) -> list[str]:
    """The Ed-Fi resources a definition's source reads, in the order they are pulled."""
    needed = resource_paths(source)
    return [r for r in RESOURCES if r in needed] + sorted(set(needed) - set(RESOURCES))


def _path_exists(spec: dict, parts: list[str]) -> bool:
    for part in parts:
        if part == "[]":
            if spec.get("type") != "array":
                return False
            spec = spec.get("items", {})
            continue
        spec = spec.get("properties", {}).get(part)
        if spec is None:
            return False
    return True
