"""Planning a hot seat, its life cycle, the beat task and times in each viewer's zone."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.models import Activity
from hotseats import services
from hotseats.models import HotSeat
from hotseats.tasks import advance_hotseats
from newsletters.models import Notification
from tests.utils import text

from .conftest import ask, make_hotseat

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def form_data(**overrides):
    data = {
        "title": "Benefits after go-live",
        "topic": "Keeping benefits alive",
        "description": "Bring your **hardest** questions.",
        "expert_name": "Erin Expert",
        "expert_email": "erin@experts.example",
        "expert_bio": "Benefits lead, 20 years in local government",
        "opens_at": "2026-07-01T14:00",
        "closes_at": "",
        "theme": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(datetime.datetime(2026, 6, 20, 9, 0, tzinfo=UTC), tick=False)
def test_facilitator_schedules_a_hot_seat_in_their_zone_and_members_are_told(
    login, facilitator, member, expert, community, on_commit
):
    facilitator.timezone = "Europe/London"
    facilitator.save()
    with on_commit:
        response = login(facilitator).post(
            reverse("hotseats:create", args=[community.slug]), {**form_data(), "schedule": "1"}, follow=True
        )

    assert "The hot seat is scheduled and members have been told." in text(response)
    hotseat = HotSeat.objects.get()
    # 14:00 in London in July is 13:00 UTC; five days by default.
    assert hotseat.opens_at == datetime.datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert hotseat.closes_at == datetime.datetime(2026, 7, 6, 13, 0, tzinfo=UTC)
    assert hotseat.expert == expert  # the address has an account: linked at once
    assert hotseat.state == "scheduled"
    # The time is in the facilitator's zone, which the page names once (not on every line).
    page = text(response)
    assert "Wed 1 Jul 2026, 14:00" in page
    assert "Times are shown in London time (BST)" in page
    assert page.count("Europe/London") == 0
    notice = Notification.objects.get(recipient=member, kind="hotseat.scheduled")
    assert "“Benefits after go-live” with Erin Expert" in notice.text
    assert Notification.objects.filter(recipient=expert, kind="hotseat.expert").exists()
    assert Activity.objects.filter(verb="hotseat.scheduled").count() == 1
    assert member.email in [m.to[0] for m in mail.outbox]


def test_times_show_in_each_viewers_zone_with_the_zone_named(login, member, community):
    hotseat = make_hotseat(
        community, None, state="scheduled",
        opens_at=datetime.datetime(2030, 1, 15, 14, 0, tzinfo=UTC),
        closes_at=datetime.datetime(2030, 1, 20, 14, 0, tzinfo=UTC),
    )  # fmt: skip
    member.timezone = "America/New_York"
    member.save()

    page = text(login(member).get(hotseat.get_absolute_url()))

    assert "Tue 15 Jan 2030, 09:00" in page
    assert "Times are shown in New York time (EST)" in page


def test_a_draft_is_saved_quietly(login, facilitator, member, community, on_commit):
    with on_commit:
        login(facilitator).post(
            reverse("hotseats:create", args=[community.slug]), form_data(opens_at="2099-01-01T10:00")
        )

    assert HotSeat.objects.get().status == "draft"
    assert not Notification.objects.filter(recipient=member).exists()


def test_closing_before_opening_is_refused_and_keeps_what_was_typed(login, facilitator, community):
    response = login(facilitator).post(
        reverse("hotseats:create", args=[community.slug]),
        form_data(opens_at="2099-01-05T10:00", closes_at="2099-01-01T10:00", title="Keep me"),
    )

    assert "The closing time must be after the opening time." in text(response)
    assert 'value="Keep me"' in text(response)
    assert not HotSeat.objects.exists()


def test_pages_follow_the_clock_even_when_the_beat_is_late(login, member, community):
    hotseat = make_hotseat(community, None, state="scheduled")

    with time_machine.travel(hotseat.opens_at + datetime.timedelta(minutes=1)):
        assert HotSeat.objects.get().status == "scheduled"  # beat has not run
        assert "Ask Nadia New" in text(login(member).get(hotseat.get_absolute_url()))
        assert HotSeat.objects.get(pk=hotseat.pk).state == "open"
    with time_machine.travel(hotseat.closes_at + datetime.timedelta(minutes=1)):
        assert HotSeat.objects.get(pk=hotseat.pk).state == "closed"


def test_beat_opens_and_closes_once_however_often_it_runs(
    member, community, django_capture_on_commit_callbacks
):
    hotseat = make_hotseat(community, None, state="scheduled")

    with time_machine.travel(hotseat.opens_at + datetime.timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            assert advance_hotseats() == {"opened": 1, "closed": 0}
            assert advance_hotseats() == {"opened": 0, "closed": 0}
    assert Notification.objects.filter(recipient=member, kind="hotseat.opened").count() == 1
    assert Activity.objects.filter(verb="hotseat.opened").count() == 1

    with time_machine.travel(hotseat.closes_at + datetime.timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            assert advance_hotseats() == {"opened": 0, "closed": 1}
            assert advance_hotseats() == {"opened": 0, "closed": 0}
    assert HotSeat.objects.get().status == "closed"
    assert Activity.objects.filter(verb="hotseat.closed").count() == 1


def test_the_expert_is_told_when_their_hot_seat_opens_and_thanked_when_it_closes(
    expert, member, community, django_capture_on_commit_callbacks
):
    hotseat = make_hotseat(community, expert, state="scheduled")
    ask(hotseat, member)

    with time_machine.travel(hotseat.opens_at + datetime.timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            advance_hotseats()
    with time_machine.travel(hotseat.closes_at + datetime.timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            advance_hotseats()

    texts = list(Notification.objects.filter(recipient=expert).order_by("pk").values_list("text", flat=True))
    assert texts == [
        "Your hot seat “Benefits after go-live” is open: 1 question is waiting for your answer.",
        "Your hot seat “Benefits after go-live” has closed. Thank you! The transcript is ready.",
    ]
    assert not Notification.objects.filter(recipient=expert, kind="hotseat.opened").exists()


def test_facilitator_opens_early_extends_and_closes_early(login, facilitator, member, community, on_commit):
    hotseat = make_hotseat(community, None, state="scheduled")
    client = login(facilitator)
    slug = community.slug

    with on_commit:
        client.post(reverse("hotseats:open", args=[slug, hotseat.pk]))
    hotseat.refresh_from_db()
    assert hotseat.state == "open" and hotseat.status == "open"
    assert Notification.objects.filter(recipient=member, kind="hotseat.opened").count() == 1

    later = hotseat.closes_at + datetime.timedelta(days=2)
    local = timezone.localtime(later, datetime.timezone(datetime.timedelta(hours=0)))
    client.post(
        reverse("hotseats:extend", args=[slug, hotseat.pk]), {"closes_at": local.strftime("%Y-%m-%dT%H:%M")}
    )
    hotseat.refresh_from_db()
    assert abs(hotseat.closes_at - later) < datetime.timedelta(minutes=1)

    response = client.post(
        reverse("hotseats:extend", args=[slug, hotseat.pk]), {"closes_at": "2000-01-01T10:00"}
    )
    assert "must be later than the current one" in text(response)

    client.post(reverse("hotseats:close", args=[slug, hotseat.pk]))
    hotseat.refresh_from_db()
    assert hotseat.state == "closed"
    again = client.post(reverse("hotseats:close", args=[slug, hotseat.pk]), follow=True)
    assert "This hot seat has already closed." in text(again)


def test_a_member_cannot_run_a_hot_seat(member, community):
    hotseat = make_hotseat(community, None, state="scheduled")

    with pytest.raises(services.HotSeatError, match="Only this community's facilitators can run hot seats."):
        services.open_early(member, hotseat)


def test_facilitator_edits_details_and_a_new_expert_address_gets_an_invitation(
    login, facilitator, community, on_commit
):
    hotseat = make_hotseat(community, None, state="scheduled", expert_email="old@example.org")
    url = reverse("hotseats:edit", args=[community.slug, hotseat.pk])
    page = login(facilitator).get(url)
    assert 'value="Benefits after go-live"' in text(page)
    local = timezone.localtime(hotseat.opens_at, zoneinfo.ZoneInfo("Europe/London"))

    with on_commit:
        response = login(facilitator).post(
            url,
            form_data(
                title="Benefits, two years on",
                expert_email="New.Person@Example.org",
                expert_name="New Person",
                opens_at=local.strftime("%Y-%m-%dT%H:%M"),
                closes_at=(local + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            ),
            follow=True,
        )

    assert "The hot seat's details are saved." in text(response)
    hotseat.refresh_from_db()
    assert (hotseat.title, hotseat.expert_email, hotseat.expert) == (
        "Benefits, two years on",
        "new.person@example.org",
        None,
    )
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]


def test_controls_follow_the_state_a_scheduled_hot_seat_cannot_be_extended_or_closed(
    login, facilitator, community
):
    hotseat = make_hotseat(community, None, state="scheduled")
    client = login(facilitator)

    page = text(client.get(hotseat.get_absolute_url()))
    assert "Open now" in page and "Extend" not in page and "Close now" not in page

    response = client.post(reverse("hotseats:close", args=[community.slug, hotseat.pk]), follow=True)
    assert "has not opened yet" in text(response)
    hotseat.refresh_from_db()
    assert hotseat.state == "scheduled"


def test_facilitator_copies_or_resends_the_invitation_of_an_expert_without_an_account(
    login, facilitator, community, on_commit
):
    from django.core import mail

    hotseat = make_hotseat(community, None, state="scheduled", invite_sent_at=timezone.now())
    client = login(facilitator)

    page = text(client.get(hotseat.get_absolute_url()))
    assert f"/hotseats/{hotseat.pk}/invitation/{hotseat.invite_token}/" in page
    assert "Resend the invitation" in page

    with on_commit:
        response = client.post(
            reverse("hotseats:resend_invitation", args=[community.slug, hotseat.pk]), follow=True
        )
    assert "on its way to the expert again" in text(response)
    invitations = [m for m in mail.outbox if m.to == ["new.expert@example.org"]]
    assert len(invitations) == 1


def test_the_invitation_prefills_the_experts_address_at_sign_up(client, community):
    hotseat = make_hotseat(community, None, state="scheduled")
    invitation = reverse("hotseats:invitation", args=[community.slug, hotseat.pk, hotseat.invite_token])

    page = text(client.get(invitation))
    signup = "/accounts/signup/?next=" + page.split('href="/accounts/signup/?next=')[1].split('"')[0]

    assert "email=new.expert%40example.org" in signup
    form = text(client.get(signup))
    assert 'name="email" value="new.expert@example.org"' in form
