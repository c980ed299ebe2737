import pytest
from django.urls import reverse

from communities.models import Community, Membership
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, member_of
from tests.utils import text, words

pytestmark = pytest.mark.django_db


def test_directory_lists_active_communities_with_purpose_and_counts(
    client, community, facilitator, member, core_member
):
    page = words(client.get(reverse("communities:directory")))

    assert "Benefits Realisation" in page
    assert community.purpose in page
    # Everyone counts as a member (facilitator, core member, member); the core is part of it.
    assert "3 members, 2 core" in page


def test_a_new_community_with_only_its_founder_says_one_member(client, facilitator):
    lonely = CommunityFactory(name="Brand New", visibility=Community.Visibility.OPEN)
    MembershipFactory(community=lonely, user=facilitator, role=Membership.Role.FACILITATOR)

    page = words(client.get(reverse("communities:directory")))

    assert "1 member " in page
    assert "0 members" not in page


def test_directory_hides_proposed_and_rejected_communities(client):
    CommunityFactory(name="Waiting Room", status=Community.Status.PROPOSED)
    CommunityFactory(name="Turned Down", status=Community.Status.REJECTED)

    page = text(client.get(reverse("communities:directory")))

    assert "Waiting Room" not in page
    assert "Turned Down" not in page


def test_directory_lists_closed_communities_without_their_numbers(client, closed_community, facilitator):
    page = text(client.get(reverse("communities:directory")))

    assert "Assurance Reviewers" in page
    assert "Membership by request" in page
    # The card leads to the community's own address, which shows its profile and "Ask to join".
    assert reverse("communities:home", args=[closed_community.slug]) in page


def test_directory_shows_closed_numbers_to_members(login, member, closed_community):
    page = text(login(member).get(reverse("communities:directory") + "?visibility=closed"))

    assert "Assurance Reviewers" in page
    assert "You're a member" in page
    assert "Membership by request" not in page


def test_directory_search_by_name_and_tag(client):
    risk = CommunityFactory(name="Risk Management")
    risk.tags.set(["monte carlo"])
    CommunityFactory(name="Agile Delivery")

    by_name = text(client.get(reverse("communities:directory"), {"q": "risk"}))
    assert "Risk Management" in by_name and "Agile Delivery" not in by_name

    by_tag = text(client.get(reverse("communities:directory"), {"tag": "monte-carlo"}))
    assert "Risk Management" in by_tag and "Agile Delivery" not in by_tag

    by_tag_word = text(client.get(reverse("communities:directory"), {"q": "Monte Carlo"}))
    assert "Risk Management" in by_tag_word


def test_directory_filters_open_and_closed(client, community, closed_community):
    open_only = text(client.get(reverse("communities:directory"), {"visibility": "open"}))
    assert "Benefits Realisation" in open_only and "Assurance Reviewers" not in open_only

    closed_only = text(client.get(reverse("communities:directory"), {"visibility": "closed"}))
    assert "Assurance Reviewers" in closed_only and "Benefits Realisation" not in closed_only


def test_directory_says_so_when_nothing_matches(client, community):
    page = text(client.get(reverse("communities:directory"), {"q": "underwater basket weaving"}))
    assert "No communities match" in page


def _populate(n_communities, n_members):
    communities = CommunityFactory.create_batch(n_communities)
    for c in communities:
        c.tags.set(["governance", "risk"])
        for i in range(n_members):
            role = Membership.Role.CORE if i % 3 == 0 else Membership.Role.PERIPHERAL
            MembershipFactory(community=c, role=role)


def test_directory_query_count_does_not_grow_with_communities_or_members(login, django_assert_num_queries):
    viewer = UserFactory()
    client = login(viewer)
    _populate(2, 1)
    client.get(reverse("communities:directory"))
    # session, user, count for paginator, communities with counts, tags prefetch,
    # the viewer's membership states (the sidebar and unread counts are cached per member)
    with django_assert_num_queries(6):
        client.get(reverse("communities:directory"))

    _populate(20, 6)
    client.get(reverse("communities:directory"))  # new communities: the sidebar is read again once
    with django_assert_num_queries(6):
        response = client.get(reverse("communities:directory"))
    assert len(response.context["page"].object_list) == 22


def test_directory_for_signed_out_visitors_costs_three_queries(client, django_assert_num_queries):
    _populate(10, 3)
    # count, communities with counts, tags prefetch
    with django_assert_num_queries(3):
        client.get(reverse("communities:directory"))


def test_member_counts_ignore_pending_and_departed_members(client, community):
    member_of(community)
    member_of(community, state=Membership.State.PENDING)
    member_of(community, state=Membership.State.LEFT)

    page = words(client.get(reverse("communities:directory")))
    assert "1 member " in page
