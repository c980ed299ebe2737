"""Presence and visibility: profiles, "last active", who may see whom, the people directory."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import activity
from communities.models import Document, Presence
from forums.services import blog
from tests.factories import UserFactory
from tests.utils import words

pytestmark = pytest.mark.django_db


def profile(client, person):
    return client.get(reverse("profile", args=[person.pk]))


def test_a_profile_shows_recent_contributions_the_viewer_may_see_and_communities_in_common(
    login, member, core_member, outsider, community, closed_community
):
    blog.publish_blog_post(member, blog.save_blog_post(member, community, title="Open thoughts", body="x"))
    blog.publish_blog_post(
        member, blog.save_blog_post(member, closed_community, title="Closed thoughts", body="x")
    )

    as_core = words(profile(login(core_member), member))
    as_outsider = words(profile(login(outsider), member))

    assert "Blog: Open thoughts" in as_core and "Blog: Closed thoughts" not in as_core
    assert "In common with you: Benefits Realisation" in as_core
    assert "Blog: Open thoughts" in as_outsider and "In common with you" not in as_outsider
    assert "Assurance Reviewers" not in as_outsider


def test_a_profile_shows_the_stage_in_each_community(login, core_member, member, community):
    assert "Benefits Realisation Core member" in words(profile(login(member), core_member))


def test_last_active_shows_unless_the_member_hides_it(login, member, core_member, community):
    Presence.objects.create(
        community=community, user=member, day=timezone.localdate() - datetime.timedelta(days=3)
    )
    assert "Last active 3 days ago" in words(profile(login(core_member), member))

    member.show_last_active = False
    member.save()
    assert "Last active" not in words(profile(login(core_member), member))
    assert "Last active" in words(profile(login(member), member))  # they still see their own


def test_a_member_can_keep_their_profile_to_members_of_their_communities(
    client, login, member, core_member, outsider, staff, community
):
    member.profile_visibility = "members"
    member.save()

    assert profile(login(core_member), member).status_code == 200  # shares Benefits Realisation
    assert profile(login(outsider), member).status_code == 404
    assert profile(login(staff), member).status_code == 200
    client.logout()
    assert profile(client, member).status_code == 302  # signed out: sign in first, never the page


def test_the_people_directory_filters_by_expertise_and_organisation_and_honours_choices(
    login, member, core_member, outsider, community
):
    member.organisation = "Leeds City Council"
    member.save()
    member.expertise.set(["benefits realisation"])
    core_member.organisation = "Cardiff Council"
    core_member.profile_visibility = "members"
    core_member.save()
    core_member.expertise.set(["benefits realisation"])

    as_outsider = words(login(outsider).get(reverse("people"), {"expertise": "Benefits Realisation"}))
    as_member = words(login(member).get(reverse("people"), {"expertise": "benefits realisation"}))
    by_org = words(login(member).get(reverse("people"), {"organisation": "leeds"}))

    assert "Mo Member" in as_outsider and "Cora Core" not in as_outsider
    assert "Mo Member" in as_member and "Cora Core" in as_member
    assert "Mo Member" in by_org and "Cora Core" not in by_org


def test_pages_cost_the_same_queries_with_few_or_many_people_and_contributions(
    login, member, core_member, community, django_assert_num_queries
):
    client = login(core_member)
    activity.record(community, member, "blog.published", "Blog: one")
    # session, user, person, person's memberships I may see, my communities, recent
    # contributions, last active, expertise, inferred expertise (accepted answers, helpful
    # marks, hot seats, documents), recognition, then the layout's two
    with django_assert_num_queries(15) as first:
        profile(client, member)
    for i in range(20):
        activity.record(community, member, "blog.published", f"Blog: {i}")
        Document.objects.create(community=community, title=f"D{i}", uploaded_by=member).tags.set(
            [f"t{i}", "x y"]
        )
    with django_assert_num_queries(len(first.captured_queries)):
        profile(client, member)

    with django_assert_num_queries(7) as few:
        client.get(reverse("people"))
    for i in range(20):
        UserFactory().expertise.set([f"topic {i}", "shared"])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("people"))


def test_the_profile_form_saves_the_visibility_choices(login, member):
    data = {"display_name": "Mo", "timezone": "Europe/London", "profile_visibility": "members"}
    login(member).post(reverse("accounts:edit_profile"), data)
    member.refresh_from_db()
    assert member.profile_visibility == "members" and member.show_last_active is False
