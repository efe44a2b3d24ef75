"""Offline lexical suggestions: likely Ed-Fi properties for a state element, descriptor values
for a state code. Each suggestion carries the reasons it was ranked where it is."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mapping.models import DataType, DescriptorValue, EdFiProperty

_STOP_WORDS = """a an and are as at be by for from has in is it its of on or that the this to
was which with who whom whose will"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# State vocabulary that Ed-Fi spells differently.
SYNONYMS = {
    "dob": ["birth", "date"],
    "sex": ["sex", "gender"],
    "gender": ["sex"],
    "ssn": ["identification", "code"],
    "id": ["identifier", "identification", "code"],
    "identifier": ["id", "identification"],
    "lea": ["local", "education", "agency"],
    "district": ["local", "education", "agency"],
    "grade": ["grade", "level"],
    "disability": ["disability"],
    "ell": ["english", "language", "learner"],
    "el": ["english", "learner"],
    "lep": ["limited", "english", "proficiency"],
    "sped": ["special", "education"],
    "iep": ["individualized", "program", "special", "education"],
    "fname": ["first", "name"],
    "lname": ["last", "surname"],
    "last": ["surname", "last"],
    "surname": ["last"],
    "first": ["first", "given"],
    "entry": ["entry", "enrollment"],
    "exit": ["exit", "withdraw"],
    "withdrawal": ["exit", "withdraw"],
    "ethnicity": ["hispanic", "latino", "ethnicity"],
    "race": ["race"],
    "attendance": ["attendance", "absence"],
    "school": ["school"],
}
# Which Ed-Fi data types a state data type can land in.
COMPATIBLE_TYPES = {
    DataType.STRING: {"string", "descriptor", "reference"},
    DataType.INTEGER: {"integer", "long", "decimal", "school_year", "year"},
    DataType.DECIMAL: {"decimal", "integer"},
    DataType.BOOLEAN: {"boolean"},
    DataType.DATE: {"date", "datetime"},
    DataType.DATETIME: {"datetime", "date", "time"},
    DataType.CODE: {"descriptor", "string", "boolean"},
}


def tokens(text: str) -> list[str]:
    """Lower-case words of a name or sentence; camelCase and dotted paths are split."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text or "")
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [_stem(w) for w in words if w not in STOP_WORDS]


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _expanded(words: list[str]) -> set[str]:
    out = set(words)
    for word in words:
        out.update(_stem(s) for s in SYNONYMS.get(word, ()))
    return out


@dataclass
class Suggestion:
    target: object
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    prop: EdFiProperty
    name_words: frozenset
    context_words: frozenset
    definition_words: tuple


@dataclass
class _Index:
    candidates: list[_Candidate]
    idf: dict[str, float]


@lru_cache(maxsize=4)
def _index(version_id: int, stamp) -> _Index:
    props = list(
        EdFiProperty.objects.filter(resource__version_id=version_id)
        .exclude(data_type="common")
        .select_related("resource", "descriptor")
    )
    candidates = []
    document_frequency: Counter = Counter()
    for prop in props:
        definition = tuple(tokens(prop.definition))
        name_words = frozenset(tokens(prop.path.replace(".", " ")))
        context = frozenset(tokens(prop.resource.name))
        candidates.append(_Candidate(prop, name_words, context, definition))
        document_frequency.update(set(definition) | name_words)
    total = max(len(props), 1)
    idf = {w: math.log(total / (1 + n)) + 1 for w, n in document_frequency.items()}
    return _Index(candidates, idf)


def _version_stamp(version) -> str:
    return f"{version.pk}:{version.imported_at}"


def suggest_properties(*, element, limit: int = 5) -> list[Suggestion]:
    """Ed-Fi properties of the plan's Data Standard most likely to hold ``element``, best first."""
    version = element.collection.plan.data_standard_version
    index = _index(version.pk, _version_stamp(version))
    name_words = _expanded(tokens(element.name))
    definition_words = set(tokens(element.definition))
    compatible = COMPATIBLE_TYPES.get(element.data_type, set())
    scored = []
    for candidate in index.candidates:
        suggestion = _score(candidate, name_words, definition_words, compatible, index.idf)
        if suggestion is not None:
            scored.append(suggestion)
    scored.sort(key=lambda s: (-s.score, str(s.target)))
    return scored[:limit]


def _score(candidate, name_words, definition_words, compatible, idf) -> Suggestion | None:
    prop = candidate.prop
    reasons = []
    name_hits = name_words & candidate.name_words
    score = 0.0
    if name_hits:
        weight = sum(idf.get(w, 1.0) for w in name_hits)
        coverage = len(name_hits) / max(len(candidate.name_words), 1)
        score += 3.0 * weight * (0.5 + coverage)
        reasons.append(f"name shares {', '.join(sorted(name_hits))}")
    context_hits = (name_words | definition_words) & candidate.context_words
    if context_hits:
        score += 1.0 * sum(idf.get(w, 1.0) for w in context_hits)
        reasons.append(f"resource {prop.resource.name} matches {', '.join(sorted(context_hits))}")
    described = (definition_words - name_words) & candidate.name_words
    if described:
        score += 1.0 * sum(idf.get(w, 1.0) for w in described)
        reasons.append(f"definition names {', '.join(sorted(described))}")
    definition_hits = (definition_words | name_words) & set(candidate.definition_words)
    if definition_hits:
        score += 0.6 * sum(idf.get(w, 1.0) for w in definition_hits)
        shown = ", ".join(sorted(definition_hits)[:6])
        reasons.append(f"definition shares {shown}")
    if not name_hits and not described:
        return None
    if prop.data_type in compatible:
        score *= 1.3
        reasons.append(f"data type {prop.data_type} fits")
    elif compatible:
        score *= 0.6
        reasons.append(f"data type {prop.data_type} differs")
    if prop.is_identity:
        score *= 1.05
    return Suggestion(prop, round(score, 2), reasons)


def candidate_values(*, code_set) -> list[DescriptorValue]:
    """The values a code set's codes may map to: its descriptor's, else the whole version's."""
    values = DescriptorValue.objects.select_related("descriptor")
    if code_set.descriptor_id:
        return list(values.filter(descriptor_id=code_set.descriptor_id))
    return list(values.filter(descriptor__version=code_set.plan.data_standard_version_id))


def suggest_descriptor_values(
    *, state_code, limit: int = 5, values: list[DescriptorValue] | None = None
) -> list[Suggestion]:
    """Descriptor values a state code most likely means, within the code set's descriptor.

    Pass ``values`` (from :func:`candidate_values`) when ranking many codes of one set.
    """
    if values is None:
        values = candidate_values(code_set=state_code.code_set)
    wanted = _expanded(tokens(f"{state_code.code} {state_code.description}"))
    scored = []
    for value in values:
        reasons = []
        score = 0.0
        if value.code_value.lower() in {state_code.code.lower(), state_code.description.lower()}:
            score += 10
            reasons.append("same code or description")
        hits = wanted & set(tokens(f"{value.code_value} {value.short_description}"))
        if hits:
            score += 2.0 * len(hits)
            reasons.append(f"shares {', '.join(sorted(hits))}")
        if score:
            scored.append(Suggestion(value, score, reasons))
    scored.sort(key=lambda s: (-s.score, str(s.target)))
    return scored[:limit]


LABELLED_SET = Path(__file__).resolve().parents[1] / "data" / "labelled_state_elements.csv"


@dataclass(frozen=True)
class HitRate:
    hits: int
    total: int
    misses: list[str]

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


def suggestion_hit_rate(*, version, path: Path = LABELLED_SET, k: int = 5) -> HitRate:
    """How often the expected Ed-Fi property is among the top ``k`` suggestions (read-only)."""
    from mapping.models import MappingPlan, StateCollection, StateElement

    plan = MappingPlan(name="evaluation", data_standard_version=version)
    collection = StateCollection(plan=plan, name="evaluation")
    hits, misses, total = 0, [], 0
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            total += 1
            element = StateElement(
                collection=collection,
                name=row["element"],
                definition=row["definition"],
                data_type=row["data_type"],
            )
            found = [str(s.target) for s in suggest_properties(element=element, limit=k)]
            if row["expected"] in found:
                hits += 1
            else:
                misses.append(f"{row['element']} (expected {row['expected']})")
    return HitRate(hits, total, misses)
