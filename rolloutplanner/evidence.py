"""Evidence that completes a toolkit task or a rollout step, computed when it is read.

A rule names an evidence *kind* and its parameters (``EvidenceRule("coverage_above",
{"percent": 80})``); the tables of rules are data in the apps that own the tasks
(``usecases.checklist_evidence``, ``rolloutplanner.timeline.step_evidence``). Each domain app
registers the kinds it can judge in its own ``evidence.py`` with :func:`evidence_kind`, the way
``dashboard_panels.py`` registers home tiles. The platform and ``usecases`` therefore never import
``mapping``, ``leas`` or ``parallel`` to read their state, and no import cycle can form.

Nothing is stored: a task is met when its evidence exists now, so a flag can never go stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class EvidenceRule:
    """What completes one task: an evidence kind and its parameters."""

    kind: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """The judgement of one rule now: what is asked, whether it is met, and where to see it."""

    asked: str  # "A use case approved"
    met: bool
    found: str  # what was found ("Use case 'Part B child count' approved") or what is missing
    url: str = ""


@dataclass(frozen=True)
class _Kind:
    kind: str
    judge: Callable = field(compare=False)


_KINDS: dict[str, _Kind] = {}
_discovered = False


def evidence_kind(kind: str):
    """Register ``judge(user, **params) -> Evidence`` as the judge of evidence ``kind``.

    A judge reads only through ``restrict(user)``: a user sees a task met only by evidence
    they may see, and its link leads to a page they may open.
    """

    def register(judge):
        _KINDS[kind] = _Kind(kind=kind, judge=judge)
        return judge

    return register


# The rollout steps' progress, given by the timeline app; a checklist page shows it beside the
# toolkit tasks without importing the timeline.
_STEP_PROGRESS: list[Callable] = []


def rollout_steps(provider):
    """Register ``provider(*, user) -> list`` as the source of the rollout steps' progress."""
    _STEP_PROGRESS.append(provider)
    return provider


def rollout_step_progress(*, user) -> list:
    """Each rollout step with its milestone and evidence, as registered (empty if none)."""
    _discover()
    return [step for provider in _STEP_PROGRESS for step in provider(user=user)]


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("evidence")
        _discovered = True


def registered_kinds() -> frozenset[str]:
    _discover()
    return frozenset(_KINDS)


def judge_evidence(rule: EvidenceRule, *, user) -> Evidence:
    """The evidence for ``rule`` as ``user`` may see it now. An unknown kind is an error."""
    _discover()
    try:
        registration = _KINDS[rule.kind]
    except KeyError:
        raise LookupError(f"No app registers evidence of kind {rule.kind!r}.") from None
    return registration.judge(user, **rule.params)
