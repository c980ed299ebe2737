import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.activity import record
from communities.models import Membership, Theme
from newsletters import issues
from newsletters.models import Delivery, Issue, Preference
from tests.factories import member_of

from ..utils import text


def url(name, issue, *extra):
    return reverse(f"newsletters:{name}", args=[issue.community.slug, issue.pk, *extra])


@pytest.fixture
def draft(facilitator, community):
    return Issue.objects.create(
        community=community,
        author=facilitator,
        subject="November in Benefits",
        body="## Hello\n\nA *good* month.",
    )


@pytest.fixture
def closed_issue(facilitator, closed_community):
    issue = Issue.objects.create(
        community=closed_community, author=facilitator, subject="Reviewers' news", body="Confidential plans"
    )
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, started_at=timezone.now())
    issue.refresh_from_db()
    return issue


def test_the_draft_reads_like_a_note_from_the_facilitator(login, facilitator, core_member, community):
    from communities.models import Article, Document, Meeting
    from forums import services as forum_services
    from tests.forums.helpers import age
    from tests.hotseats.conftest import make_hotseat

    age(core_member)
    quiet = forum_services.start_thread(core_member, community, title="A quiet question", body="Anyone?")
    lively = forum_services.start_thread(
        core_member, community, title="How do you measure benefits?", body="?"
    )
    forum_services.post_reply(facilitator, lively, "Like this.")
    forum_services.post_reply(facilitator, lively, "And like that.")
    hotseat = make_hotseat(community, state="closed", title="Benefits after go-live", expert_name="Nadia New")
    document = Document.objects.create(community=community, title="Benefits toolkit", uploaded_by=core_member)
    record(community, core_member, "document.versioned", "Cora uploaded version 2 of “Old file”", url="/d/9/")
    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    Article.objects.create(
        community=community,
        month=this_month,
        title="Why projects fail",
        url="https://example.org/a",
        introduction="Read it.",
    )
    Article.objects.create(
        community=community,
        month=last_month,
        title="Stale article",
        url="https://example.org/b",
        introduction="Old.",
    )
    for week in range(3):  # a weekly clinic is one line, at its next date
        start = now + datetime.timedelta(days=2 + 7 * week)
        Meeting.objects.create(
            community=community,
            title="Practice clinic",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
    today = timezone.localdate()
    Theme.objects.create(
        community=community,
        title="Benefits maps",
        slug="maps",
        starts_on=today,
        ends_on=today,
        description="Maps!",
    )
    page = text(login(facilitator).get(reverse("newsletters:issue_new", args=[community.slug])))
    assert f"Benefits Realisation: {today:%B %Y}" in page
    for line in [
        "## This month's theme: Benefits maps",
        "## Conversations worth reading",
        f"- [How do you measure benefits?]({lively.get_absolute_url()}) (2 replies)",
        "## Hot seats",
        f"Nadia New answered your questions on [Benefits after go-live](/communities/benefits/hotseats/{hotseat.pk}/transcript/)",
        "## Article of the month",
        "[Why projects fail](https://example.org/a)",
        "## New in the library",
        f"- [Benefits toolkit]({document.get_absolute_url()})",
        "## Welcome",
        "Cora Core",
        "See you in the community,\n\nFiona Facilitator\nFacilitator, Benefits Realisation",
    ]:
        assert line in page
    body = page.split("<textarea")[1].split("</textarea>")[0]
    assert quiet.title not in body  # no replies yet
    assert "version 2" not in body and "Stale article" not in body  # no log lines, no old article
    assert body.count("Practice clinic") == 1
    assert "http://testserver" not in body  # site paths, made absolute when the e-mail is built


def test_pressing_save_twice_keeps_one_draft(login, facilitator, community):
    client = login(facilitator)
    data = {"subject": "December in Benefits", "body": "Hello everyone"}
    first = client.post(reverse("newsletters:issue_new", args=[community.slug]), data)
    second = client.post(reverse("newsletters:issue_new", args=[community.slug]), data)

    assert Issue.objects.filter(community=community).count() == 1
    assert first["Location"] == second["Location"]


def test_site_paths_in_the_draft_become_full_addresses_in_the_email(facilitator, member, community):
    from newsletters.mail import newsletter_email

    issue = Issue.objects.create(
        community=community,
        author=facilitator,
        subject="News",
        body="Read [this](/communities/benefits/discussions/1/).",
    )
    message = newsletter_email(issue, member, test=True)

    assert "[this](http://testserver/communities/benefits/discussions/1/)" in message.body
    assert 'href="http://testserver/communities/benefits/discussions/1/"' in message.alternatives[0][0]
    # Members' copies send the same full address through the aggregate click counter.
    import re

    from newsletters import links

    sent = newsletter_email(issue, member)
    for part in (sent.body, sent.alternatives[0][0]):
        tokens = re.findall(r"http://testserver/email/link/([^/\s\")]+)/", part)
        assert ("http://testserver/communities/benefits/discussions/1/", issue.delivery_key) in {
            links.read(t) for t in tokens
        }


def test_facilitator_saves_a_draft_that_members_cannot_see(login, facilitator, member, community):
    response = login(facilitator).post(
        reverse("newsletters:issue_new", args=[community.slug]), {"subject": "Hello", "body": "**Hi** all"}
    )
    issue = Issue.objects.get()
    assert response["Location"] == url("issue", issue)
    assert issue.body_html == "<p><strong>Hi</strong> all</p>\n"
    client = login(member)
    assert client.get(url("issue", issue)).status_code == 404
    assert "Hello" not in text(client.get(reverse("newsletters:issue_list", args=[community.slug])))


def test_an_empty_subject_is_refused_and_the_text_is_kept(login, facilitator, community):
    response = login(facilitator).post(
        reverse("newsletters:issue_new", args=[community.slug]), {"subject": "", "body": "My long text"}
    )
    assert response.status_code == 200
    assert "This field is required." in text(response) and "My long text" in text(response)
    assert not Issue.objects.exists()


@pytest.mark.parametrize("name", ["issue_new"])
def test_members_cannot_compose(login, member, community, name):
    assert login(member).get(reverse(f"newsletters:{name}", args=[community.slug])).status_code == 404


def test_members_cannot_send_preview_or_edit(login, member, draft):
    client = login(member)
    Issue.objects.filter(pk=draft.pk).update(status=Issue.Status.SENT)
    for name in ["issue_edit", "issue_preview", "issue_status"]:
        assert client.get(url(name, draft)).status_code == 404
    for name in ["issue_send", "issue_test", "issue_schedule", "issue_unschedule", "issue_resume"]:
        assert client.post(url(name, draft)).status_code == 404


def test_closed_archive_is_for_members_only(client, login, outsider, pending, member, closed_issue):
    archive = reverse("newsletters:issue_list", args=[closed_issue.community.slug])
    for viewer in (client, login(outsider), login(pending)):
        assert viewer.get(archive).status_code == 404
        assert viewer.get(url("issue", closed_issue)).status_code == 404
    page = text(login(member).get(url("issue", closed_issue)))
    assert "Confidential plans" in page
    assert "Sent" not in page.split("Confidential plans")[1][:50]  # no delivery panel for members


def test_open_archive_is_public_and_lists_sent_issues(client, draft):
    issues.send_now(draft)  # eager: sent in process
    response = client.get(reverse("newsletters:issue_list", args=[draft.community.slug]))
    assert "November in Benefits" in text(response)
    page = text(client.get(url("issue", draft)))
    assert "<h2>Hello</h2>" in page and "<em>good</em>" in page


def test_newsletter_tab_is_on_community_pages(client, community):
    assert reverse("newsletters:issue_list", args=[community.slug]) in text(
        client.get(community.get_absolute_url())
    )


def test_preview_shows_the_email(login, facilitator, draft):
    page = text(login(facilitator).get(url("issue_preview", draft)))
    assert "Subject: <strong>November in Benefits</strong>" in page
    assert "srcdoc=" in page and "Plain-text version" in page


def test_send_a_test_to_myself_only(login, facilitator, member, draft, on_commit):
    with on_commit:
        response = login(facilitator).post(url("issue_test", draft))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert mail.outbox[0].subject == "[Test] November in Benefits"
    assert Issue.objects.get().status == "draft"
    assert not Delivery.objects.filter(kind="newsletter").exists()


def test_send_now_mails_each_member_once_and_honours_preferences(
    login,
    facilitator,
    member,
    core_member,
    pending,
    outsider,
    community,
    draft,
    django_capture_on_commit_callbacks,
):
    Preference.objects.create(user=core_member, community=community, newsletter=False)
    left = member_of(community, state=Membership.State.LEFT)
    client = login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("issue_send", draft))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([facilitator.email, member.email])
    message = next(m for m in mail.outbox if m.to == [member.email])
    assert message.reply_to == [facilitator.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert "<h2" in html and 'style="' in html and f"http://testserver{url('issue', draft)}" in html
    assert "## Hello" in message.body
    draft.refresh_from_db()
    assert draft.status == "sent" and draft.recipient_count == 2
    # Pressing "send" again is refused, and re-running the fan-out sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("issue_send", draft), follow=True)
    assert "goes out only once" in text(response)
    issues.start_issue(draft.pk)
    assert len(mail.outbox) == 2
    assert left.email not in [m.to[0] for m in mail.outbox]


def test_the_issue_page_reports_sent_failed_and_unknown(login, facilitator, draft, settings):
    Issue.objects.filter(pk=draft.pk).update(status=Issue.Status.SENDING, started_at=timezone.now())
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    people = [member_of(draft.community) for _ in range(6)]
    for person, status in zip(people, ["sent", "sent", "sent", "failed", "sending", "pending"], strict=True):
        Delivery.objects.create(
            recipient=person, email=person.email, kind="newsletter", key=draft.delivery_key, status=status,
            claimed_at=long_ago, last_error="550 No such user" if status == "failed" else "",
        )  # fmt: skip
    page = text(login(facilitator).get(url("issue", draft)))
    for label, number in [("sent", 3), ("failed", 1), ("unknown", 1), ("remaining", 1)]:
        assert f'data-testid="{label}">{number}<' in page
    assert "550 No such user" in page and "Resume sending" in page
    assert page.count("Unknown") >= 2


def test_schedule_then_beat_sends_when_due(
    login, facilitator, member, draft, django_capture_on_commit_callbacks
):
    client = login(facilitator)
    response = client.post(url("issue_schedule", draft), {"send_at": "2001-01-01T09:00"}, follow=True)
    assert "Please choose a time in the future" in text(response)
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("issue_schedule", draft), {"send_at": when.strftime("%Y-%m-%dT%H:%M")})
    draft.refresh_from_db()
    assert draft.status == "scheduled" and mail.outbox == []
    assert issues.send_due_issues() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert issues.send_due_issues(now=timezone.now() + datetime.timedelta(days=2)) == 1
    draft.refresh_from_db()
    assert draft.status == "sent" and len(mail.outbox) == 2


def test_unschedule_returns_to_draft(login, facilitator, draft):
    issues.schedule(draft, timezone.now() + datetime.timedelta(hours=2))
    login(facilitator).post(url("issue_unschedule", draft))
    draft.refresh_from_db()
    assert (draft.status, draft.scheduled_for) == ("draft", None)


def test_sent_issues_cannot_be_edited(login, facilitator, draft):
    issues.send_now(draft)
    response = login(facilitator).post(
        url("issue_edit", draft), {"subject": "Changed", "body": "x"}, follow=True
    )
    assert "can no longer be edited" in text(response)
    draft.refresh_from_db()
    assert draft.subject == "November in Benefits"


def test_issue_page_query_count_does_not_grow_with_recipients(
    login, facilitator, draft, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Issue.objects.filter(pk=draft.pk).update(status=Issue.Status.SENT, started_at=timezone.now())
    client = login(facilitator)
    client.get(url("issue", draft))
    with CaptureQueriesContext(connection) as few:
        client.get(url("issue", draft))
    for _ in range(20):
        person = member_of(draft.community)
        Delivery.objects.create(
            recipient=person, email=person.email, kind="newsletter", key=draft.delivery_key, status="failed"
        )
    with django_assert_num_queries(len(few)):
        client.get(url("issue", draft))


def test_archive_list_costs_the_same_queries_for_one_and_many_issues(client, facilitator, community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def publish():
        issue = Issue.objects.create(community=community, author=facilitator, subject="News", body="Hi")
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, started_at=timezone.now())

    archive = reverse("newsletters:issue_list", args=[community.slug])
    publish()
    client.get(archive)
    with CaptureQueriesContext(connection) as one:
        client.get(archive)
    for _ in range(12):
        publish()
    with CaptureQueriesContext(connection) as many:
        response = client.get(archive)
    assert len(one) == len(many)
    assert text(response).count("News</strong>") == 13


def test_beat_resumes_an_issue_whose_sending_stalled(facilitator, member, draft):
    Issue.objects.filter(pk=draft.pk).update(
        status=Issue.Status.SENDING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    for person in (facilitator, member):
        Delivery.objects.create(
            recipient=person, email=person.email, kind="newsletter", key=draft.delivery_key
        )
    stuck = member_of(draft.community)
    Delivery.objects.create(
        recipient=stuck, email=stuck.email, kind="newsletter", key=draft.delivery_key, status="sending",
        claimed_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    assert issues.resume_stalled() == 1  # one batch re-enqueued (eager: sent now)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([facilitator.email, member.email])
    draft.refresh_from_db()
    assert draft.status == "sent"
    assert Delivery.objects.get(recipient=stuck).status == "sending"  # unknown, not resent
    assert issues.resume_stalled() == 0
