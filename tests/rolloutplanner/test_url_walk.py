"""Every page and API endpoint, as every demo role, answers with its documented outcome.

The cases are generated from the URL resolver (tests/support/url_walk.py) over the demo data, so
a page added later is walked too. No case may answer 5xx; each answers what the role rules say.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests.support.demo_world import seed_walk_world
from tests.support.url_walk import (
    expected_statuses,
    fill_kwargs,
    is_login_redirect,
    walk_cases,
    walked_routes,
)

CASES = walk_cases()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo state, seeded once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            models = {r.model for r in walked_routes() if r.model is not None}
            yield seed_walk_world(models)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_url_answers_with_its_documented_outcome(case, demo, db):
    assert not case.problems, f"{case.route.name} ({case.route.route}): {'; '.join(case.problems)}"
    user = demo["users"].get(case.role)
    kwargs, obj = fill_kwargs(case, user, demo["feed_keys"])
    url = reverse(case.route.name, kwargs=kwargs)
    client = APIClient()
    if user is not None:
        client.force_login(user)

    response = client.get(url)

    expected = expected_statuses(case, user, obj)
    assert response.status_code < 500, f"{url} as {case.role}: {response.status_code}"
    assert response.status_code in expected, (
        f"{url} as {case.role} ({case.scope}): {response.status_code}, expected {sorted(expected)}"
    )
    if response.status_code == 302 and case.role == "anonymous":
        assert is_login_redirect(response), f"{url} redirects to {response['Location']}"
    if case.role == "leader" and case.route.suffix in {"add", "edit", "delete"}:
        assert response.status_code != 200, f"leadership may open the form {url}"
