"""Friendly error pages with DEBUG off: they say what happened in plain words and leak nothing."""

import pytest

from tests.utils import text

LEAKS = ["Traceback", "hunter2", "/srv/secret", "internal reason", "abc123", "SecretError", "settings.py"]


@pytest.fixture
def failing_site(settings, client):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.security.urls"
    client.raise_request_exception = False
    return client


def assert_leaks_nothing(response):
    body = response.content.decode()
    for leak in LEAKS:
        assert leak not in body


@pytest.mark.django_db
def test_a_crash_shows_a_friendly_500_page_that_leaks_nothing(failing_site):
    response = failing_site.get("/__boom__/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in text(response)
    assert_leaks_nothing(response)


@pytest.mark.django_db
def test_a_forbidden_action_shows_a_friendly_403_page_without_the_reason(failing_site):
    response = failing_site.get("/__forbidden__/")
    assert response.status_code == 403
    assert "You can't do that here" in text(response)
    assert_leaks_nothing(response)


@pytest.mark.django_db
def test_a_bad_request_shows_a_friendly_400_page(failing_site):
    response = failing_site.get("/__suspicious__/")
    assert response.status_code == 400
    assert "We couldn't understand that request" in text(response)
    assert_leaks_nothing(response)


@pytest.mark.django_db
def test_a_form_posted_without_its_security_token_explains_what_to_do(settings, client, member):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    response = csrf_client.post("/account/profile/", {"display_name": "x"})
    assert response.status_code == 403
    assert "Your form expired" in text(response)
    assert "CSRF" not in text(response)


@pytest.mark.django_db
def test_a_missing_page_shows_the_friendly_404_page(failing_site):
    response = failing_site.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in text(response)


@pytest.mark.django_db
def test_a_rate_limited_action_shows_the_friendly_429_page(rf):
    from django.contrib.auth.models import AnonymousUser

    from cop_platform.views import rate_limited

    request = rf.get("/")
    request.user = AnonymousUser()
    response = rate_limited(request, None)
    assert response.status_code == 429
    assert b"That was a lot, very quickly" in response.content
