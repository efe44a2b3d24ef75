"""Loading an Ed-Fi Data Standard catalog folder into the database."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mapping.models import (
    DataStandardVersion,
    Descriptor,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
)

REQUIRED_FILES = ("resources.json", "elements.csv", "descriptors.json")


@dataclass(frozen=True)
class CatalogImportResult:
    version: DataStandardVersion
    resources: int
    properties: int
    descriptors: int
    values: int


def _truthy(value: str) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes"}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{path.name}: cannot be read as JSON ({exc}).") from exc


def _upsert(model, rows: list, unique_fields: list[str]) -> list:
    """Insert or update rows on their natural key; returns the saved objects with primary keys."""
    if not rows:
        return []
    concrete = [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in unique_fields
    ]
    return model.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=concrete,
    )


def import_edfi_model(*, directory: Path) -> CatalogImportResult:
    """Load (or refresh) one Data Standard version from a catalog folder, all or nothing.

    Re-running with the same folder updates rows in place on their natural keys (version +
    name, resource + path, descriptor + code value): mappings that point at them survive.
    """
    directory = Path(directory)
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    if missing:
        raise ValidationError(f"{directory}: missing {', '.join(missing)}.")
    resources_doc = _read_json(directory / "resources.json")
    descriptors_doc = _read_json(directory / "descriptors.json")
    source = resources_doc.get("source", {})
    version_label = source.get("data_standard_version")
    if not version_label:
        raise ValidationError("resources.json: source.data_standard_version is missing.")
    with transaction.atomic():
        version, _ = DataStandardVersion.objects.update_or_create(
            version=version_label,
            defaults={
                "source": json.dumps(source, indent=1),
                "licence": source.get("data_standard", {}).get("license", ""),
                "imported_at": timezone.now(),
            },
        )
        descriptors = _import_descriptors(version, descriptors_doc)
        values = _import_descriptor_values(descriptors, descriptors_doc)
        resources = _import_resources(version, resources_doc)
        properties = _import_properties(directory / "elements.csv", resources, descriptors)
    return CatalogImportResult(version, len(resources), properties, len(descriptors), values)


def _import_descriptors(version, doc: dict) -> dict[str, Descriptor]:
    rows = [
        Descriptor(
            version=version,
            name=item["name"],
            namespace=item.get("namespace") or "",
            definition=item.get("definition") or "",
            api_endpoint=item.get("api_endpoint") or "",
            values_source=item.get("values_source") or "",
        )
        for item in doc.get("descriptors", [])
    ]
    _upsert(Descriptor, rows, ["version", "name"])
    return {d.name: d for d in Descriptor.objects.filter(version=version)}


def _import_descriptor_values(descriptors: dict[str, Descriptor], doc: dict) -> int:
    rows = [
        DescriptorValue(
            descriptor=descriptors[item["name"]],
            code_value=value["code_value"],
            short_description=(value.get("short_description") or "")[:255],
            description=value.get("description") or "",
        )
        for item in doc.get("descriptors", [])
        for value in item.get("values", [])
    ]
    _upsert(DescriptorValue, rows, ["descriptor", "code_value"])
    return len(rows)


def _import_resources(version, doc: dict) -> dict[str, EdFiResource]:
    rows = [
        EdFiResource(
            version=version,
            name=item["name"],
            kind=item.get("kind") or "",
            is_abstract=bool(item.get("is_abstract")),
            base=item.get("base") or "",
            definition=item.get("definition") or "",
            api_endpoint=item.get("api_endpoint") or "",
            primary_domain=item.get("primary_domain_label") or "",
            domains=item.get("domain_labels") or [],
            identity=item.get("identity") or [],
        )
        for item in doc.get("resources", [])
    ]
    _upsert(EdFiResource, rows, ["version", "name"])
    return {r.name: r for r in EdFiResource.objects.filter(version=version)}


def _import_properties(path: Path, resources: dict, descriptors: dict) -> int:
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            resource = resources.get(record["resource"])
            if resource is None:
                raise ValidationError(
                    f"{path.name}, row {line}, column resource: unknown resource "
                    f"{record['resource']!r}."
                )
            element_path = record["element_path"]
            max_length = record.get("max_length") or ""
            rows.append(
                EdFiProperty(
                    resource=resource,
                    path=element_path,
                    name=element_path.rsplit(".", 1)[-1],
                    data_type=record.get("data_type") or "",
                    descriptor=descriptors.get(record.get("descriptor") or ""),
                    references=record.get("references") or "",
                    common_type=record.get("common_type") or "",
                    required=_truthy(record.get("required", "")),
                    is_identity=_truthy(record.get("is_identity", "")),
                    is_collection=_truthy(record.get("is_collection", "")),
                    max_length=int(max_length) if max_length.isdigit() else None,
                    inherited_from=record.get("inherited_from") or "",
                    definition=record.get("definition") or "",
                    api_path=record.get("api_path") or "",
                )
            )
    _upsert(EdFiProperty, rows, ["resource", "path"])
    return len(rows)
