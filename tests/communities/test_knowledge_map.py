"""The knowledge map: every figure checked against the same figure computed here from the plan the
fixtures were built from (never through the code under test's queries)."""

import datetime
import random

import pytest
from django.urls import reverse

from communities import knowledge
from communities.models import Community, Document, Membership
from forums.models import Helpful, Post, Thread
from hotseats.models import HotSeat, Question
from tests.factories import CommunityFactory, UserFactory, member_of
from tests.utils import words

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
TAGS = ["Benefits realisation", "benefits REALISATION", "risk", "earned value", "agile delivery"]
WEIGHTS = {"accepted": 3, "helpful": 1, "hotseat": 5, "document": 2}


def worth(weight, when):
    return weight * 2 ** (-((NOW - when).total_seconds() / 86400) / 180)


def key(tag):
    return tag.lower()


def thread(community, author, when, tags=(), *, kind=Thread.Kind.QUESTION, hidden=False):
    t = Thread.objects.create(
        community=community, author=author, title="t", kind=kind, created_at=when,
        hidden_at=NOW if hidden else None,
    )  # fmt: skip
    Post.objects.create(thread=t, community=community, author=author, number=1, body="q", created_at=when)
    if tags:
        t.tags.set(list(tags))
    return t


def reply(t, author, when, *, state=None):
    return Post.objects.create(
        thread=t, community=t.community, author=author, number=t.posts.count() + 1, body="r", created_at=when,
        deleted_at=when if state == "deleted" else None, hidden_at=when if state == "hidden" else None,
    )  # fmt: skip


def hotseat(community, expert, opens, tags, *, status=HotSeat.Status.CLOSED):
    seat = HotSeat.objects.create(
        community=community, title="h", topic="t", expert=expert, expert_email=expert.email,
        expert_name=expert.name, opens_at=opens, closes_at=opens + 4 * DAY, status=status,
    )  # fmt: skip
    seat.tags.set(list(tags))
    return seat


def build_world(community, seed=3, size=1):
    """Evidence of every kind, including what must not count; returns the expected figures."""
    rng = random.Random(seed)
    people = [member_of(community) for _ in range(6 * size)]
    expected = {}  # (tag key, user id) -> score
    questions, answerers = {}, {}  # tag key -> set

    def add(tags, user, weight, when):
        for tag in {key(t) for t in tags}:
            expected[(tag, user.pk)] = expected.get((tag, user.pk), 0) + worth(weight, when)

    for _ in range(12 * size):
        asker, helper = rng.sample(people, 2)
        tags = rng.sample(TAGS, rng.randint(0, 2))
        when = NOW - DAY * rng.randint(1, 400)
        hidden = rng.random() < 0.15
        t = thread(community, asker, when, tags, hidden=hidden)
        if when >= NOW - 90 * DAY and not hidden:
            for tag in tags:
                questions.setdefault(key(tag), set()).add(t.pk)
        r_when = when + DAY * rng.randint(0, 30)
        state = rng.choice([None, None, None, "hidden", "deleted"])
        r = reply(t, helper, r_when, state=state)
        own = reply(t, asker, r_when)  # the asker's own reply answers nobody
        if state is None and not hidden and r_when >= NOW - 90 * DAY:
            for tag in tags:
                answerers.setdefault(key(tag), set()).add(helper.pk)
        if rng.random() < 0.6:
            accepted = rng.choice([r, own])
            Thread.objects.filter(pk=t.pk).update(accepted_post=accepted)
            if accepted == r and state is None and not hidden:
                add(tags, helper, 3, r_when)
        for marker in rng.sample(people, rng.randint(0, 3)):
            if marker == helper:
                continue
            mark_when = r_when + DAY * rng.randint(0, 20)
            Helpful.objects.create(post=r, user=marker, created_at=mark_when)
            if state is None and not hidden:
                add(tags, helper, 1, mark_when)
    for _ in range(3 * size):
        expert = rng.choice(people + [UserFactory()])  # an invited expert need not be a member
        tags = rng.sample(TAGS, 2)
        opens = NOW - DAY * rng.randint(5, 300)
        status = rng.choice([HotSeat.Status.CLOSED, HotSeat.Status.CLOSED, HotSeat.Status.DRAFT])
        seat = hotseat(community, expert, opens, tags, status=status)
        last = None
        for i in range(rng.randint(0, 3)):
            answered = opens + DAY * i if rng.random() < 0.7 else None
            hidden = rng.random() < 0.2
            Question.objects.create(
                hotseat=seat, author=rng.choice(people), body="q", answered_at=answered,
                hidden_at=NOW if hidden else None,
            )  # fmt: skip
            if answered and not hidden:
                last = max(last or answered, answered)
        if last and status != HotSeat.Status.DRAFT:
            add(tags, expert, 5, last)
    for _ in range(4 * size):
        author = rng.choice(people)
        tags = rng.sample(TAGS, rng.randint(0, 2))
        when = NOW - DAY * rng.randint(0, 500)
        doc = Document.objects.create(community=community, title="d", uploaded_by=author, created_at=when)
        doc.tags.set(tags)
        add(tags, author, 2, when)
    return {"people": people, "scores": expected, "questions": questions, "answerers": answerers}


def computed_scores(mapped):
    return {(t.key, e.user.pk): e.score for t in mapped.topics for e in t.experts}


def test_every_expertise_score_equals_an_independent_computation(community):
    world = build_world(community)
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), UserFactory(is_staff=True), now=NOW)
    got = computed_scores(mapped)
    assert set(got) == set(world["scores"])
    for k, score in world["scores"].items():
        assert got[k] == pytest.approx(score, rel=1e-9), k


def test_gaps_and_single_points_equal_an_independent_computation(community):
    world = build_world(community, seed=11)
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), UserFactory(is_staff=True), now=NOW)
    expected_gaps = {t for t, qs in world["questions"].items() if qs and not world["answerers"].get(t)}
    expected_single = {t for t, users in world["answerers"].items() if len(users) == 1}
    assert {t.key for t in mapped.gaps} == expected_gaps
    assert {t.key for t in mapped.single_points} == expected_single
    for t in mapped.topics:
        assert t.questions == len(world["questions"].get(t.key, ()))
        assert t.answerer_ids == world["answerers"].get(t.key, set())


def test_evidence_halves_every_half_life(community):
    helper, asker = member_of(community), member_of(community)
    for age in (0, 180, 360):
        t = thread(community, asker, NOW - DAY * age, ["risk"])
        Thread.objects.filter(pk=t.pk).update(accepted_post=reply(t, helper, NOW - DAY * age))
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), asker, now=NOW)
    (risk,) = mapped.topics
    assert risk.experts[0].score == pytest.approx(3 + 1.5 + 0.75)
    assert risk.experts[0].counts == {"accepted": 3}


def test_a_multi_word_tag_stays_one_tag_whatever_its_case(community):
    helper, asker = member_of(community), member_of(community)
    t = thread(community, asker, NOW - DAY, ["Benefits realisation"])
    Helpful.objects.create(post=reply(t, helper, NOW - DAY), user=asker, created_at=NOW - DAY)
    Document.objects.create(community=community, title="d", uploaded_by=helper, created_at=NOW).tags.set(
        ["benefits  Realisation"]
    )
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), asker, now=NOW)
    assert [t.key for t in mapped.topics] == ["benefits realisation"]
    assert mapped.topics[0].experts[0].counts == {"helpful": 1, "document": 1}


def test_a_gap_and_a_single_point_of_failure(community):
    asker, ann, bo = member_of(community), member_of(community), member_of(community)
    thread(community, asker, NOW - 5 * DAY, ["procurement law"])  # nobody answers
    t = thread(community, asker, NOW - 5 * DAY, ["risk"])
    reply(t, asker, NOW - 4 * DAY)  # the asker's own reply answers nobody
    reply(t, ann, NOW - 4 * DAY)
    t2 = thread(community, asker, NOW - 5 * DAY, ["agile delivery"])
    reply(t2, ann, NOW - 4 * DAY)
    reply(t2, bo, NOW - 3 * DAY)
    old = thread(community, asker, NOW - 200 * DAY, ["earned value"])  # outside the 90 days
    reply(old, ann, NOW - 199 * DAY)
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), asker, now=NOW)
    assert [t.name for t in mapped.gaps] == ["procurement law"]
    assert [t.name for t in mapped.single_points] == ["risk"]
    assert mapped.single_points[0].answerers == [ann]


def test_declared_expertise_sits_beside_and_respects_profile_visibility(community, closed_community):
    viewer = member_of(community)
    open_to_all = member_of(community, display_name="Dana Declared")
    open_to_all.expertise.set(["risk"])
    private = member_of(community, display_name="Pat Private", profile_visibility="members")
    private.expertise.set(["risk"])
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), viewer, now=NOW)
    (risk,) = mapped.topics
    assert risk.declared == [open_to_all, private]  # viewer shares this community with both
    assert risk.experts == []  # declaring is not evidence
    stranger = UserFactory()
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), stranger, now=NOW)
    assert mapped.topics[0].declared == [open_to_all]


# --- pages ---------------------------------------------------------------------------------


def test_members_see_the_map_outsiders_of_a_closed_community_get_404(
    login, community, closed_community, member, outsider, client
):
    url = reverse("communities:knowledge", args=[closed_community.slug])
    assert login(member).get(url).status_code == 200
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).get(reverse("communities:knowledge", args=[community.slug])).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # sign in first: the map names people


def test_the_site_map_never_counts_closed_communities_the_viewer_cannot_see(
    login, community, closed_community, member, outsider
):
    secret_asker = member_of(closed_community)
    t = thread(closed_community, secret_asker, NOW - DAY, ["secret topic"])
    Thread.objects.filter(pk=t.pk).update(accepted_post=reply(t, member, NOW - DAY))
    thread(closed_community, secret_asker, NOW - DAY, ["risk"])  # a gap, in the closed community
    t2 = thread(community, member, NOW - DAY, ["risk"])
    reply(t2, secret_asker, NOW - DAY)
    site = reverse("knowledge_map")

    seen_by_member = words(login(member).get(site))
    assert "secret topic" in seen_by_member
    assert "Assurance Reviewers" in seen_by_member
    page = login(outsider).get(site)
    text = words(page)
    assert "secret topic" not in text
    assert "Assurance Reviewers" not in text
    (risk,) = [t for t in page.context["map"].topics if t.key == "risk"]
    assert risk.questions == 1  # the closed community's question is not counted
    assert not page.context["map"].gaps


def test_a_members_profile_shows_their_inferred_expertise(login, community, member, outsider):
    asker = member_of(community)
    t = thread(community, asker, NOW - DAY, ["earned value"])
    Thread.objects.filter(pk=t.pk).update(accepted_post=reply(t, member, NOW - DAY))
    page = words(login(outsider).get(reverse("profile", args=[member.pk])))
    assert "Shown by contributions" in page
    assert "earned value" in page


def test_the_map_is_linked_from_the_more_menu_and_the_dashboard(login, community, facilitator):
    client = login(facilitator)
    url = reverse("communities:knowledge", args=[community.slug])
    assert url in client.get(reverse("communities:home", args=[community.slug])).content.decode()
    assert url in client.get(reverse("communities:dashboard", args=[community.slug])).content.decode()


@pytest.mark.parametrize("site_wide", [False, True])
def test_the_map_costs_the_same_queries_whatever_the_data(
    login, community, member, django_assert_num_queries, site_wide
):
    url = reverse("knowledge_map") if site_wide else reverse("communities:knowledge", args=[community.slug])
    client = login(member)
    build_world(community, seed=1, size=1)
    client.get(url)
    # session, user, community and membership (community page) or the communities named (site
    # page), accepted answers, helpful marks, hot seats, documents, questions, answers, members,
    # declared tags, people named, notifications, sidebar
    expected = 14 if site_wide else 15
    with django_assert_num_queries(expected):
        client.get(url)
    other = CommunityFactory()
    build_world(other, seed=2, size=3)
    build_world(community, seed=4, size=3)
    Membership.objects.create(user=member, community=other, state=Membership.State.ACTIVE)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
