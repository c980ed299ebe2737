"""No executable content from members reaches a page, a notification, an e-mail or a feed."""

import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Membership
from forums import services
from forums.models import Thread
from forums.services import posting
from tests.factories import member_of

from .helpers import age
from .hostile import HOSTILE, ONE_LINE, executable_content

pytestmark = pytest.mark.django_db


def _check(response_or_html):
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    problems = executable_content(html)
    assert problems == []
    return html


def test_checker_finds_what_it_should():
    assert executable_content('<img src=x onerror="alert(1)">')
    assert executable_content('<a href=" JavaScript:alert(1)">x</a>')
    assert executable_content("<script>alert('XSS')</script>")
    assert not executable_content("<p>&lt;script&gt;alert('XSS')&lt;/script&gt;</p>")


def test_hostile_inputs_everywhere_render_inert(
    login, community, facilitator, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(posting, "NEW_ACCOUNT_POSTS", 0)  # the link limit is tested elsewhere
    # A member whose profile fields are hostile too.
    evil = age(
        member_of(
            community,
            display_name="Eve <script>alert('XSS')</script>",
            job_title=ONE_LINE[1],
            organisation=ONE_LINE[7],
        )
    )
    watcher = age(member_of(community, display_name="Wendy Watcher"))
    services.set_community_watch(watcher, community, True)
    client = login(evil)
    body = "\n\n".join(HOSTILE) + "\n\n@Wendy Watcher have a look"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forums:thread_create", args=[community.slug]),
            {
                "kind": "question",
                "title": ONE_LINE[0] + " " + ONE_LINE[1],
                "body": body,
                "tags": ", ".join(f'"{h}"' for h in ONE_LINE[:4]),
                "poll_question": ONE_LINE[7],
                "poll_options": "\n".join(ONE_LINE[:8]),
            },
        )
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line
    ]
    thread = Thread.objects.get()
    assert thread.poll.options.count() == 8
    with django_capture_on_commit_callbacks(execute=True):
        for hostile in HOSTILE:
            services.post_reply(evil, thread, hostile)

    pages = [
        reverse("forums:thread_list", args=[community.slug]),
        thread.get_absolute_url(),
        thread.get_absolute_url() + "?page=2",
        reverse("forums:search", args=[community.slug]) + "?q=alert",
        reverse("forums:search_all") + "?q=script",
        reverse("forums:similar", args=[community.slug]) + "?title=alert+script+onerror",
        reverse("forums:my_questions"),
        reverse("communities:home", args=[community.slug]),
        reverse("home"),
        evil.get_absolute_url(),
    ]
    for viewer in (evil, watcher, facilitator):
        client = login(viewer)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            _check(response)
    # The poll results after voting.
    client = login(watcher)
    option = thread.poll.options.first()
    client.post(reverse("forums:poll_vote", args=[community.slug, thread.pk]), {"option": [option.pk]})
    _check(client.get(thread.get_absolute_url()))

    # Notifications: in-app list and e-mail, both parts.
    notifications = login(watcher).get(reverse("newsletters:notifications"))
    html = _check(notifications)
    assert "mentioned you" in html
    assert mail.outbox
    for message in mail.outbox:
        _check(message.alternatives[0][0])
        # Subjects are plain text (a mail client never runs them): kept as typed, not escaped.
        assert "&lt;" not in message.subject and "&amp;" not in message.subject

    # The Atom feed: titles escaped, content sanitised.
    feed = client.get(reverse("forums:feed", args=[community.slug])).content.decode()
    assert "<script" not in feed
    import xml.etree.ElementTree as ET

    root = ET.fromstring(feed)  # noqa: S314 - our own feed, in a test
    for element in root.iter():
        if element.tag.endswith("summary") or element.tag.endswith("content"):
            _check(element.text or "")


def test_editing_to_hostile_text_stays_inert(login, member, community, monkeypatch):
    monkeypatch.setattr(posting, "NEW_ACCOUNT_POSTS", 0)
    age(member)
    t = services.start_thread(member, community, title="Fine", body="Fine")
    for _ in range(3):
        services.post_reply(member, t, "filler")
    post = t.posts.get(number=1)
    client = login(member)
    response = client.post(
        reverse("forums:post_edit", args=[community.slug, post.pk]),
        {"title": ONE_LINE[2], "body": HOSTILE[4]},
        follow=True,
    )
    assert response.status_code == 200
    _check(response)
    assert Membership.objects.filter(user=member).exists()
