"""Offline suggestions: likely Ed-Fi properties for a state element, descriptor values for a
state code. Each suggestion carries the reasons it was ranked where it is.

Property ranking reads names the way states write them (``STUDENT_LAST_NM``, ``BIRTHDATE``,
``identity.birthcity``): names are split at case changes, punctuation and digits, run-together
words are segmented with a dictionary built from the Ed-Fi vocabulary, and abbreviations are
expanded from :data:`ABBREVIATIONS`. Words shared with a property's own name count most, words
shared with its resource or parent path less, and generic words (code, description, name) little.
Structural evidence then moves the ranking: the collection's subject (a student collection
prefers Student resources), a code column prefers descriptors, the codes a column allows match a
descriptor's values (``M``/``F`` points to Sex), the definition text, the data type, and the
plan's own accepted mappings, which are the strongest signal of all.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from mapping.models import DataType, DescriptorValue, EdFiProperty


def _words(text: str) -> frozenset:
    return frozenset(text.split())


_STOP_WORDS = """a an and are as at be by for from has in is it its of on or that the this to
was which with who whom whose will"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Abbreviations and words states use that Ed-Fi spells differently (a key maps to Ed-Fi words).
ABBREVIATIONS = {
    "dob": ["birth", "date"],
    "bdate": ["birth", "date"],
    "nm": ["name"],
    "nme": ["name"],
    "fname": ["first", "name"],
    "lname": ["last", "surname"],
    "mname": ["middle", "name"],
    "last": ["last", "surname"],
    "surname": ["last", "surname"],
    "sur": ["surname"],
    "mi": ["middle", "name"],
    "lvl": ["level"],
    "lev": ["level"],
    "gr": ["grade"],
    "gradelevel": ["grade", "level"],
    "cd": ["code"],
    "desc": ["description"],
    "descr": ["description"],
    "dt": ["date"],
    "dte": ["date"],
    "num": ["number"],
    "nbr": ["number"],
    "no": ["number"],
    "id": ["identifier", "identification", "code", "unique", "id"],
    "ident": ["identification", "identifier"],
    "identifier": ["identifier", "id", "identification", "code"],
    "uid": ["unique", "id"],
    "ssn": ["identification", "code"],
    "ssid": ["student", "unique", "id"],
    "lasid": ["student", "identification", "code"],
    "sasid": ["student", "unique", "id"],
    "edfiid": ["unique", "id"],
    "lep": ["limited", "english", "proficiency"],
    "ell": ["english", "learner", "limited", "proficiency"],
    "el": ["english", "learner", "limited", "proficiency"],
    "esl": ["english", "language", "instruction"],
    "sped": ["special", "education"],
    "ed": ["education"],
    "swd": ["disability"],
    "iep": ["iep", "special", "education"],
    "idea": ["idea", "special", "education"],
    "fte": ["full", "time", "equivalency"],
    "ethnic": ["ethnicity", "hispanic", "latino"],
    "ethnicity": ["ethnicity", "hispanic", "latino"],
    "hisp": ["hispanic", "latino", "ethnicity"],
    "race": ["race"],
    "sex": ["sex"],
    "gender": ["sex", "gender"],
    "gen": ["generation"],
    "addr": ["address"],
    "adr": ["address"],
    "phone": ["telephone", "number"],
    "tel": ["telephone"],
    "ph": ["telephone"],
    "email": ["electronic", "mail", "address"],
    "disab": ["disability"],
    "dis": ["disability"],
    "prim": ["primary"],
    "sec": ["secondary"],
    "sch": ["school"],
    "schl": ["school"],
    "dist": ["district", "local", "education", "agency"],
    "district": ["local", "education", "agency"],
    "lea": ["local", "education", "agency"],
    "sea": ["state", "education", "agency"],
    "yr": ["year"],
    "sy": ["school", "year"],
    "beg": ["begin"],
    "start": ["begin", "entry", "start"],
    "end": ["end", "exit"],
    "entry": ["entry", "begin"],
    "enroll": ["enrollment", "entry"],
    "enrollment": ["enrollment", "entry"],
    "exit": ["exit", "withdraw", "end"],
    "withdrawal": ["exit", "withdraw"],
    "wd": ["withdraw", "exit"],
    "stat": ["status"],
    "sts": ["status"],
    "flg": ["indicator"],
    "flag": ["indicator"],
    "yn": ["indicator"],
    "pct": ["percent"],
    "amt": ["amount"],
    "svc": ["service"],
    "svcs": ["service"],
    "prog": ["program"],
    "pgm": ["program"],
    "elig": ["eligibility"],
    "env": ["environment"],
    "frl": ["school", "food", "service", "eligibility"],
    "frpl": ["school", "food", "service", "eligibility"],
    "lunch": ["school", "food", "service", "eligibility"],
    "econ": ["economic", "disadvantaged"],
    "lang": ["language"],
    "ctry": ["country"],
    "cntry": ["country"],
    "immig": ["immigrant"],
    "ses": ["economic", "disadvantaged"],
    "tchr": ["teacher", "staff"],
    "teacher": ["teacher", "staff"],
    "emp": ["employment", "staff"],
    "cert": ["certification", "credential"],
    "crs": ["course"],
    "att": ["attendance"],
    "abs": ["absence", "attendance"],
    "test": ["assessment", "test"],
    "tst": ["assessment"],
    "exam": ["assessment"],
    "subj": ["subject"],
    "admin": ["administration"],
    "perf": ["performance"],
    "prof": ["proficiency", "performance", "level"],
    "ss": ["scale", "score"],
    "scaled": ["scale", "score"],
    "pl": ["performance", "level"],
    "pctl": ["percentile"],
    "ptile": ["percentile"],
    "accom": ["accommodation"],
    "accomm": ["accommodation"],
    "acc": ["accommodation"],
    "tested": ["tested", "administration", "assessment"],
    "finish": ["end"],
    "finished": ["end"],
    "completed": ["end"],
    "complete": ["end"],
    "taker": ["student"],
    "taken": ["taken", "administration"],
    "examinee": ["student"],
    "pupil": ["student"],
    "stu": ["student"],
    "std": ["student"],
    "stdnt": ["student"],
    "ach": ["achievement", "performance"],
    "achlev": ["performance", "level"],
    "perc": ["percent"],
    "corr": ["correct"],
    "homelessness": ["homeless"],
    "disadvantage": ["disadvantaged"],
    "grades": ["grade", "level"],
}
# Words that say little about which property is meant, only how the value is written.
GENERIC = _words(
    """code description name type value indicator status number identifier flag date"""
)
# Trailing words that mark a coded column: its codes become descriptor values.
CODE_SUFFIXES = frozenset({"code", "cd", "desc", "description", "descr", "type"})
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
# Words that reveal what a collection is about, from its name, description and element names.
SUBJECT_WORDS = {
    "student": _words(
        """student pupil child birth grade enrollment enroll membership disability iep
        sped lep ell race ethnicity ethnic hispanic sex gender homeless migrant
        immigrant attendance entry exit withdraw withdrawal first last surname middle
        dob special education"""
    ),
    "assessment": _words(
        """score scale test assessment percentile raw proficiency performance lexile
        quantile rit item subtest accommodation administration norm stanine benchmark
        composite tested result achievement"""
    ),
    "organization": _words(
        """school district lea agency institution organization nces principal charter
        operational directory website"""
    ),
    "staff": _words(
        """staff personnel teacher employee certification credential salary hire position
        assignment educator"""
    ),
}
STUDENT_CORE = frozenset(
    {
        "Student",
        "StudentSchoolAssociation",
        "StudentEducationOrganizationAssociation",
        "StudentSpecialEducationProgramAssociation",
        "StudentProgramAssociation",
    }
)
ORGANIZATIONS = frozenset(
    {"School", "LocalEducationAgency", "StateEducationAgency", "EducationServiceCenter"}
)
FINANCE_HINTS = ("Dimension", "Account", "Budget", "Actual", "Payroll", "Contract")


def _split(text: str) -> list[str]:
    """Lower-case words: camelCase, dotted paths, digits and punctuation are split."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text or "")
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"([A-Za-z])([0-9])|([0-9])([A-Za-z])", r"\1\3 \2\4", text)
    return re.findall(r"[a-z0-9]+", text.lower())


def split_name(text: str) -> list[str]:
    """The lower-case words of a name as a state writes it (``ETHNIC_CODE``, ``EthnicDesc``)."""
    return _split(text)


@lru_cache(maxsize=4096)
def _name_stems(name: str) -> frozenset:
    """Stemmed words of a resource name (cached: every candidate asks for its resource's)."""
    return frozenset(_stem(w) for w in _split(name))


def tokens(text: str) -> list[str]:
    """Stemmed words of a name or sentence, without stop words."""
    return [_stem(w) for w in _split(text) if w not in STOP_WORDS]


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def segment(word: str, vocabulary: frozenset) -> list[str]:
    """Split a run-together word (``birthdate``, ``lastnm``) into known words, fewest first.

    A piece is a vocabulary word of three letters or more, or a known abbreviation. A word that
    cannot be covered entirely by such pieces is returned whole.
    """
    if len(word) < 6 or word in vocabulary or word in ABBREVIATIONS:
        return [word]
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 24), end):
            head = best[start]
            piece = word[start:end]
            known = (len(piece) >= 3 and piece in vocabulary) or (
                len(piece) >= 2 and piece in ABBREVIATIONS
            )
            if head is None or not known:
                continue
            if best[end] is None or len(head) + 1 < len(best[end]):
                best[end] = [*head, piece]
    return best[-1] or [word]


@dataclass(frozen=True)
class Concept:
    """One word of a state element's name and the Ed-Fi words it may stand for."""

    written: str
    alternatives: frozenset
    generic: bool
    source: str = ""  # the run-together word it was segmented from, if any

    @property
    def weight(self) -> float:
        return 0.3 if self.generic else 1.0


def concepts(name: str, vocabulary: frozenset) -> list[Concept]:
    out = []
    for word in _split(name):
        if word in STOP_WORDS or word.isdigit():
            continue
        for piece in segment(word, vocabulary):
            alternatives = {_stem(piece)} | {_stem(w) for w in ABBREVIATIONS.get(piece, ())}
            generic = alternatives <= GENERIC or piece in CODE_SUFFIXES
            out.append(Concept(piece, frozenset(alternatives), generic, word))
    return out


@dataclass
class Suggestion:
    target: object
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    prop: EdFiProperty
    leaf: frozenset
    context: frozenset
    definition: frozenset
    in_collection: bool


@dataclass
class _Index:
    candidates: list[_Candidate]
    idf: dict[str, float]
    by_word: dict[str, list[int]]
    by_path: dict[str, int]
    vocabulary: frozenset
    values: dict[int, list[tuple[str, str]]]
    value_names: dict[str, set[int]]


@lru_cache(maxsize=4)
def _index(version_id: int, stamp) -> _Index:
    props = list(
        EdFiProperty.objects.filter(resource__version_id=version_id)
        .exclude(data_type="common")
        .select_related("resource", "descriptor")
    )
    candidates, vocabulary = [], set()
    document_frequency: Counter = Counter()
    by_word = defaultdict(list)
    for number, prop in enumerate(props):
        *parents, leaf = prop.path.split(".")
        raw = _split(f"{prop.resource.name} {prop.path}")
        vocabulary.update(w for w in raw if len(w) >= 3)
        leaf_words = frozenset(tokens(leaf))
        context = frozenset(tokens(" ".join([prop.resource.name, *parents])))
        definition = frozenset(tokens(prop.definition)) - STOP_WORDS
        candidates.append(
            _Candidate(prop, leaf_words, context, definition, "[*]" in (prop.api_path or ""))
        )
        document_frequency.update(leaf_words | context)
        for word in leaf_words | context:
            by_word[word].append(number)
    total = max(len(props), 1)
    idf = {w: math.log(total / (1 + n)) + 1 for w, n in document_frequency.items()}
    values = defaultdict(list)
    descriptor_ids = {c.prop.descriptor_id for c in candidates if c.prop.descriptor_id}
    for value in DescriptorValue.objects.filter(descriptor_id__in=descriptor_ids).only(
        "descriptor_id", "code_value", "short_description"
    ):
        values[value.descriptor_id].append(
            (value.code_value.lower(), (value.short_description or "").lower())
        )
    by_path = {str(c.prop): number for number, c in enumerate(candidates)}
    value_names = defaultdict(set)
    for descriptor_id, pairs in values.items():
        for code_value, short in pairs:
            for text in (code_value, short):
                if len(text) > 3:
                    value_names[" ".join(_split(text))].add(descriptor_id)
    return _Index(
        candidates,
        idf,
        dict(by_word),
        by_path,
        frozenset(vocabulary),
        dict(values),
        dict(value_names),
    )


def _version_stamp(version) -> str:
    return f"{version.pk}:{version.imported_at}"


@dataclass
class CollectionContext:
    """What the ranking knows about an element's surroundings.

    ``subject`` is what the collection is about (student, assessment, staff or ``None``);
    ``accepted`` maps the name-stem of each element the plan has already mapped to its targets;
    ``resources`` counts the resources this collection's accepted mappings already use.
    """

    subject: str | None = None
    subject_evidence: str = ""
    accepted: dict = field(default_factory=dict)
    resources: Counter = field(default_factory=Counter)
    parts: frozenset = frozenset()
    heading: frozenset = frozenset()


def _stem_key(found: list[Concept]) -> frozenset:
    """An element's name without the words that only say how it is coded (CODE, DESC)."""
    return frozenset(c.written for c in found if c.written not in CODE_SUFFIXES)


def collection_context(*, collection, elements=None) -> CollectionContext:
    """Infer the collection's subject from its name, description and element names, and gather
    the plan's accepted mappings (read-only)."""
    from mapping.models import ElementMapping
    from mapping.models.mapping import KINDS_WITH_TARGETS

    version = collection.plan.data_standard_version
    index = _index(version.pk, _version_stamp(version))
    if elements is None:
        elements = list(collection.elements.all()) if collection.pk else []
    tally: Counter = Counter()
    heading = {
        a
        for c in concepts(f"{collection.name} {collection.description}", index.vocabulary)
        for a in c.alternatives | {c.written}
    }
    for subject, words in SUBJECT_WORDS.items():
        if heading & words:
            tally[subject] += 3
    for element in elements:
        words = {
            w
            for c in concepts(element.name, index.vocabulary)
            for w in c.alternatives | {c.written}
        }
        for subject, subject_words in SUBJECT_WORDS.items():
            if words & subject_words:
                tally[subject] += 1
    context = CollectionContext(
        parts=_repeated_parts(elements, index.vocabulary),
        heading=frozenset(w for w in heading if len(w) > 2) - GENERIC - HEADING_NOISE,
    )
    if tally:
        (subject, count), *rest = tally.most_common()
        runner_up = rest[0][1] if rest else 0
        if count >= 2 and count > runner_up:
            context.subject = subject
            context.subject_evidence = f"{count} signs in the collection's names"
    if collection.pk:
        accepted = (
            ElementMapping.objects.filter(
                element__collection__plan_id=collection.plan_id, kind__in=KINDS_WITH_TARGETS
            )
            .prefetch_related("targets__resource")
            .select_related("element")
        )
        for mapping in accepted:
            targets = list(mapping.targets.all())
            if not targets:
                continue
            key = _stem_key(concepts(mapping.element.name, index.vocabulary))
            if key:
                context.accepted.setdefault(key, []).append(
                    (mapping.element_id, mapping.element.name, targets)
                )
            if mapping.element.collection_id == collection.pk:
                context.resources.update({t.resource.name for t in targets})
    return context


# Words of resource names too common to say which resource a collection is about.
HEADING_NOISE = _words("student association program education organization")


def _heading_factor(resource: str, heading: frozenset) -> tuple[float, str]:
    """A collection named after a resource's subject (a special education exit file) prefers
    that resource (StudentSpecialEducationProgramAssociation) among equals."""
    if not heading:
        return 1.0, ""
    shared = _name_stems(resource) & heading
    if not shared:
        return 1.0, ""
    return min(1.0 + 0.15 * len(shared), 1.3), (
        f"the collection's name shares {', '.join(sorted(shared))} with {resource}"
    )


def _subject_factor(resource: str, subject: str | None) -> tuple[float, str]:
    student_resource = resource.startswith("Student") and not resource.startswith(
        "StudentAssessment"
    )
    if subject == "student":
        if resource in STUDENT_CORE:
            return 1.6, "a student collection: core student resource"
        if student_resource:
            return 1.3, "a student collection: student resource"
        if resource.startswith(("Staff", "Contact", "Parent")) or any(
            h in resource for h in FINANCE_HINTS
        ):
            return 0.55, "a student collection: not a student resource"
        return 0.8, ""
    if subject == "assessment":
        if resource.startswith("StudentAssessment"):
            return 1.5, "an assessment result collection: student assessment resource"
        if resource == "Student":
            return 1.1, ""
        return 0.6, "an assessment result collection: not a student assessment resource"
    if subject == "organization":
        if resource in ORGANIZATIONS or resource.startswith("EducationOrganization"):
            return 1.4, "an organization collection: education organization resource"
        if resource.startswith("Student"):
            return 0.6, "an organization collection: not an organization resource"
        return 0.9, ""
    if subject == "staff":
        if resource.startswith("Staff"):
            return 1.3, "a staff collection: staff resource"
        return 0.8, ""
    return 1.0, ""


# In an assessment result file, a column without a closer match is usually a score result or a
# performance level of the assessment or one of its objective assessments; what its name says
# (a score word, a level word, a date, a part of the test) tells which.
SCORE_WORDS = _words("score scale raw percentile lexile quantile rit ss point correct duration")
# Lexile and Quantile measures describe the whole test even though "measure" often names a part.
WHOLE_TEST_WORDS = _words("lexile quantile overall total composite sum")
LEVEL_WORDS = _words("level performance proficiency achievement band category adjective met")
PART_WORDS = _words("goal domain strand claim subtest subscore cluster objective skill measure")
ASSESSMENT_FALLBACKS = {
    "overall score": ("StudentAssessment.ScoreResult.Result", 2.5),
    "part score": ("StudentAssessment.StudentObjectiveAssessment.ScoreResult.Result", 1.8),
    "overall level": ("StudentAssessment.PerformanceLevel.PerformanceLevel", 1.2),
    "part level": (
        "StudentAssessment.StudentObjectiveAssessment.PerformanceLevel.PerformanceLevel",
        0.8,
    ),
    "date": ("StudentAssessment.AdministrationDate", 0.0),
}
STUDENT_ID = "Student.StudentUniqueId"
ADMINISTRATION_END = "StudentAssessment.AdministrationEndDate"
TEST_WINDOW = "AssessmentPeriod."
OBJECTIVE_REFERENCE = "StudentAssessment.StudentObjectiveAssessment.ObjectiveAssessmentReference"
PART_NAME_WORDS = _words("name title label description desc")
ENTITY_NAMES = frozenset(
    {"student", "staff", "school", "agency", "contact", "course", "section", "assessment"}
)
ITEM_LEVEL = ("StudentAssessmentItem.", "AssessmentItem")
ITEM_WORDS = frozenset({"item", "question", "response", "answer"})


RESULT_TAIL_WORDS = SCORE_WORDS | LEVEL_WORDS | _words("rank error sem")


def _result_tail(found: list[Concept]) -> tuple[tuple, tuple]:
    """Split a result column's name into what it measures and the kind of result it is:
    ``Reading Scale Score`` -> (reading), (scale, score)."""
    written = [c.written for c in found]
    cut = len(written)
    while cut and written[cut - 1] in RESULT_TAIL_WORDS:
        cut -= 1
    return tuple(written[:cut]), tuple(written[cut:])


def _repeated_parts(elements, vocabulary) -> frozenset:
    """Names of the columns that repeat one kind of result for several parts of a test
    (``Reading Scale Score``, ``Listening Scale Score``): those are the parts; a column of the
    same kind with nothing before it, or named overall/total/composite, is the whole test."""
    heads = defaultdict(dict)
    for element in elements:
        head, tail = _result_tail(concepts(element.name, vocabulary))
        if tail:
            heads[tail][element.name] = head
    parts = set()
    for members in heads.values():
        named = {n: h for n, h in members.items() if h and not set(h) & WHOLE_TEST_WORDS}
        if len({h for h in named.values()}) >= 2:
            parts.update(named)
    return frozenset(parts)


def _assessment_fallbacks(
    found: list[Concept], name: str, parts: frozenset = frozenset()
) -> dict[str, tuple[float, str]]:
    words = {w for c in found for w in c.alternatives | {c.written}}
    # A numbered column (Goal1, "Reporting Category 2") is one of several parts of the test, and
    # so is one of several columns giving one kind of result for different things.
    part = bool(words & PART_WORDS) or bool(re.search(r"[A-Za-z][0-9]|(^|[\s_])[0-9]\b", name))
    part = (part or name in parts) and not words & WHOLE_TEST_WORDS
    of_what = ""
    if part and name in parts:
        of_what = " for one part of the test (other columns give the same result for other parts)"
    elif part:
        of_what = " for one part of the test"
    out = {}
    for path, base in ASSESSMENT_FALLBACKS.values():
        out[path] = (base, "assessment result column: score results take most columns")
    if words & SCORE_WORDS:
        path = ASSESSMENT_FALLBACKS["part score" if part else "overall score"][0]
        out[path] = (out[path][0] + 8.0, f"assessment result column named as a score{of_what}")
    if words & LEVEL_WORDS:
        path = ASSESSMENT_FALLBACKS["part level" if part else "overall level"][0]
        out[path] = (out[path][0] + 6.0, f"assessment result column named as a level{of_what}")
    if part and words & PART_NAME_WORDS and not words & (SCORE_WORDS | LEVEL_WORDS):
        # "Goal1Name": which part of the test the neighbouring result columns are about.
        out[OBJECTIVE_REFERENCE] = (9.0, "assessment result column naming a part of the test")
    if "date" in words:
        # A student's row: its dates say when the student sat the test, not the test's window
        # (AssessmentPeriod): a start date is the administration date, an end date its end.
        if words & {"end", "exit"}:
            out[ADMINISTRATION_END] = (9.0, "assessment result column named as an end date")
        else:
            path = ASSESSMENT_FALLBACKS["date"][0]
            out[path] = (9.0, "assessment result column named as a date")
    return {path: value for path, value in out.items() if value[0] > 0}


def _names_a_student_identifier(found: list[Concept], subject: str | None) -> bool:
    words = {c.written for c in found}
    meant = words | {a for c in found for a in c.alternatives}
    identifier = bool(words & {"id", "identifier", "number", "uid", "ssid", "sasid"})
    other = {"school", "sch", "lea", "district", "dist", "sea", "agency", "staff", "teacher"}
    other |= {"test", "assessment", "course", "section", "session", "form", "item", "batch"}
    return (
        identifier
        and subject in (None, "student", "assessment")
        and not words & other
        and bool(meant & {"student", "state", "local", "child"} or len(words) == 1)
    )


# A column that names an organization and an identifier word (SCHOOL_CODE, DISTRICT_ID) holds
# the identifier of the school or LEA a student's row belongs to: a reference to it.
LEA = ("LocalEducationAgency", "EducationOrganization")
ENTITY_WORDS = {
    "school": ("School",),
    "sch": ("School",),
    "schl": ("School",),
    "district": LEA,
    "dist": LEA,
    "lea": LEA,
}
IDENTIFIER_WORDS = frozenset({"code", "cd", "id", "identifier", "number", "num", "nbr", "no"})


def _named_entity(found: list[Concept], subject: str | None) -> tuple[str, ...]:
    words = {c.written for c in found}
    named = words - IDENTIFIER_WORDS
    if subject == "organization" or not words & IDENTIFIER_WORDS or len(named) != 1:
        return ()
    return ENTITY_WORDS.get(next(iter(named)), ())


def _code_evidence(candidate, codes, index) -> tuple[float, str]:
    values = index.values.get(candidate.prop.descriptor_id)
    if not values or not codes:
        return 0.0, ""
    code_values = {v for v, _ in values}
    descriptions = {d for _, d in values} | code_values
    initials = Counter(v[:1] for v in code_values)
    matched = []
    for code, description in codes:
        if (
            code in code_values
            or (description and description in descriptions)
            or len(code) == 1
            and initials.get(code) == 1
            and len(code_values) <= 12
        ):
            matched.append(code)
    share = len(matched) / len(codes)
    if share < 0.5:
        return 0.0, ""
    shown = ", ".join(c.upper() for c in matched[:4])
    return 12.0 * share, f"allowed codes {shown} match {candidate.prop.descriptor.name} values"


# Words that only say how a "this value applies" column is written (IMMIGRANT_IND_CODE, Homeless
# Status): what is left may be a descriptor value, such as a student characteristic.
PRESENCE_WORDS = frozenset(
    {"code", "cd", "ind", "indicator", "flag", "flg", "yn", "status", "stat", "type", "desc"}
)


DATE_WORDS = frozenset({"date", "dt", "dte", "dob", "bdate", "birthdate"})


def _type_named(found: list[Concept]) -> str | None:
    """The type a name's last word declares (ENTRY_DATE, Birthdate, DOB), if any."""
    if not found:
        return None
    last = found[-1]
    if last.written in DATE_WORDS or (last.source or last.written) in DATE_WORDS:
        return "date"
    return None


FLAG_WORDS = frozenset({"ind", "indicator", "flag", "flg", "yn", "status", "stat"})


QUALIFIED_ENTITIES = frozenset({"lea", "school", "sch", "student", "stu", "staff", "teacher"})
QUALIFIERS = frozenset({"state", "local", "district"})


def _drop_qualifiers(found: list[Concept]) -> list[Concept]:
    """In ``LEA_Identifier_State`` or ``StateStudentIdentifier`` "state" says who assigned the
    identifier, not that the state agency is meant: it is dropped when another entity is named."""
    written = {c.written for c in found}
    if not (written & QUALIFIED_ENTITIES and written & (IDENTIFIER_WORDS | {"identifier"})):
        return found
    kept = [c for c in found if c.written not in QUALIFIERS]
    return kept or found


def _same_word(a: str, b: str) -> bool:
    """``homelessness`` ~ ``homeless``, ``disadvantage`` ~ ``disadvantaged``."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short)


def _values_named(name: str, index) -> tuple[set[int], bool]:
    """Descriptors one of whose values the element's name is, and whether the name says the
    value applies (IMMIGRANT_IND, Homelessness Status): then it is a flag for that value, not a
    column that merely shares a word with one (``Composite``, ``English``)."""
    words = _split(name)
    found = set(index.value_names.get(" ".join(words), set()))
    kept = [w for w in words if w not in PRESENCE_WORDS and w not in STOP_WORDS]
    # CODE or TYPE alone (SCHOOL_CODE) says how a value is written, not that one applies.
    if not kept or not set(words) & FLAG_WORDS:
        return found, False
    flagged = set()
    for text, descriptor_ids in index.value_names.items():
        value_words = text.split()
        if len(value_words) == len(kept) and all(
            _same_word(a, b) for a, b in zip(kept, value_words, strict=True)
        ):
            flagged |= descriptor_ids
    return found | flagged, bool(flagged)


def suggest_properties(*, element, limit: int = 5, context: CollectionContext | None = None):
    """Ed-Fi properties of the plan's Data Standard most likely to hold ``element``, best first.

    Pass ``context`` (from :func:`collection_context`) when ranking many elements of one
    collection; otherwise it is worked out from the database.
    """
    version = element.collection.plan.data_standard_version
    index = _index(version.pk, _version_stamp(version))
    if context is None:
        context = collection_context(collection=element.collection)
    found = _drop_qualifiers(concepts(element.name, index.vocabulary))
    definition = {w for w in tokens(element.definition) if w not in GENERIC and len(w) > 2} - {
        a for c in found for a in c.alternatives
    }
    coded = bool(
        element.data_type == DataType.CODE
        or element.code_set_id
        or (found and found[-1].written in CODE_SUFFIXES)
    )
    codes = []
    if element.code_set_id and element.pk:
        codes = [(c.code.lower(), c.description.lower()) for c in element.code_set.codes.all()]
    pool = set()
    for concept in found:
        for word in concept.alternatives:
            pool.update(index.by_word.get(word, ()))
    for word in definition:
        pool.update(index.by_word.get(word, ()))
    if codes:
        pool.update(
            n for n, c in enumerate(index.candidates) if c.prop.descriptor_id in index.values
        )
    value_of, flagged = _values_named(element.name, index)
    if value_of:
        pool.update(n for n, c in enumerate(index.candidates) if c.prop.descriptor_id in value_of)
    fallbacks = {}
    if context.subject == "assessment":
        fallbacks.update(_assessment_fallbacks(found, element.name, context.parts))
    student_identifier = _names_a_student_identifier(found, context.subject)
    if student_identifier:
        # In a student or assessment file, "State ID" or "Local ID" is the student's, not the
        # state agency's or a course's: the row is about a student.
        strength = 10.0 if context.subject in ("student", "assessment") else 4.0
        fallbacks[STUDENT_ID] = (strength, "names a student identifier")
    entities = _named_entity(found, context.subject)
    if entities:
        why = f"names the {entities[0]} the row belongs to"
        for candidate in index.candidates:
            if candidate.prop.data_type == "reference" and candidate.prop.references in entities:
                fallbacks[str(candidate.prop)] = (6.0, why)
    fallbacks = {index.by_path[p]: v for p, v in fallbacks.items() if p in index.by_path}
    pool.update(fallbacks)
    accepted = [
        (name, targets)
        for element_id, name, targets in context.accepted.get(_stem_key(found), [])
        if element_id != element.pk
    ]
    for _, targets in accepted:
        for target in targets:
            if str(target) in index.by_path:
                pool.add(index.by_path[str(target)])
    compatible = COMPATIBLE_TYPES.get(element.data_type, set())
    named_type = _type_named(found)
    scored = []
    for number in pool:
        suggestion = _score(
            index.candidates[number],
            found,
            definition,
            coded=coded,
            codes=codes,
            compatible=compatible,
            context=context,
            index=index,
            fallback=fallbacks.get(number),
            accepted=accepted,
            value_of=value_of,
            flagged=flagged,
            named_type=named_type,
            student_identifier=student_identifier,
            element_type=element.data_type,
        )
        if suggestion is not None:
            scored.append(suggestion)
    scored.sort(key=lambda s: (-s.score, len(str(s.target)), str(s.target)))
    return scored[:limit]


def _score(
    candidate,
    found,
    definition,
    *,
    coded,
    codes,
    compatible,
    context,
    index,
    fallback,
    accepted,
    value_of,
    element_type,
    flagged=False,
    named_type=None,
    student_identifier=False,
):
    prop = candidate.prop
    idf = index.idf
    reasons = []
    leaf_hits, context_hits, readings = set(), set(), {}
    leaf_weight = context_weight = matched = total = 0.0
    for concept in found:
        total += concept.weight
        hit = concept.alternatives & candidate.leaf
        source = concept.source or concept.written
        if hit and _stem(source) not in hit:
            readings.setdefault(source, []).extend(sorted(hit - set(readings.get(source, ()))))
        if hit:
            leaf_hits |= hit
            leaf_weight += concept.weight * max(idf.get(w, 1.0) for w in hit)
            matched += concept.weight
            continue
        hit = concept.alternatives & candidate.context
        if hit:
            context_hits |= hit
            context_weight += concept.weight * max(idf.get(w, 1.0) for w in hit)
            matched += 0.6 * concept.weight
    described = definition & (candidate.leaf | candidate.context)
    score = 0.0
    if leaf_hits or context_hits:
        recall = matched / total if total else 0.0
        precision = len(leaf_hits) / max(len(candidate.leaf), 1)
        score = (3.0 * leaf_weight + 1.5 * context_weight) * (0.3 + 0.7 * recall)
        score *= 0.3 + 0.7 * precision
        if leaf_hits:
            reasons.append(f"name shares {', '.join(sorted(leaf_hits))}")
        if readings:
            shown = [f"{word.upper()} as {' '.join(read)}" for word, read in readings.items()]
            reasons.append(f"reads {'; '.join(shown)}")
        if context_hits:
            reasons.append(f"{prop.resource.name} path shares {', '.join(sorted(context_hits))}")
    if described:
        score += min(0.8 * sum(idf.get(w, 1.0) for w in described), 8.0)
        reasons.append(f"definition names {', '.join(sorted(described)[:5])}")
    shared = definition & candidate.definition
    if shared:
        score += min(0.2 * sum(idf.get(w, 1.0) for w in shared), 3.0)
    if fallback:
        score += fallback[0]
        reasons.append(fallback[1])
    evidence, why = _code_evidence(candidate, codes, index)
    if evidence:
        score += evidence
        reasons.append(why)
    if prop.descriptor_id in value_of and flagged:
        score += 16.0
        reasons.append(f"the name flags a value of {prop.descriptor.name}")
    elif prop.descriptor_id in value_of:
        score += 8.0
        reasons.append(f"the name is a value of {prop.descriptor.name}")
    for name, targets in accepted:
        if prop in targets:
            score += 25.0
            reasons.append(f"the plan maps {name} here")
            break
    if score <= 0:
        return None
    factor, why = _subject_factor(prop.resource.name, context.subject)
    score *= factor
    if why:
        reasons.append(why)
    factor, why = _heading_factor(prop.resource.name, context.heading)
    score *= factor
    if why:
        reasons.append(why)
    if context.resources.get(prop.resource.name):
        score *= 1.2
        reasons.append(f"this collection already maps to {prop.resource.name}")
    if coded:
        if prop.data_type == "descriptor":
            score *= 1.3
            reasons.append("a code column: descriptor")
        elif prop.data_type not in ("boolean",):
            score *= 0.75
    if element_type == DataType.STRING:
        # Legacy layouts declare most columns as text whatever they hold: a weak hint only.
        score *= {"string": 1.15, "descriptor": 1.05}.get(prop.data_type, 0.95)
    elif compatible:
        if prop.data_type in compatible:
            score *= 1.2
            reasons.append(f"data type {prop.data_type} fits")
        else:
            score *= 0.6
            reasons.append(f"data type {prop.data_type} differs")
    if named_type == "date":
        if prop.data_type in ("date", "datetime"):
            score *= 1.15
        else:
            score *= 0.6
            reasons.append(f"the name says a date; {prop.data_type} is not one")
    if candidate.in_collection and not (context_hits - _name_stems(prop.resource.name)):
        score *= 0.85
    named = {a for c in found for a in c.alternatives} & ENTITY_NAMES
    if student_identifier:
        named = named | {"student"}  # "Local ID" in a student file: the student's
    owned = candidate.leaf & ENTITY_NAMES
    if named and owned and not named & owned:
        # "School Identifier" is not the student's identifier: the property names another entity.
        score *= 0.5
    if context.subject == "assessment" and prop.path.startswith(TEST_WINDOW):
        score *= 0.6  # the test's window, not when this student sat it
    if (
        prop.path.startswith(ITEM_LEVEL)
        and not {a for c in found for a in c.alternatives} & ITEM_WORDS
    ):
        score *= 0.5  # item-level results only when the column names an item or question
    if prop.path.endswith(("ReportingMethod", "ResultDatatypeType")):
        score *= 0.6  # what a result means, not the value a column holds
    if prop.data_type == "reference" and not fallback:
        score *= 0.6
    if prop.is_identity:
        score *= 1.05
    if prop.resource.is_abstract:
        # School, LEA and SEA (or every program association) carry the same property: when the
        # name does not say which, the shared one of the abstract resource is meant.
        score *= 1.05
        reasons.append(f"shared by every {prop.resource.name}")
    return Suggestion(prop, round(score, 2), reasons)


def candidate_values(*, code_set) -> list[DescriptorValue]:
    """The values a code set's codes may map to: its descriptor's, else the whole version's."""
    # Only the plan's version: a "Map to" button for another version's value could not save.
    values = DescriptorValue.objects.for_plan(code_set.plan).select_related("descriptor")
    if code_set.descriptor_id:
        own = list(values.filter(descriptor_id=code_set.descriptor_id))
        if own:
            return own
    return list(values)


def suggest_descriptor_values(
    *, state_code, limit: int = 5, values: list[DescriptorValue] | None = None
) -> list[Suggestion]:
    """Descriptor values a state code most likely means, within the code set's descriptor.

    Pass ``values`` (from :func:`candidate_values`) when ranking many codes of one set.
    """
    if values is None:
        values = candidate_values(code_set=state_code.code_set)
    wanted = set()
    for word in tokens(f"{state_code.code} {state_code.description}"):
        wanted.add(word)
        wanted.update(_stem(w) for w in ABBREVIATIONS.get(word, ()))
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
