"""axe-core finds no serious or critical WCAG 2.1 AA violation on any HTML page of the walk.

The pages are the URL walk's (tests/support/url_walk.py): every list and parameter-free page and
the detail, edit and history page of one object of every model, as the SEA team and as an LEA
coordinator, over the demo data. One live server and one signed-in browser context per role
serve the whole module.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from rolloutplanner.demo import DEMO_PASSWORD
from tests.support.browser import serious_accessibility_violations
from tests.support.demo_world import seed_walk_world
from tests.support.url_walk import Case, fill_kwargs, walk_cases, walked_routes

pytestmark = pytest.mark.browser

AXE_ROLES = ("sea", "coordinator")
PAGE_SUFFIXES = {"detail", "edit", "history"}


def html_page_cases() -> list[Case]:
    """GET pages of the walk that show HTML: no API, feed, export, nor POST-only action."""
    cases = []
    for case in walk_cases():
        route = case.route
        if case.role not in AXE_ROLES or case.scope == "other" or route.api or route.is_feed:
            continue
        if route.get_allowed is False or "fmt" in route.kwargs or route.route.endswith(".pdf"):
            continue
        if route.kwargs and (set(route.kwargs) != {"pk"} or route.suffix not in PAGE_SUFFIXES):
            continue
        cases.append(case)
    return cases


CASES = html_page_cases()


@pytest.fixture(scope="module")
def walk_site(django_db_setup, django_db_blocker):
    """Committed demo data behind one live server; the database is restored afterwards."""
    with django_db_blocker.unblock():
        saved = connection.creation.serialize_db_to_string()
        world = seed_walk_world({r.model for r in walked_routes() if r.model is not None})
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server, world
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(saved)


@pytest.fixture(scope="module")
def role_contexts(browser, walk_site):
    server, _ = walk_site
    contexts = {}
    for role in AXE_ROLES:
        context = browser.new_context(base_url=server.url, bypass_csp=True)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(role)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        page.close()
        contexts[role] = context
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_page_has_no_serious_accessibility_violation(
    case, walk_site, role_contexts, django_db_blocker
):
    _, world = walk_site
    with django_db_blocker.unblock():  # reads the committed demo rows, writes nothing
        kwargs, _ = fill_kwargs(case, world["users"][case.role], world["feed_keys"])
    url = reverse(case.route.name, kwargs=kwargs)
    context = role_contexts[case.role]
    # Ask first: a download, a POST-only action (405) or a refusal (403) is no page to check.
    answer = context.request.get(url, max_redirects=0)
    content_type = answer.headers.get("content-type", "")
    if answer.status != 200 or not content_type.startswith("text/html"):
        pytest.skip(f"{url} is not an HTML page for {case.role} ({answer.status}, {content_type})")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(url)
        violations = serious_accessibility_violations(page)
    finally:
        page.close()
    assert not violations, f"{url} as {case.role}: {violations}"
