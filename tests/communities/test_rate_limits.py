import pytest
from django.urls import reverse

from communities.models import Community
from tests.factories import CommunityFactory
from tests.utils import text

pytestmark = pytest.mark.django_db


def test_proposing_too_often_is_refused_with_a_message_and_keeps_the_text(login, outsider, rate_limits_on):
    client = login(outsider)
    for i in range(5):
        client.post(
            reverse("communities:propose"),
            {"name": f"Rate {outsider.pk} {i}", "purpose": "p", "visibility": "open"},
        )
    response = client.post(
        reverse("communities:propose"),
        {"name": "One Too Many", "purpose": "My carefully typed purpose", "visibility": "open"},
    )

    page = text(response)
    assert "Please wait a little and try again." in page
    assert "My carefully typed purpose" in page
    assert not Community.objects.filter(name="One Too Many").exists()


def test_joining_and_leaving_in_a_loop_is_stopped(login, outsider, rate_limits_on):
    client = login(outsider)
    community = CommunityFactory()
    statuses = set()
    for _ in range(32):
        statuses.add(client.post(reverse("communities:join", args=[community.slug])).status_code)
        client.post(reverse("communities:leave", args=[community.slug]))
    assert 429 in statuses
    response = client.post(reverse("communities:join", args=[community.slug]))
    assert response.status_code == 429
    assert "That was a lot, very quickly" in text(response)
