"""Bans, silences and suspensions: each with a reason the member sees, each in the audit trail."""

import pytest

from communities import moderation, services
from communities.models import Membership
from communities.services import CommunityError
from cop_platform.accounts.models import SecurityEvent
from tests.factories import UserFactory
from tests.utils import text

pytestmark = pytest.mark.django_db


def test_a_removed_member_of_an_open_community_can_rejoin_but_a_banned_one_cannot(facilitator, community):
    troll = UserFactory(display_name="Troll")
    services.join_community(troll, community)
    moderation.ban_member(facilitator, community, troll, "Repeated personal attacks")

    with pytest.raises(CommunityError, match="banned.*Repeated personal attacks"):
        services.join_community(troll, community)
    assert not Membership.objects.get(user=troll, community=community).is_active


def test_a_banned_person_cannot_ask_to_join_a_closed_community(facilitator, closed_community):
    troll = UserFactory()
    moderation.ban_member(facilitator, closed_community, troll, "Spam")
    with pytest.raises(CommunityError, match="banned"):
        services.request_membership(troll, closed_community, "let me in")


def test_a_banned_person_sees_why_on_the_community_page(facilitator, community, login):
    troll = UserFactory()
    services.join_community(troll, community)
    moderation.ban_member(facilitator, community, troll, "Repeated personal attacks")
    page = text(login(troll).get(community.get_absolute_url()))
    assert "You were banned from Benefits Realisation. Reason: Repeated personal attacks" in page
    assert "Join" not in page.split("Repeated personal attacks")[0].split("community-head__actions")[-1]


def test_a_silenced_member_reads_but_cannot_post_and_sees_the_reason(facilitator, member, community, login):
    membership = Membership.objects.get(user=member, community=community)
    moderation.silence_member(facilitator, membership, days=3, reason="Cool down, please")
    client = login(member)
    page = text(client.get(community.get_absolute_url()))
    assert "but not post until" in page and "Cool down, please" in page
    assert client.get(f"/communities/{community.slug}/discussions/new/").status_code == 404


def test_silence_ends_by_itself(facilitator, member, community, time_machine):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    membership = Membership.objects.get(user=member, community=community)
    moderation.silence_member(facilitator, membership, days=1, reason="Cool down")
    from communities.policy import access_for

    assert not access_for(member, community).can_post
    time_machine.shift(60 * 60 * 25)
    assert access_for(member, community).can_post


def test_a_suspended_account_cannot_post_anywhere(staff, member, community, closed_community):
    from communities.policy import access_for

    moderation.suspend_user(staff, member, "Fraudulent offers")
    assert not access_for(member, community).can_post
    assert not access_for(member, closed_community).can_post
    assert "Fraudulent offers" in moderation.restriction_message(access_for(member, community))
    moderation.unsuspend_user(staff, member)
    assert access_for(member, community).can_post


def test_only_facilitators_ban_and_only_staff_suspend(member, facilitator, community):
    with pytest.raises(CommunityError):
        moderation.ban_member(member, community, facilitator, "no")
    with pytest.raises(CommunityError):
        moderation.suspend_user(facilitator, member, "no")


def test_a_ban_needs_a_reason(facilitator, member, community):
    with pytest.raises(CommunityError, match="reason"):
        moderation.ban_member(facilitator, community, member, "  ")


def test_sanctions_and_role_changes_are_in_the_audit_trail(facilitator, member, staff, community):
    membership = Membership.objects.get(user=member, community=community)
    services.change_role(facilitator, membership, Membership.Role.CORE)
    moderation.silence_member(facilitator, membership, days=2, reason="Heated")
    moderation.ban_member(facilitator, community, member, "Abuse")
    moderation.suspend_user(staff, member, "Abuse")
    kinds = list(SecurityEvent.objects.filter(user=member).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["role_changed", "silenced", "banned", "suspended"]
    assert SecurityEvent.objects.filter(kind="banned").get().actor == facilitator
