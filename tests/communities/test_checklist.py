import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from forums.services import post_reply, start_thread
from newsletters.models import Preference
from tests.factories import member_of
from tests.utils import words

pytestmark = pytest.mark.django_db


def home(community):
    return reverse("communities:home", args=[community.slug])


def test_a_newcomer_sees_three_steps_ticked_as_they_do_them(login, community, facilitator):
    newcomer = member_of(community)
    client = login(newcomer)
    page = words(client.get(home(community)))
    assert "Your first week" in page and "0 of 3 done" in page
    intro = start_thread(
        facilitator, community, title="Introduce yourself", body="Who are you?", tags=["introductions"]
    )
    post_reply(newcomer, intro, "I'm a project manager in Leeds.")
    newcomer.expertise.set(["Benefits mapping"])
    assert "2 of 3 done" in words(client.get(home(community)))
    Preference.objects.create(user=newcomer, community=community, digest="daily")
    assert "3 of 3 done: welcome aboard!" in words(client.get(home(community)))


def test_the_checklist_can_be_dismissed(login, community):
    newcomer = member_of(community)
    client = login(newcomer)
    client.post(reverse("communities:dismiss_checklist", args=[community.slug]))
    assert "Your first week" not in words(client.get(home(community)))


def test_the_checklist_is_gone_after_the_first_week(login, community):
    newcomer = member_of(community)
    Membership.objects.filter(user=newcomer).update(joined_at=timezone.now() - datetime.timedelta(days=8))
    assert "Your first week" not in words(login(newcomer).get(home(community)))


def test_outsiders_and_facilitators_see_no_checklist(login, community, outsider, facilitator):
    assert "Your first week" not in words(login(outsider).get(home(community)))
    assert "Your first week" not in words(login(facilitator).get(home(community)))


def test_dismissing_is_for_members_only(login, outsider, closed_community):
    url = reverse("communities:dismiss_checklist", args=[closed_community.slug])
    assert login(outsider).post(url).status_code == 404
