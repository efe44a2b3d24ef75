"""The registry of background job kinds (see :mod:`rolloutplanner.jobs`).

Kept apart from the services that run jobs so the ``Job`` model can name its kind without
importing them: tasks → jobs → models → job_registry, no module imports back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: Callable[..., dict]  # run(job, progress): a Job and a jobs.JobProgress
    cleanup: Callable[..., None] | None = None  # cleanup(job)


_REGISTRY: dict[str, JobKind] = {}


def job_kind(name: str, label: str, *, cleanup: Callable[..., None] | None = None):
    """Register ``run(job, progress) -> dict`` as the body of job kind ``name``.

    ``cleanup(job)``, if given, is called whenever a job of this kind ends without succeeding;
    it must be idempotent and may be called for a job that never started.
    """

    def register(run):
        _REGISTRY[name] = JobKind(name=name, label=label, run=run, cleanup=cleanup)
        return run

    return register


def job_kind_label(name: str) -> str:
    kind = _REGISTRY.get(name)
    return kind.label if kind else name.replace("_", " ").capitalize()


def get_job_kind(name: str) -> JobKind:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"Unknown job kind {name!r}.") from None
