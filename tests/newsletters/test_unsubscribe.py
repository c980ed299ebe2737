import pytest
from django.test import Client
from django.urls import reverse

from newsletters.mail import newsletter_email
from newsletters.models import Issue, Preference
from newsletters.tokens import make_token

from ..utils import text


def unsubscribe_url(user, list_name):
    return reverse("newsletters:unsubscribe", args=[make_token(user.pk, list_name)])


def pref(user, community):
    return Preference.for_member(user, community)


@pytest.fixture
def strict_client():
    """A client with no session that enforces CSRF, like a mail client's one-click POST."""
    return Client(enforce_csrf_checks=True)


def test_one_click_post_works_without_session_or_csrf_token(strict_client, member, community):
    url = unsubscribe_url(member, f"newsletter:{community.pk}")
    response = strict_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in text(response)
    assert pref(member, community).newsletter is False


def test_it_changes_only_that_member_and_that_list(
    strict_client, member, facilitator, community, closed_community
):
    strict_client.post(
        unsubscribe_url(member, f"newsletter:{community.pk}"), {"List-Unsubscribe": "One-Click"}
    )
    mine = pref(member, community)
    assert (mine.newsletter, mine.digest, mine.immediate) == (False, "weekly", True)
    assert pref(member, closed_community).newsletter is True  # another community's list
    assert pref(facilitator, community).newsletter is True  # another member
    assert Preference.objects.filter(user=facilitator).count() == 0


def test_digest_unsubscribe_switches_the_digest_off_in_every_community(
    strict_client, member, community, closed_community
):
    strict_client.post(unsubscribe_url(member, "digest"), {"List-Unsubscribe": "One-Click"})
    assert pref(member, community).digest == "off"
    assert pref(member, closed_community).digest == "off"
    assert pref(member, community).newsletter is True


def test_a_tampered_token_is_refused_and_changes_nothing(strict_client, member, facilitator, community):
    token = make_token(member.pk, f"newsletter:{community.pk}")
    forged = token.replace(token[2], "A" if token[2] != "A" else "B", 1)
    for url in [
        reverse("newsletters:unsubscribe", args=[forged]),
        reverse("newsletters:unsubscribe", args=[token[:-3]]),
        reverse("newsletters:unsubscribe", args=["not-a-token"]),
    ]:
        response = strict_client.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400
        assert "not valid" in text(response)
    assert not Preference.objects.exists()


def test_a_token_signed_for_another_purpose_is_refused(strict_client, member):
    from django.core import signing

    token = signing.dumps({"u": member.pk, "l": "all"})  # default salt, not ours
    response = strict_client.post(reverse("newsletters:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_get_shows_a_confirmation_page_and_changes_nothing(client, member, community):
    response = client.get(unsubscribe_url(member, f"newsletter:{community.pk}"))
    page = text(response)
    assert response.status_code == 200
    assert "Stop sending <strong>the monthly newsletter from Benefits Realisation</strong>" in page
    assert '<button type="submit" class="btn btn--primary">Unsubscribe</button>' in page
    assert member.email not in page and "•@example.org" in page  # the address, partly masked
    assert pref(member, community).newsletter is True


def test_newsletter_email_carries_rfc8058_headers_that_work(strict_client, member, facilitator, community):
    issue = Issue.objects.create(community=community, author=facilitator, subject="November", body="Hi")
    message = newsletter_email(issue, member)
    headers = message.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Id"] == f"<newsletter.{community.slug}.testserver>"
    link = headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://testserver/email/unsubscribe/")
    response = strict_client.post(link.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert pref(member, community).newsletter is False
