"""A person's path through the parallel year in a real browser, with a real worker."""

import pytest

from parallel.models import DiscrepancyGroup, ReconciliationRun
from rolloutplanner.roles import Role

# The parallel app's fixtures (synthetic collections, a worker sharing this process's media
# folder); the browser fixtures come from the tests.support.browser plugin.
from tests.parallel.conftest import (  # noqa: F401
    celery_worker,  # noqa: F811
    make_collection,
    media_root,
    parallel_worker_session,
    requires_postgresql,
    shared_media_root,
)
from tests.support.browser import assert_accessible, login_as

pytestmark = pytest.mark.browser


@pytest.mark.celery_worker
def test_sea_team_uploads_runs_reads_and_triages(
    browser_page,
    world,
    celery_worker,  # noqa: F811
    make_collection,  # noqa: F811 (fixtures imported above)
):
    collection = make_collection(students=200, rate=0.1, upload=False)
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(collection.cycle.get_absolute_url())
    assert_accessible(page)

    uploads = [("legacy", "", collection.data.legacy)] + [
        ("edfi", resource, path) for resource, path in collection.data.edfi_files.items()
    ]
    for side, resource, path in uploads:
        page.get_by_label("Side").select_option(side)
        page.get_by_label("Ed-Fi resource").select_option(resource)
        page.get_by_label("File").set_input_files(str(path))
        page.get_by_role("button", name="Upload").click()
        page.get_by_text(f"Uploaded {path.name}.").wait_for()
    page.get_by_role("button", name="Run reconciliation on the current files").click()

    page.wait_for_url("**/parallel/runs/*/")
    page.get_by_test_id("job-state").filter(has_text="Succeeded").wait_for(timeout=60000)
    page.reload()
    assert page.get_by_test_id("run-state").inner_text() == "Complete"
    assert_accessible(page)
    page.get_by_role("link", name=world.own_lea.name).first.click()
    page.get_by_role("heading", name=f"{world.own_lea.name} in").wait_for()
    assert page.get_by_role("table", name="Record pairs that differ").is_visible()
    assert_accessible(page)

    run = ReconciliationRun.objects.get()
    group = DiscrepancyGroup.objects.filter(run=run, lea=world.own_lea).first()
    page.goto(group.get_absolute_url())
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Responsible party").select_option("lea")
    page.get_by_label("Status").select_option("explained")
    page.get_by_label("Notes").fill("Exited students are still in the legacy file.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Triage saved.").wait_for()
    group.refresh_from_db()
    assert group.status == "explained" and group.responsible_party == "lea"


@pytest.mark.django_db(transaction=True)
def test_coordinator_sees_only_their_lea(browser_page, world, make_collection):  # noqa: F811
    from parallel.services.reconcile import run_reconciliation

    collection = make_collection(students=60, rate=0.2)
    run = collection.new_run()
    run_reconciliation(run=run)
    page = browser_page
    login_as(page, world.users[Role.LEA_COORDINATOR])

    page.goto("/parallel/")

    table = page.get_by_role("table", name="Match rate per LEA, worst first")
    assert world.own_lea.name in table.inner_text()
    assert world.other_lea.name not in table.inner_text()
    assert_accessible(page)
    response = page.goto(f"/parallel/runs/{run.pk}/leas/{world.other_lea.pk}/")
    assert response.status == 404
