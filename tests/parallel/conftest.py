from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File

from parallel.models import CollectionCycle, ReconciliationRun, Side
from parallel.services.runs import current_files
from parallel.services.uploads import upload_submission
from parallel.synthetic import (
    MembershipCollection,
    SyntheticCollection,
    generate,
    generate_membership,
)
from rolloutplanner.roles import Role
from tests.parallel.factories import CHILD_COUNT, CollectionCycleFactory, shipped_definition
from tests.support.celery_worker import start_worker, use_queue


@pytest.fixture(autouse=True)
def requires_postgresql():
    """Reconciliation bulk-loads with PostgreSQL's COPY; the embedded SQLite mode cannot run it."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the parallel-year comparison needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="session")
def shared_media_root(tmp_path_factory) -> Path:
    """One media folder for the test process and its worker, so both see uploaded files."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media_root(settings, shared_media_root):
    settings.MEDIA_ROOT = shared_media_root


@pytest.fixture(scope="session")
def parallel_worker_session(
    django_db_setup, django_db_blocker, tmp_path_factory, shared_media_root
):
    with django_db_blocker.unblock():
        worker = start_worker(
            tmp_path_factory.mktemp("celery-parallel"),
            extra_env={"MEDIA_ROOT": str(shared_media_root)},
        )
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(parallel_worker_session, transactional_db):
    """A real worker (sharing this process's media folder) receiving this test's tasks."""
    with use_queue(parallel_worker_session.queue):
        yield parallel_worker_session


def definition_data(definition) -> dict:
    return {
        "crosswalk": definition.crosswalk,
        "columns": definition.columns,
        "population": definition.population,
        "compared_fields": definition.compared_fields,
        "edfi_source": definition.edfi_source,
    }


# The generator of each derivation's files (fall membership and enrolment share theirs).
GENERATORS = {"idea_child_count": generate, "enrolment": generate_membership}


@dataclass
class Collection:
    cycle: CollectionCycle
    data: SyntheticCollection | MembershipCollection
    user: object

    def upload(self, path: Path, side: str, *, name: str | None = None, resource: str = ""):
        with path.open("rb") as handle:
            return upload_submission(
                cycle=self.cycle,
                user=self.user,
                side=side,
                uploaded=File(handle, name=name or path.name),
                resource=resource,
            )

    def upload_all(self):
        self.upload(self.data.legacy, Side.LEGACY)
        for path in self.data.edfi_files.values():
            self.upload(path, Side.EDFI)

    def new_run(self) -> ReconciliationRun:
        number = self.cycle.runs.count() + 1
        run = ReconciliationRun.objects.create(
            cycle=self.cycle, number=number, created_by=self.user
        )
        run.files.set(current_files(cycle=self.cycle))
        return run


@pytest.fixture
def make_collection(world, tmp_path):
    """A cycle of a shipped definition (the school-age child count unless ``code``) over the
    world's two LEAs with synthetic files (~``rate`` injected)."""

    def make(*, code: str = CHILD_COUNT, students: int = 300, rate: float = 0.1, seed: int = 7,
             upload: bool = True, **options):  # fmt: skip
        definition = shipped_definition(code)
        cycle = CollectionCycleFactory(report_definition=definition)
        cycle.leas.set([world.own_lea, world.other_lea])
        data = GENERATORS[definition.derivation](
            directory=tmp_path / f"files-{code}-{seed}",
            definition=definition_data(definition),
            students=students,
            rate=rate,
            seed=seed,
            lea_ids=[world.own_lea.state_lea_id, world.other_lea.state_lea_id],
            keep_records=True,
            **options,
        )
        collection = Collection(cycle=cycle, data=data, user=world.users[Role.SEA_TEAM])
        if upload:
            collection.upload_all()
        return collection

    return make
