"""The moderation pages: facilitators ban, silence and lift from the members page; staff suspend."""

import pytest

from communities import services
from communities.models import Membership
from tests.factories import UserFactory
from tests.utils import text

pytestmark = pytest.mark.django_db


def _membership(user, community):
    return Membership.objects.get(user=user, community=community)


def test_a_facilitator_bans_from_the_members_page_and_the_member_cannot_rejoin(
    facilitator, member, community, login
):
    client = login(facilitator)
    m = _membership(member, community)
    members_page = text(client.get(f"/communities/{community.slug}/members/"))
    assert f"/communities/{community.slug}/members/{m.pk}/ban/" in members_page
    confirm = text(client.get(f"/communities/{community.slug}/members/{m.pk}/ban/"))
    assert "cannot rejoin" in confirm
    response = client.post(
        f"/communities/{community.slug}/members/{m.pk}/ban/", {"reason": "Personal attacks"}
    )
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert "Mo Member is banned from Benefits Realisation." in page
    assert "Reason: Personal attacks" in page and "Lift ban" in page

    with pytest.raises(services.CommunityError, match="banned"):
        services.join_community(member, community)


def test_a_facilitator_lifts_a_ban_and_the_person_may_join_again(facilitator, member, community, login):
    client = login(facilitator)
    m = _membership(member, community)
    client.post(f"/communities/{community.slug}/members/{m.pk}/ban/", {"reason": "Spam"})
    client.post(f"/communities/{community.slug}/members/{m.pk}/lift/")
    services.join_community(member, community)
    assert _membership(member, community).is_active


def test_a_member_cannot_reach_the_ban_silence_or_lift_urls(facilitator, member, community, login):
    client = login(member)
    m = _membership(facilitator, community)
    for action in ("ban", "silence", "lift"):
        assert (
            client.post(
                f"/communities/{community.slug}/members/{m.pk}/{action}/", {"reason": "x"}
            ).status_code
            == 404
        )
    assert client.get(f"/communities/{community.slug}/members/{m.pk}/ban/").status_code == 404
    assert _membership(facilitator, community).is_active


def test_an_outsider_gets_404_on_the_ban_url(member, community, login):
    m = _membership(member, community)
    client = login(UserFactory())
    assert client.get(f"/communities/{community.slug}/members/{m.pk}/ban/").status_code == 404


def test_a_silenced_member_sees_the_reason_and_cannot_post(facilitator, member, community, login):
    client = login(facilitator)
    m = _membership(member, community)
    response = client.post(
        f"/communities/{community.slug}/members/{m.pk}/silence/", {"reason": "Cool down, please", "days": "3"}
    )
    assert response.status_code == 302
    assert "Mo Member can read but not post for 3 days." in text(client.get(response.url))

    client = login(member)
    assert "Cool down, please" in text(client.get(community.get_absolute_url()))
    assert client.get(f"/communities/{community.slug}/discussions/new/").status_code == 404


def test_non_numeric_days_reshow_the_form_with_a_message_and_keep_the_reason(
    facilitator, member, community, login
):
    client = login(facilitator)
    m = _membership(member, community)
    response = client.post(
        f"/communities/{community.slug}/members/{m.pk}/silence/", {"reason": "Heated thread", "days": "lots"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Please check the number of days and the reason." in page
    assert "Heated thread" in page
    assert not _membership(member, community).is_silenced
    response = client.post(
        f"/communities/{community.slug}/members/{m.pk}/silence/", {"reason": "Heated thread", "days": "400"}
    )
    assert response.status_code == 200 and not _membership(member, community).is_silenced


def test_staff_suspend_a_person_from_their_profile_and_lift_it(staff, member, community, login):
    client = login(staff)
    assert f"/people/{member.pk}/suspend/" in text(client.get(member.get_absolute_url()))
    response = client.post(f"/people/{member.pk}/suspend/", {"reason": "Fraudulent offers"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.suspended_at is not None

    member_client = login(member)
    assert "Fraudulent offers" in text(member_client.get(community.get_absolute_url()))

    client = login(staff)
    client.post(f"/people/{member.pk}/suspend/", {"unsuspend": "1"})
    member.refresh_from_db()
    assert member.suspended_at is None


def test_a_facilitator_cannot_reach_the_suspend_page(facilitator, member, login):
    client = login(facilitator)
    assert client.get(f"/people/{member.pk}/suspend/").status_code == 404
    assert client.post(f"/people/{member.pk}/suspend/", {"reason": "x"}).status_code == 404
