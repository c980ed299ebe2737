import pytest
from django.contrib.auth.models import AnonymousUser

from communities.models import Community, Membership
from communities.policy import access_for
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _access(user, community, state=None, role=Membership.Role.PERIPHERAL):
    membership = None if state is None else Membership(user=user, community=community, state=state, role=role)
    return access_for(user, community, membership)


@pytest.mark.parametrize(
    ("visibility", "status", "state", "role", "can_view", "can_post", "can_moderate"),
    [
        ("open", "active", None, "peripheral", True, False, False),
        ("open", "active", "active", "peripheral", True, True, False),
        ("open", "active", "active", "facilitator", True, True, True),
        ("closed", "active", None, "peripheral", False, False, False),
        ("closed", "active", "pending", "peripheral", False, False, False),
        ("closed", "active", "declined", "peripheral", False, False, False),
        ("closed", "active", "left", "core", False, False, False),
        ("closed", "active", "removed", "facilitator", False, False, False),
        ("closed", "active", "active", "core", True, True, False),
        ("closed", "archived", "active", "core", True, False, False),
        ("open", "proposed", None, "peripheral", False, False, False),
    ],
)
def test_policy_table(
    visibility, status, state, role, can_view, can_post, can_moderate, django_assert_num_queries
):
    community = CommunityFactory(visibility=visibility, status=status)
    user = UserFactory()
    with django_assert_num_queries(0):
        access = _access(user, community, state, role)
        assert (access.can_view, access.can_post, access.can_moderate) == (can_view, can_post, can_moderate)


def test_staff_see_everything_and_moderate_everywhere():
    community = CommunityFactory(visibility="closed")
    access = _access(UserFactory(is_staff=True), community)
    assert access.can_view and access.can_moderate and not access.can_post


def test_anonymous_visitors_see_open_communities_only():
    anon = AnonymousUser()
    assert access_for(anon, CommunityFactory(visibility="open")).can_view
    assert not access_for(anon, CommunityFactory(visibility="closed")).can_view


def test_visible_to_matches_the_page_rule():
    user = UserFactory()
    open_c = CommunityFactory(visibility="open")
    closed_mine = CommunityFactory(visibility="closed")
    closed_other = CommunityFactory(visibility="closed")
    pending_c = CommunityFactory(visibility="closed")
    proposed_mine = CommunityFactory(status=Community.Status.PROPOSED, proposed_by=user)
    CommunityFactory(status=Community.Status.PROPOSED)
    Membership.objects.create(user=user, community=closed_mine, state="active")
    Membership.objects.create(user=user, community=pending_c, state="pending")

    visible = set(Community.objects.visible_to(user))

    assert visible == {open_c, closed_mine, proposed_mine}
    for c in Community.objects.all():
        assert access_for(user, c).can_view == (c in visible), c
    assert closed_other not in visible
