"""One-click unsubscribe: valid tokens are never rate-limited (a mailbox provider posts many from
one address), invalid ones are (nobody may guess tokens)."""

import pytest
from django.test import Client
from django.urls import reverse

from newsletters.models import Preference
from newsletters.tokens import make_token
from tests.factories import UserFactory, member_of


def test_a_hundred_valid_unsubscribes_from_one_address_all_work(rate_limits_on, community):
    client = Client(enforce_csrf_checks=True)
    members = [member_of(community) for _ in range(100)]
    for member in members:
        url = reverse("newsletters:unsubscribe", args=[make_token(member.pk, f"newsletter:{community.pk}")])
        assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Preference.objects.filter(community=community, newsletter=False).count() == 100


def test_guessing_tokens_is_rate_limited(rate_limits_on, db):
    client = Client(enforce_csrf_checks=True)
    statuses = [
        client.post(
            reverse("newsletters:unsubscribe", args=[f"guess{i}"]), {"List-Unsubscribe": "One-Click"}
        ).status_code
        for i in range(25)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[-1] == 429


def test_a_valid_token_still_works_after_guesses_from_the_same_address(rate_limits_on, db):
    client = Client(enforce_csrf_checks=True)
    for i in range(25):
        client.get(reverse("newsletters:unsubscribe", args=[f"guess{i}"]))
    user = UserFactory()
    url = reverse("newsletters:unsubscribe", args=[make_token(user.pk, "all")])
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_invalid_token_explains_itself(client, db, method):
    response = getattr(client, method)(reverse("newsletters:unsubscribe", args=["nonsense"]))
    assert response.status_code == 400
