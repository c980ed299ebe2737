import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.extensions import theme_sections_for
from communities.models import Theme
from communities.policy import access_for
from forums import views as forums_views
from forums.models import Thread
from tests.utils import text

from .helpers import thread

pytestmark = pytest.mark.django_db


def _theme(community, title):
    today = timezone.localdate()
    return Theme.objects.create(
        community=community, title=title, slug=title.lower().replace(" ", "-"),
        starts_on=today, ends_on=today + datetime.timedelta(days=30),
    )  # fmt: skip


def test_thread_form_offers_only_this_communitys_themes(login, member, community, closed_community):
    mine = _theme(community, "Non-cashable benefits")
    other = _theme(closed_community, "Secret theme")
    client = login(member)
    page = text(client.get(reverse("forums:thread_create", args=[community.slug]) + f"?theme={mine.pk}"))
    assert "Non-cashable benefits" in page and "Secret theme" not in page
    response = client.post(
        reverse("forums:thread_create", args=[community.slug]),
        {"kind": "question", "title": "Q", "body": "B", "theme": other.pk},
    )
    assert "Select a valid choice" in text(response)
    client.post(
        reverse("forums:thread_create", args=[community.slug]),
        {"kind": "question", "title": "Themed", "body": "B", "theme": mine.pk},
    )
    assert Thread.objects.get(title="Themed").theme == mine


def test_theme_section_lists_threads_attached_to_the_theme(rf, member, community, django_assert_num_queries):
    theme = _theme(community, "Assurance")
    thread(member, community, title="On theme", theme=theme)
    thread(member, community, title="Off theme")
    request = rf.get("/")
    request.user = member
    access = access_for(member, community)
    with django_assert_num_queries(1):
        context = forums_views.theme_section(request, theme, access)
    assert [t.title for t in context["theme_threads"]] == ["On theme"]
    assert ("forums/_theme_threads.html", context) in theme_sections_for(request, theme, access)


def test_discussions_tab_and_home_panel(client, member, community):
    thread(member, community, title="Visible to passers-by")
    page = text(client.get(reverse("communities:home", args=[community.slug])))
    assert "Discussions" in page and "Visible to passers-by" in page
    # Anonymous readers can read open discussions, and are invited to sign in to reply.
    page = text(client.get(Thread.objects.get().get_absolute_url()))
    assert "Visible to passers-by" in page and "Sign in" in page
