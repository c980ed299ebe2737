"""One visibility rule, read everywhere: the matrix of issue 9.

For every persona x object type x state, these all give the same answer as the rule written out
in plain words below (`expected`):

- the predicate      `access_for(user, community).can_see(obj)`
- the queryset       `Model.objects.visible_to(user)`
- the page           its status (200 / 404), or whether the object shows on the page that holds it
                     (a reply on its thread page, a question on its hot seat page, a link on the
                     links page)
- site search        `/search/?q=<the object's own word>`
- the feed           the community's Atom feed (fetched without a session: the anonymous view)
- digests            a member's digest mentions it only if they may see it, and does for live news
- notifications      `readers_of(obj)`, and who a notification batch about it actually reaches

The world is built once for the module (inside a transaction rolled back at the end): one
community per state, each holding one object of every type, and ten personas with the same
relation to every community.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from communities import activity
from communities.models import Community, Document, Job, Link, Meeting, Membership, Theme
from communities.policy import access_for, readers_of
from forums.models import Post, Thread
from hotseats.models import HotSeat, Question
from newsletters import digests, notifying, tasks
from newsletters.models import Issue
from newsletters.sources.forums.receivers import POST, THREAD_CREATED
from newsletters.sources.hotseats.emails import ANNOUNCE, ANSWERED
from tests.factories import CommunityFactory, UserFactory
from tests.utils import text

PERSONAS = [
    "anonymous", "outsider", "pending", "declined", "removed",
    "peripheral", "core", "facilitator", "staff", "expert", "author",
]  # fmt: skip
MEMBERSHIP = {
    "pending": ("peripheral", "pending"),
    "declined": ("peripheral", "declined"),
    "removed": ("core", "removed"),
    "peripheral": ("peripheral", "active"),
    "core": ("core", "active"),
    "facilitator": ("facilitator", "active"),
}
# open: an open community; closed: a closed one; hidden / deleted: an open community whose
# objects are all hidden (draft) / deleted (merged) where their type has that state; archived:
# an archived open community; turned_closed: open when everything was posted, closed since;
# held: an open community whose thread and reply wait for a facilitator's approval (the reply in
# a thread of its own that everyone may read). "author" wrote every object (a core member).
STATES = ["open", "closed", "hidden", "deleted", "archived", "turned_closed", "held"]
TYPES = [
    "community", "thread", "post", "hotseat", "question", "document",
    "meeting", "link", "job", "theme", "issue",
]  # fmt: skip
HIDEABLE = {"thread", "post", "hotseat", "question", "job", "issue"}  # hidden, draft or unsent
DELETABLE = {"post", "question"}  # deleted reply, question merged into another
HOLDABLE = {"thread", "post"}  # held for approval (a watched word, a new member's first posts)
SEARCHED = {"thread", "post", "question", "document", "meeting", "link"}
MEMBERS = {"peripheral", "core", "facilitator"}
# What a digest names one by one (replies are only counted), from communities that get digests.
DIGEST_NEWS = {"thread", "hotseat", "document", "meeting", "link", "job", "theme"}
LIVE_NEWS = {"open", "closed", "turned_closed"}


def expected(persona, kind, state):
    """The rule, in plain words."""
    if state == "deleted" and kind in DELETABLE:
        return False  # gone for everyone
    closed = state in ("closed", "turned_closed")
    may_view_community = persona in ("staff", "author") or persona in MEMBERS or not closed
    if state == "hidden" and kind in HIDEABLE:
        return persona in ("staff", "facilitator")  # moderators only; the expert is no guest of a draft
    if state == "held" and kind in HOLDABLE:
        return persona in ("staff", "facilitator", "author")  # moderators, and the author alone
    if persona == "expert" and kind in ("hotseat", "question"):
        return True  # the invited expert's one door, even into a closed community
    return may_view_community


def token(state, kind):
    return f"zq{state.replace('_', '')}{kind}"


def search_word(state):
    return f"zq{state.replace('_', '')}"


def words(state, kind):
    """How the object reads on a page: its label and its own word (a search box echoes only the word)."""
    label = {"post": "Reply", "hotseat": "Hot seat"}.get(kind, kind.title())
    return f"{label} {token(state, kind)}"


# --- the world --------------------------------------------------------------------------------


def _build_world():
    now = timezone.now()
    author = UserFactory(display_name="Ada Author")
    people = {
        name: UserFactory(display_name=f"{name.title()} Persona", is_staff=name == "staff")
        for name in PERSONAS
        if name not in ("anonymous", "author")
    }
    people["author"] = author
    world = {"people": people, "author": author, "objects": {}, "communities": {}}
    for state in STATES:
        community = CommunityFactory(
            slug=f"matrix-{state.replace('_', '-')}",
            visibility=Community.Visibility.CLOSED if state == "closed" else Community.Visibility.OPEN,
            status=Community.Status.ARCHIVED if state == "archived" else Community.Status.ACTIVE,
        )
        Membership.objects.create(
            user=author, community=community, role="core", state="active", joined_at=now
        )
        for name, (role, membership_state) in MEMBERSHIP.items():
            Membership.objects.create(
                user=people[name], community=community, role=role, state=membership_state, joined_at=now
            )
        world["communities"][state] = community
        world["objects"][state] = _build_content(community, author, people["expert"], state, now)
        if state == "turned_closed":
            community.visibility = Community.Visibility.CLOSED
            community.save(update_fields=["visibility"])
    return world


def _build_content(community, author, expert, state, now):
    hidden = now if state == "hidden" else None
    held = now if state == "held" else None  # held content is hidden content its author sees
    shared = search_word(state)  # one word every searchable object of this community carries
    day = datetime.timedelta(days=1)
    o = {"community": community}
    o["thread"] = Thread.objects.create(
        community=community, author=author, title=f"Thread {token(state, 'thread')} {shared}",
        hidden_at=hidden or held, held_at=held, last_post_at=now, post_count=2 if not held else 1,
        reply_count=1 if not held else 0,
    )  # fmt: skip
    Post.objects.create(
        thread=o["thread"], community=community, author=author, number=1, body="Opening words",
        hidden_at=held, held_at=held,
    )  # fmt: skip
    reply_thread = o["thread"]
    if held:
        reply_thread = Thread.objects.create(
            community=community, author=author, title="A thread everyone may read", last_post_at=now,
            post_count=2,
        )  # fmt: skip
        Post.objects.create(thread=reply_thread, community=community, author=author, number=1, body="Hello")
    o["post"] = Post.objects.create(
        thread=reply_thread, community=community, author=author, number=2,
        body=f"Reply {token(state, 'post')} {shared}", hidden_at=hidden or held, held_at=held,
        deleted_at=now if state == "deleted" else None,
    )  # fmt: skip
    o["hotseat"] = HotSeat.objects.create(
        community=community, title=f"Hot seat {token(state, 'hotseat')}", topic="Benefits", expert=expert,
        expert_email=expert.email, expert_name=expert.name, opens_at=now - day, closes_at=now + 3 * day,
        status=HotSeat.Status.DRAFT if hidden else HotSeat.Status.OPEN,
    )  # fmt: skip
    keeper = Question.objects.create(hotseat=o["hotseat"], author=author, body="Another question")
    o["question"] = Question.objects.create(
        hotseat=o["hotseat"], author=author, body=f"Question {token(state, 'question')} {shared}", hidden_at=hidden,
        merged_into=keeper if state == "deleted" else None,
    )  # fmt: skip
    o["document"] = Document.objects.create(
        community=community, title=f"Document {token(state, 'document')} {shared}", uploaded_by=author
    )
    o["meeting"] = Meeting.objects.create(
        community=community, title=f"Meeting {token(state, 'meeting')} {shared}", starts_at=now + day,
        ends_at=now + day + datetime.timedelta(hours=1), created_by=author,
    )  # fmt: skip
    o["link"] = Link.objects.create(
        community=community,
        title=f"Link {token(state, 'link')} {shared}",
        url="https://example.org/",
        added_by=author,
    )
    o["job"] = Job.objects.create(
        community=community, title=f"Job {token(state, 'job')}", organisation="Council", location="Leeds",
        closing_on=timezone.localdate() + 10 * day, posted_by=author, hidden_at=hidden,
    )  # fmt: skip
    o["theme"] = Theme.objects.create(
        community=community, title=f"Theme {token(state, 'theme')}", slug="matrix-theme",
        starts_on=timezone.localdate() - day, ends_on=timezone.localdate() + 30 * day,
    )  # fmt: skip
    o["issue"] = Issue.objects.create(
        community=community, subject=f"Issue {token(state, 'issue')}", body="News", author=author,
        status=Issue.Status.DRAFT if hidden else Issue.Status.SENT,
        started_at=None if hidden else now, finished_at=None if hidden else now,
    )  # fmt: skip
    for kind, verb in [
        ("thread", "thread.created"), ("post", "post.created"), ("hotseat", "hotseat.scheduled"),
        ("document", "document.uploaded"), ("meeting", "meeting.scheduled"), ("link", "link.added"),
        ("job", "job.posted"), ("theme", "theme.started"),
    ]:  # fmt: skip
        obj = o[kind]
        if held and kind in HOLDABLE:
            continue  # nothing held is in the log until it is approved
        activity.record(
            community, author, verb, f"News: {token(state, kind)}", url=_url(kind, obj), target=obj
        )
        if (hidden and kind in HIDEABLE) or (state == "deleted" and kind in DELETABLE):
            activity.withdraw(obj)
    return o


def _url(kind, obj):
    c = (
        obj
        if kind == "community"
        else obj.community
        if hasattr(obj, "community_id")
        else obj.hotseat.community
    )
    return {
        # A closed community's home is its public profile (asks to join); its members page is inside.
        "community": lambda: reverse("communities:members", args=[c.slug]),
        "thread": lambda: reverse("forums:thread_detail", args=[c.slug, obj.pk]),
        "post": lambda: reverse("forums:thread_detail", args=[c.slug, obj.thread_id]),
        "hotseat": lambda: reverse("hotseats:detail", args=[c.slug, obj.pk]),
        "question": lambda: reverse("hotseats:detail", args=[c.slug, obj.hotseat_id]),
        "document": lambda: reverse("communities:document_detail", args=[c.slug, obj.pk]),
        "meeting": lambda: reverse("communities:meeting_detail", args=[c.slug, obj.pk]),
        "link": lambda: reverse("communities:links", args=[c.slug]),
        "job": lambda: reverse("communities:job_detail", args=[c.slug, obj.pk]),
        "theme": lambda: reverse("communities:theme_detail", args=[c.slug, obj.slug]),
        "issue": lambda: reverse("newsletters:issue", args=[c.slug, obj.pk]),
    }[kind]()


# Types whose page is the one holding them: visibility shows as the object's word on that page.
SHOWN_ON_PAGE = {"post", "question", "link"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        with transaction.atomic():
            world = _build_world()
            clients = {"anonymous": Client()}
            for name, user in world["people"].items():
                clients[name] = Client()
                clients[name].force_login(user)
            world["clients"] = clients
            world["cache"] = {}
            world["digests"] = _digests(world)
            yield world
            transaction.set_rollback(True)


def _digests(world):
    """{persona: the text of every digest they would get}, for members (the others get none)."""
    period = digests.Period("weekly", "matrix", timezone.now() - datetime.timedelta(days=1),
                            timezone.now() + datetime.timedelta(days=1), "this week")  # fmt: skip
    ids = {world["people"][name].pk: name for name in PERSONAS if name != "anonymous"}
    # Everyone here belongs to six communities: show every item rather than the newest few.
    with (
        mock.patch.object(digests, "ITEMS_PER_SECTION", 100),
        mock.patch.object(digests, "KEEP_PER_VERB", 100),
    ):
        composed = digests.Batch(list(ids), period).compose()
    return {
        ids[user_id]: " ".join(section.as_text(True) for section in sections)
        for user_id, sections in composed.items()
    }


def _user(world, persona):
    return AnonymousUser() if persona == "anonymous" else world["people"][persona]


def _queryset_sees(kind, obj, user):
    model = {"community": Community, "thread": Thread, "post": Post, "hotseat": HotSeat, "question": Question,
             "document": Document, "meeting": Meeting, "link": Link, "job": Job, "theme": Theme,
             "issue": Issue}[kind]  # fmt: skip
    return model.objects.visible_to(user).filter(pk=obj.pk).exists()


def _page(world, persona, url):
    """(status, text) of a page for a persona, fetched once per module (a thread page serves
    both the thread and its reply, a hot seat page both the hot seat and its question)."""
    key = ("page", persona, url)
    if key not in world["cache"]:
        response = world["clients"][persona].get(url)
        assert response.status_code in (200, 404), (persona, url, response.status_code)
        world["cache"][key] = (response.status_code, text(response) if response.status_code == 200 else "")
    return world["cache"][key]


def _page_sees(world, persona, kind, state, obj):
    status, page = _page(world, persona, _url(kind, obj))
    if kind in SHOWN_ON_PAGE:
        return status == 200 and words(state, kind) in page
    return status == 200


def _search_sees(world, persona, kind, state):
    """One search per persona and community finds all its searchable objects (a few per section)."""
    key = ("search", persona, state)
    if key not in world["cache"]:
        response = world["clients"][persona].get(reverse("search"), {"q": search_word(state)})
        assert response.status_code == 200
        world["cache"][key] = text(response)
    return words(state, kind) in world["cache"][key]


TOPICS = {
    "thread": (THREAD_CREATED.name, "forums.thread", {}),
    "post": (POST.name, "forums.reply", {"watchers": True}),
    "hotseat": (ANNOUNCE.name, "hotseat.opened", {"event": "opened"}),
    "question": (ANSWERED.name, "hotseat.answered", {}),
}


def _notified(world, kind, obj):
    """Who a notification batch about obj reaches, offered every persona (None: no such event,
    e.g. a draft hot seat is announced to nobody)."""
    name, notice_kind, extra = TOPICS[kind]
    if notifying.topic(name).load(obj.pk) is None:
        return None
    ids = [user.pk for user in world["people"].values()]
    with mock.patch.object(tasks.send_notification_emails, "delay_on_commit"):
        rows = notifying.tell_batch(name, obj.pk, notice_kind, ids, extra)
    return {n.recipient_id for n in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("state", STATES)
def test_every_reader_of_the_rule_agrees(world, state, kind):
    obj = world["objects"][state][kind]
    community = world["communities"][state]
    readers = set(readers_of(obj).values_list("pk", flat=True))
    notified = _notified(world, kind, obj) if kind in TOPICS else None
    disagreements = []
    for persona in PERSONAS:
        user = _user(world, persona)
        want = expected(persona, kind, state)
        access = access_for(user, community)
        answers = {
            "predicate": access.can_view if kind == "community" else access.can_see(obj),
            "queryset": _queryset_sees(kind, obj, user),
            "page": _page_sees(world, persona, kind, state, obj),
        }
        if persona != "anonymous":
            answers["readers_of"] = user.pk in readers
            if notified is not None:
                answers["notified"] = user.pk in notified
        if kind in SEARCHED:
            answers["search"] = _search_sees(world, persona, kind, state)
        digest = world["digests"].get(persona, "")
        if token(state, kind) in digest:
            answers["digest"] = True  # mentioned: they must be allowed to see it
        elif persona in MEMBERS and state in LIVE_NEWS and want and kind in DIGEST_NEWS:
            answers["digest"] = False  # live news a member may see must be in their digest
        wrong = {where: got for where, got in answers.items() if got != want}
        if wrong:
            disagreements.append(f"{persona}: expected {want}, but {wrong}")
    assert disagreements == [], f"{kind} in the {state} community"


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_the_public_feed_carries_exactly_what_an_anonymous_visitor_may_see(world, state):
    community = world["communities"][state]
    response = world["clients"]["anonymous"].get(reverse("forums:feed", args=[community.slug]))
    in_feed = response.status_code == 200 and token(state, "thread") in response.content.decode()
    assert in_feed == expected("anonymous", "thread", state)
