import pytest
from django.urls import reverse

from communities import activity
from communities.models import Community, Membership, Presence
from tests.factories import MembershipFactory, UserFactory
from tests.utils import text, words

pytestmark = pytest.mark.django_db


def home(community):
    return reverse("communities:home", args=[community.slug])


def test_home_shows_purpose_facilitators_counts_and_whats_new(client, community, facilitator, member):
    activity.record(community, member, "member.joined", f"{member.name} joined")

    page = text(client.get(home(community)))

    assert community.purpose in page
    assert "Fiona Facilitator" in page
    assert "Mo Member joined" in page
    assert "Sign in to join" in page


def test_home_control_reflects_the_viewers_membership(
    login, community, closed_community, facilitator, member, outsider, pending
):
    assert "Join this community" in text(login(outsider).get(home(community)))
    assert "Leave" in text(login(member).get(home(community)))
    assert "Facilitator" in text(login(facilitator).get(home(community)))
    assert "Settings" in text(login(facilitator).get(home(community)))
    assert "Settings" not in text(login(member).get(home(community)))


def test_facilitator_sees_pending_requests_on_the_home_page(login, closed_community, facilitator, pending):
    page = text(login(facilitator).get(home(closed_community)))
    assert "1 request to join" in page


@pytest.mark.parametrize("persona", ["anon", "outsider", "pending", "declined"])
def test_every_page_of_a_closed_community_is_404_for_non_members(
    client, closed_community, facilitator, pending, persona
):
    if persona == "outsider":
        client.force_login(UserFactory())
    elif persona == "pending":
        client.force_login(pending)
    elif persona == "declined":
        declined = UserFactory()
        MembershipFactory(user=declined, community=closed_community, state=Membership.State.DECLINED)
        client.force_login(declined)
    fac = Membership.objects.get(user=facilitator, community=closed_community)
    for name, args in [
        ("communities:members", [closed_community.slug]),
        ("communities:requests", [closed_community.slug]),
        ("communities:edit", [closed_community.slug]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name, args in [
        ("communities:join", [closed_community.slug]),
        ("communities:leave", [closed_community.slug]),
        ("communities:decide", [closed_community.slug, fac.pk]),
        ("communities:set_role", [closed_community.slug, fac.pk]),
        ("communities:remove", [closed_community.slug, fac.pk]),
    ]:
        response = client.post(reverse(name, args=args), {"decision": "approve", "role": "core"})
        assert response.status_code == 404, name


def test_closed_member_list_is_visible_to_members(login, member, closed_community, facilitator):
    page = text(login(member).get(reverse("communities:members", args=[closed_community.slug])))
    assert "Fiona Facilitator" in page and "Mo Member" in page


def test_unknown_community_is_404(client):
    assert client.get("/communities/no-such-thing/").status_code == 404


def test_members_see_their_presence_recorded_once_a_day(login, member, community):
    client = login(member)
    client.get(home(community))
    client.get(home(community))
    assert Presence.objects.filter(user=member, community=community).count() == 1


@pytest.mark.usefixtures("render_every_view")
def test_home_query_count_does_not_grow_with_members_or_activity(
    login, community, facilitator, django_assert_num_queries
):
    viewer = UserFactory()
    MembershipFactory(user=viewer, community=community)
    client = login(viewer)
    client.get(home(community))  # presence is recorded on the first visit of the day
    # session, user, community + viewer's membership, the first-week checklist, quick poll panel;
    # what every viewer sees alike (and the viewer's path progress) comes from the community's
    # cache, the sidebar and unread counts from the member's.
    with django_assert_num_queries(5):
        client.get(home(community))

    for i in range(40):
        MembershipFactory(
            community=community, role=Membership.Role.FACILITATOR if i % 10 == 0 else "peripheral"
        )
        activity.record(community, facilitator, "member.joined", f"Someone {i} joined")
    # After a change the shared part is loaded again: facilitators with the counts, activity,
    # tags, discussions panel, this month's theme, article and meeting (one query), blog panel,
    # hot seats panel, the viewer's path progress.
    with django_assert_num_queries(5 + 8):
        page = client.get(home(community))
    assert "Someone 39 joined" in page.content.decode()
    with django_assert_num_queries(5):
        client.get(home(community))


def test_members_page_query_count_does_not_grow(login, member, community, django_assert_num_queries):
    client = login(member)
    url = reverse("communities:members", args=[community.slug])
    client.get(url)  # content types for the expertise tags are cached per process
    # session, user, community + membership, expertise counts, count, page of members,
    # their expertise
    with django_assert_num_queries(7):
        client.get(url)
    for m in MembershipFactory.create_batch(30, community=community):
        m.user.expertise.set(["risk", f"topic {m.pk}"])
    with django_assert_num_queries(7):
        client.get(url)


def test_members_are_listed_facilitators_first_and_filtered_by_expertise(
    login, member, community, facilitator, core_member
):
    member.expertise.set(["Benefits mapping"])
    core_member.expertise.set(["Benefits mapping", "Risk"])
    page = words(login(member).get(reverse("communities:members", args=[community.slug])))

    listing = page.split("Members (3)")[1]
    assert listing.index("Fiona Facilitator") < listing.index("Cora Core") < listing.index("Mo Member")
    assert "Who knows what" in page and "Benefits mapping 2" in page and "Risk 1" in page

    filtered = words(
        login(member).get(reverse("communities:members", args=[community.slug]), {"expertise": "risk"})
    )
    assert "Members who know about “Risk” (1)" in filtered
    assert "Cora Core" in filtered.split("Members who know about")[1]
    assert "Mo Member" not in filtered.split("Members who know about")[1]


@pytest.mark.parametrize("persona", ["anon", "outsider", "pending"])
def test_a_closed_communitys_address_shows_its_public_profile_and_nothing_else(
    client, closed_community, facilitator, member, pending, persona
):
    if persona == "outsider":
        client.force_login(UserFactory())
    elif persona == "pending":
        client.force_login(pending)

    response = client.get(reverse("communities:home", args=[closed_community.slug]))

    page = text(response)
    html = response.content.decode()
    assert response.status_code == 200
    assert closed_community.name in page and closed_community.purpose in page
    # No members, no tabs, no content: only the front door.
    assert "Fiona Facilitator" not in page and "Mo Member" not in page
    assert reverse("forums:thread_list", args=[closed_community.slug]) not in html
    assert reverse("communities:members", args=[closed_community.slug]) not in html
    if persona == "outsider":
        assert "Ask to join" in page
    elif persona == "anon":
        assert "Sign in to ask to join" in page
    else:
        assert "Your request is with the facilitators" in page


def test_an_unlisted_closed_community_is_still_404(client, closed_community):
    Community.objects.filter(pk=closed_community.pk).update(status=Community.Status.PROPOSED)
    assert client.get(reverse("communities:home", args=[closed_community.slug])).status_code == 404
