"""Guests at events: invited to one meeting, they see that meeting only and are offered membership."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.models import Meeting, MeetingGuest, Membership, Rsvp
from tests.factories import UserFactory
from tests.utils import words

pytestmark = pytest.mark.django_db


def meeting(community, title="Review panel", days=3):
    starts = timezone.now() + datetime.timedelta(days=days)
    return Meeting.objects.create(
        community=community, title=title, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        notes="Secret-free notes." if days < 0 else "",
    )  # fmt: skip


def invite(client, m, emails, capture):
    with capture(execute=True):
        return client.post(
            reverse("communities:meeting_guests", args=[m.community.slug, m.pk]), {"emails": emails}
        )


def test_a_guest_accepts_then_sees_that_meeting_only_and_can_say_they_will_come(
    login, facilitator, closed_community, django_capture_on_commit_callbacks
):
    m = meeting(closed_community)
    other = meeting(closed_community, "Members only session")
    guest = UserFactory(email="gail@elsewhere.example", display_name="Gail Guest")
    invite(login(facilitator), m, "gail@elsewhere.example", django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject == "Fiona Facilitator invites you to “Review panel” (Assurance Reviewers)"
    assert "as a guest" in message.body
    accept_url = re.search(r"http://testserver(/\S+)", message.body)[1]
    client = login(guest)
    response = client.post(accept_url)
    assert response["Location"] == m.get_absolute_url()
    assert not Membership.objects.filter(user=guest).exists()  # a guest is not made a member

    page = words(client.get(m.get_absolute_url()))
    assert "You are invited to this meeting as a guest" in page and "Will you come?" in page
    client.post(
        reverse("communities:meeting_rsvp", args=[closed_community.slug, m.pk]), {"response": "going"}
    )
    assert Rsvp.objects.get(meeting=m, user=guest).response == "going"
    assert (
        client.get(reverse("communities:meeting_ics", args=[closed_community.slug, m.pk])).status_code == 200
    )

    for url in (other.get_absolute_url(), reverse("communities:meetings", args=[closed_community.slug]),
                reverse("communities:library", args=[closed_community.slug]),
                reverse("communities:calendar", args=[closed_community.slug]),
                reverse("forums:thread_list", args=[closed_community.slug])):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_after_the_meeting_a_guest_reads_the_notes_and_is_offered_membership(
    login, closed_community, facilitator
):
    m = meeting(closed_community, days=-2)
    guest = UserFactory()
    MeetingGuest.objects.create(meeting=m, user=guest)

    page = words(login(guest).get(m.get_absolute_url()))

    assert "Secret-free notes." in page
    assert "Thank you for coming as a guest" in page and "Ask to join Assurance Reviewers" in page


def test_only_facilitators_invite_guests_and_members_are_not_invited_as_guests(
    login, facilitator, member, closed_community, django_capture_on_commit_callbacks
):
    m = meeting(closed_community)
    assert invite(login(member), m, "x@example.org", django_capture_on_commit_callbacks).status_code == 404
    invite(login(facilitator), m, member.email, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_someone_without_an_invitation_sees_nothing(login, outsider, closed_community):
    m = meeting(closed_community)
    assert login(outsider).get(m.get_absolute_url()).status_code == 404
    assert (
        login(outsider)
        .post(reverse("communities:meeting_rsvp", args=[closed_community.slug, m.pk]), {"response": "going"})
        .status_code
        == 404
    )


def test_a_guest_who_said_they_would_come_is_reminded_the_day_before(closed_community):
    from newsletters.sources.communities.reminders import send_event_reminders

    m = meeting(closed_community, days=0)
    Meeting.objects.filter(pk=m.pk).update(starts_at=timezone.now() + datetime.timedelta(hours=6))
    guest = UserFactory()
    MeetingGuest.objects.create(meeting=m, user=guest)
    Rsvp.objects.create(meeting=m, user=guest, response="going")

    send_event_reminders()

    assert [message.to for message in mail.outbox] == [[guest.email]]
