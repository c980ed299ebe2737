import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import activity
from communities.models import Community, Membership, Presence
from tests.factories import CommunityFactory, MembershipFactory, member_of
from tests.utils import words

pytestmark = pytest.mark.django_db


def dashboard(community):
    return reverse("communities:dashboard", args=[community.slug])


def test_facilitator_sees_members_newcomers_contributors_and_readers(login, community, facilitator, member):
    newcomer = member_of(community, display_name="Nina Newcomer")
    activity.record(community, member, "thread.created", "Mo asked a question")
    activity.record(community, newcomer, "member.joined", "Nina joined")  # joining is not contributing
    Presence.objects.create(community=community, user=member, day=timezone.localdate())
    Presence.objects.create(community=community, user=newcomer, day=timezone.localdate())

    page = words(login(facilitator).get(dashboard(community)))

    assert "Members 3" in page
    assert "Contributors 1" in page
    assert "Readers 2" in page
    assert "Nina Newcomer" in page


def test_old_members_are_not_newcomers(login, community, facilitator):
    old = member_of(community, display_name="Olive Oldtimer")
    Membership.objects.filter(user=old).update(joined_at=timezone.now() - datetime.timedelta(days=90))

    page = words(login(facilitator).get(dashboard(community)))
    assert "Olive Oldtimer" not in page


def test_only_facilitators_and_staff_see_the_dashboard(login, community, facilitator, member, staff, client):
    assert login(member).get(dashboard(community)).status_code == 404
    client.logout()
    assert client.get(dashboard(community)).status_code == 404
    assert login(staff).get(dashboard(community)).status_code == 200


def test_dashboard_query_count_does_not_grow(login, community, facilitator, django_assert_num_queries):
    client = login(facilitator)
    client.get(dashboard(community))
    # session, user, community, membership, pending count, roles, newcomers, contributors,
    # readers, weekly activity, sidebar, notifications
    with django_assert_num_queries(12):
        client.get(dashboard(community))
    for i in range(25):
        m = MembershipFactory(community=community)
        activity.record(community, m.user, "post.created", f"post {i}")
    with django_assert_num_queries(12):
        client.get(dashboard(community))


def test_site_health_flags_communities_without_facilitators_or_activity(login, staff, community, facilitator):
    orphan = CommunityFactory(name="Orphaned Community")
    MembershipFactory(community=orphan)
    Community.objects.filter(pk=orphan.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=90)
    )
    activity.record(community, facilitator, "thread.created", "A fresh thread")

    page = words(login(staff).get(reverse("communities:health")))

    assert "Orphaned Community" in page
    assert "No facilitator" in page
    assert "Quiet for over 60 days" in page
    row = page.split("Benefits Realisation", 1)[1].split("Orphaned Community", 1)[0]
    assert "No facilitator" not in row


def test_site_health_is_for_staff_only(login, member):
    assert login(member).get(reverse("communities:health")).status_code == 404


def test_site_health_query_count_does_not_grow(login, staff, django_assert_num_queries):
    client = login(staff)
    CommunityFactory.create_batch(2)
    # session, user, communities with their signs, sidebar, notifications
    with django_assert_num_queries(5):
        client.get(reverse("communities:health"))
    for c in CommunityFactory.create_batch(15):
        MembershipFactory.create_batch(2, community=c)
    with django_assert_num_queries(5):
        client.get(reverse("communities:health"))
