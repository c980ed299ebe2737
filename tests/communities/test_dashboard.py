"""The community dashboard: every figure checked against the same figure computed here, by hand,
from the fixtures (never through the code under test's queries)."""

import csv
import datetime
import io
import random
import statistics
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import activity, insight
from communities.models import Activity, Membership, Presence, Sponsorship
from forums.models import Post, Thread
from hotseats.models import HotSeat, Question
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, member_of
from tests.utils import words

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def dashboard(community, **params):
    url = reverse("communities:dashboard", args=[community.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def log(community, actor, verb, when):
    return Activity.objects.create(community=community, actor=actor, verb=verb, summary=verb, created_at=when)


def make_thread(community, author, when, *, kind=Thread.Kind.QUESTION, first=False, replies=()):
    """A thread opened at `when`; replies are (author, when, state) with state None, "deleted" or "hidden"."""
    t = Thread.objects.create(
        community=community, author=author, title=f"Thread at {when:%d %H:%M}", kind=kind,
        created_at=when, is_first_post=first, post_count=1 + len(replies),
    )  # fmt: skip
    Post.objects.create(thread=t, community=community, author=author, number=1, body="q", created_at=when)
    for n, (replier, at, state) in enumerate(replies, start=2):
        Post.objects.create(
            thread=t, community=community, author=replier, number=n, body="r", created_at=at,
            deleted_at=at if state == "deleted" else None, hidden_at=at if state == "hidden" else None,
        )  # fmt: skip
    return t


# --- the bug a facilitator found ------------------------------------------------------------


def test_contributors_never_outnumber_members_and_readers_exclude_contributors(community):
    """Today's bug: 11 contributors in a community of 10 members, and fewer readers than contributors."""
    members = [member_of(community) for _ in range(10)]
    outsiders = [UserFactory(), UserFactory(is_staff=True)]
    left = member_of(community, state=Membership.State.LEFT)
    for person in members[:9] + outsiders + [left]:
        log(community, person, "post.created", NOW - datetime.timedelta(days=2))
    for person in members[5:]:  # five visitors, four of whom also contributed (members[9] did not)
        Presence.objects.create(
            community=community, user=person, day=(NOW - datetime.timedelta(days=1)).date()
        )

    figures = insight.community_figures(community, insight.period_for(30, now=NOW, tz=UTC))

    assert figures["members"] == 10
    assert figures["contributors"] == 9
    assert figures["readers"] == 1
    assert figures["not_seen"] == 0
    assert figures["contributors"] + figures["readers"] + figures["not_seen"] == figures["members"]


def test_joining_scheduling_and_accepting_are_not_contributions(community):
    person = member_of(community)
    for verb in (
        "member.joined",
        "member.facilitator",
        "hotseat.scheduled",
        "answer.accepted",
        "theme.started",
    ):
        log(community, person, verb, NOW - datetime.timedelta(days=1))
    figures = insight.community_figures(community, insight.period_for(30, now=NOW, tz=UTC))
    assert figures["contributors"] == 0


def test_withdrawn_contributions_do_not_count(community):
    person = member_of(community)
    row = log(community, person, "post.created", NOW - datetime.timedelta(days=1))
    Activity.objects.filter(pk=row.pk).update(withdrawn_at=NOW)
    figures = insight.community_figures(community, insight.period_for(30, now=NOW, tz=UTC))
    assert figures["contributors"] == 0


# --- every figure against an independent computation --------------------------------------


def build_world(community, seed=7):
    """A community with a few months of varied activity; returns the plan it was built from."""
    rng = random.Random(seed)
    roles = [Membership.Role.FACILITATOR] * 2 + [Membership.Role.CORE] * 5 + [Membership.Role.PERIPHERAL] * 23
    people = []
    for i, role in enumerate(roles):
        joined = NOW - datetime.timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 23))
        user = UserFactory()
        MembershipFactory(user=user, community=community, role=role, joined_at=joined)
        people.append({"user": user, "role": role, "joined": joined, "i": i})
    gone = member_of(community, state=Membership.State.REMOVED)
    acts = []
    for _ in range(120):
        who = rng.choice([p["user"] for p in people] + [gone])
        verb = rng.choice(list(insight.CONTRIBUTION_VERBS) + ["member.joined", "answer.accepted"])
        when = NOW - datetime.timedelta(hours=rng.randint(1, 24 * 120))
        log(community, who, verb, when)
        acts.append((who.pk, verb, when))
    visits = set()
    for _ in range(60):
        who = rng.choice([p["user"] for p in people] + [gone])
        day = (NOW - datetime.timedelta(days=rng.randint(0, 100))).date()
        if (who.pk, day) not in visits:
            Presence.objects.create(community=community, user=who, day=day)
            visits.add((who.pk, day))
    threads = []
    for _ in range(25):
        asker = rng.choice(people)["user"]
        when = NOW - datetime.timedelta(hours=rng.randint(2, 24 * 120))
        kind = rng.choice([Thread.Kind.QUESTION, Thread.Kind.QUESTION, Thread.Kind.DISCUSSION])
        replies = []
        for _ in range(rng.randint(0, 3)):
            replier = rng.choice([asker, rng.choice(people)["user"]])
            replies.append((replier, when + datetime.timedelta(minutes=rng.randint(5, 3000)),
                            rng.choice([None, None, None, "deleted", "hidden"])))  # fmt: skip
        first = rng.random() < 0.3
        t = make_thread(community, asker, when, kind=kind, first=first, replies=replies)
        threads.append(
            {"thread": t, "kind": kind, "when": when, "first": first, "replies": replies, "asker": asker}
        )
    return {"people": people, "acts": acts, "visits": visits, "threads": threads, "gone": gone}


@pytest.mark.parametrize("days", [30, 90])
def test_member_figures_equal_an_independent_count(community, days):
    world = build_world(community)
    period = insight.period_for(days, now=NOW, tz=UTC)
    start = datetime.datetime.combine(
        NOW.date() - datetime.timedelta(days=days - 1), datetime.time.min, tzinfo=UTC
    )
    member_ids = {p["user"].pk for p in world["people"]}
    contributors = {
        who for who, verb, when in world["acts"]
        if who in member_ids and verb in insight.CONTRIBUTION_VERBS and start <= when <= NOW
    }  # fmt: skip
    readers = {
        who for who, day in world["visits"] if who in member_ids and day >= start.date()
    } - contributors

    figures = insight.community_figures(community, period)

    assert figures["members"] == 30
    assert figures["contributors"] == len(contributors)
    assert figures["readers"] == len(readers)
    assert figures["not_seen"] == 30 - len(contributors) - len(readers)
    assert figures["contributor_share"] == round(100 * len(contributors) / 30)
    assert figures["new_member_count"] == sum(1 for p in world["people"] if p["joined"] >= start)
    weekly = figures["contributions_chart"].series[0].values
    assert sum(weekly) == sum(
        1 for who, verb, when in world["acts"]
        if who in member_ids and verb in insight.CONTRIBUTION_VERBS and start <= when <= NOW
    )  # fmt: skip


STAGES = ("facilitator", "core", "regular", "contributor", "observer")


def week_ends(period):
    return [
        min(
            datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min, tzinfo=UTC), NOW
        )
        for monday in period.weeks
    ]


def test_stage_chart_counts_members_by_role_and_first_post_without_history(community):
    """No stage history: facilitators and core members by role, the others contributor from
    their first post (a thread or a reply still shown), observer before it."""
    world = build_world(community)
    period = insight.period_for(90, now=NOW, tz=UTC)
    chart = insight.community_figures(community, period)["stage_chart"]
    first_post = {}
    for who, verb, when in world["acts"]:
        if verb in ("thread.created", "post.created"):
            first_post[who] = min(first_post.get(who, when), when)
    for i, end in enumerate(week_ends(period)):
        expected = dict.fromkeys(STAGES, 0)
        for p in world["people"]:
            if p["joined"] >= end:
                continue
            if p["role"] in ("facilitator", "core"):
                expected[p["role"]] += 1
            elif p["user"].pk in first_post and first_post[p["user"].pk] < end:
                expected["contributor"] += 1
            else:
                expected["observer"] += 1
        got = {s.css: s.values[i] for s in chart.series}
        assert got == expected, end


def test_stage_chart_follows_the_recorded_history_not_todays_roles(community):
    """Changes before the period and inside it, by the path and by role changes, as recorded."""
    from communities import path
    from communities.models import StageChange

    period = insight.period_for(90, now=NOW, tz=UTC)
    day = datetime.timedelta(days=1)
    boss = member_of(community, Membership.Role.FACILITATOR)
    ann = member_of(community)  # regular 150 days ago (before the period), core 30 days ago
    bo = member_of(community)  # made facilitator 10 days ago, then back to core 3 days ago
    cy = member_of(community)  # posted 40 days ago: contributor from then
    di = member_of(community)  # joined 20 days ago, made core at once
    member_of(community, Membership.Role.CORE)  # core before any record: core throughout
    Membership.objects.filter(community=community).update(joined_at=NOW - 200 * day)
    Membership.objects.filter(user=di).update(joined_at=NOW - 20 * day)

    def change(user, role, stage, when):
        m = Membership.objects.get(user=user, community=community)
        before = (m.role, m.stage)
        m.role, m.stage = role, stage
        m.save(update_fields=["role", "stage"])
        path.record_change(m, *before, changed_by=boss, when=when)

    change(ann, "peripheral", 2, NOW - 150 * day)
    change(ann, "core", 3, NOW - 30 * day)
    change(bo, "facilitator", 0, NOW - 10 * day)
    change(bo, "core", 0, NOW - 3 * day)
    log(community, cy, "post.created", NOW - 40 * day)
    change(di, "core", 0, NOW - 20 * day + datetime.timedelta(hours=1))
    assert StageChange.objects.count() == 5

    chart = insight.community_figures(community, period)["stage_chart"]

    def expected_at(end):
        counts = dict.fromkeys(STAGES, 0)
        counts["facilitator"] += 1  # boss
        counts["core" if end > NOW - 30 * day else "regular"] += 1  # ann
        if end > NOW - 3 * day:
            counts["core"] += 1
        elif end > NOW - 10 * day:
            counts["facilitator"] += 1
        else:
            counts["observer"] += 1  # bo
        counts["contributor" if end > NOW - 40 * day else "observer"] += 1  # cy
        if end > NOW - 20 * day + datetime.timedelta(hours=1):
            counts["core"] += 1  # di
        elif end > NOW - 20 * day:
            counts["observer"] += 1
        counts["core"] += 1  # ed
        return counts

    for i, end in enumerate(week_ends(period)):
        assert {s.css: s.values[i] for s in chart.series} == expected_at(end), end
    assert chart.series[0].name == "Facilitator"  # the path's stage names, facilitator first


def test_question_figures_equal_an_independent_computation(community):
    from forums import insight as forums_insight

    world = build_world(community)
    period = insight.period_for(90, now=NOW, tz=UTC)
    start = period.start

    def first_reply(t):
        times = [at for who, at, state in t["replies"] if state is None and who.pk != t["asker"].pk]
        return min(times) if times else None

    in_period = [t for t in world["threads"] if start <= t["when"] <= NOW]
    questions = [t for t in in_period if t["kind"] == Thread.Kind.QUESTION]
    answered = [t for t in questions if first_reply(t)]
    firsts = [t for t in in_period if t["first"]]
    firsts_answered = [t for t in firsts if first_reply(t)]

    def median(ts):
        return round(statistics.median((first_reply(t) - t["when"]).total_seconds() for t in ts) / 3600, 1)

    figures = forums_insight.dashboard_figures(community, period)

    assert figures["questions"] == len(questions)
    assert figures["unanswered"] == len(questions) - len(answered)
    assert figures["unanswered_rate"] == round(100 * (len(questions) - len(answered)) / len(questions))
    assert figures["median_hours"] == median(answered)
    assert figures["first_posts"] == len(firsts)
    assert figures["first_post_median_hours"] == (median(firsts_answered) if firsts_answered else None)
    replies = sum(
        1 for t in world["threads"] for _, at, state in t["replies"] if state is None and start <= at <= NOW
    )
    assert figures["replies"] == replies
    assert sum(figures["weekly_chart"].series[0].values) == len(questions)
    assert sum(figures["weekly_chart"].series[1].values) == replies


def test_first_reply_ignores_the_askers_own_replies_and_hidden_ones(community):
    from forums import insight as forums_insight

    asker, helper = member_of(community), member_of(community)
    when = NOW - datetime.timedelta(days=2)
    make_thread(community, asker, when, replies=[
        (asker, when + datetime.timedelta(hours=1), None),
        (helper, when + datetime.timedelta(hours=2), "hidden"),
        (helper, when + datetime.timedelta(hours=5), None),
    ])  # fmt: skip
    make_thread(community, asker, when, replies=[(asker, when + datetime.timedelta(hours=1), None)])

    figures = forums_insight.dashboard_figures(community, insight.period_for(30, now=NOW, tz=UTC))

    assert figures["median_hours"] == 5.0
    assert figures["unanswered"] == 1
    assert figures["unanswered_rate"] == 50


def test_hot_seat_outcomes_count_questions_answers_and_first_time_askers(community):
    from hotseats import insight as hotseats_insight

    a, b, c = member_of(community), member_of(community), member_of(community)
    day = datetime.timedelta(days=1)

    def seat(opens, status):
        return HotSeat.objects.create(
            community=community, title=f"Seat {opens:%d}", topic="t", expert_email="e@example.org",
            expert_name="E", opens_at=opens, closes_at=opens + 4 * day, status=status,
        )  # fmt: skip

    old = seat(NOW - 200 * day, HotSeat.Status.CLOSED)
    Question.objects.create(hotseat=old, author=a, body="old", created_at=NOW - 199 * day)
    recent = seat(NOW - 20 * day, HotSeat.Status.CLOSED)
    Question.objects.create(
        hotseat=recent, author=a, body="1", created_at=NOW - 19 * day, answered_at=NOW - 18 * day
    )
    Question.objects.create(
        hotseat=recent, author=b, body="2", created_at=NOW - 19 * day, answered_at=NOW - 18 * day
    )
    Question.objects.create(hotseat=recent, author=b, body="3", created_at=NOW - 18 * day)
    Question.objects.create(hotseat=recent, author=c, body="hidden", created_at=NOW - 18 * day, hidden_at=NOW)
    seat(NOW - 5 * day, HotSeat.Status.DRAFT)

    figures = hotseats_insight.dashboard_figures(community, insight.period_for(30, now=NOW, tz=UTC))

    assert len(figures["hotseats"]) == 1
    assert figures["questions"] == 3
    assert figures["answered_share"] == 67
    assert figures["first_time_askers"] == 1  # b; a asked in an earlier hot seat; c's question is hidden


# --- edge cases ----------------------------------------------------------------------------


def test_a_community_with_no_members_and_no_questions_shows_dashes_not_errors(login, staff):
    empty = CommunityFactory(name="Empty Room")
    response = login(staff).get(dashboard(empty))
    assert response.status_code == 200
    page = words(response)
    assert "Members 0" in page
    assert "no members yet" in page
    assert "Unanswered —" in page
    assert "Median time to first reply —" in page


def test_days_and_weeks_are_cut_in_the_viewers_time_zone_across_midnight(community):
    """23:30 UTC on Sunday 15 Nov is already Monday 16 Nov in Tokyo: another week, and inside a
    30-day period that starts at local midnight."""
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    person = member_of(community)
    late = datetime.datetime(2026, 11, 15, 23, 30, tzinfo=UTC)
    log(community, person, "post.created", late)
    edge = datetime.datetime(2026, 10, 21, 15, 30, tzinfo=UTC)  # 00:30 on 22 Oct in Tokyo
    log(community, person, "post.created", edge)

    in_tokyo = insight.period_for(30, now=NOW, tz=tokyo)
    in_london = insight.period_for(30, now=NOW, tz=UTC)
    tokyo_weeks = dict(
        zip(
            in_tokyo.weeks,
            insight.community_figures(community, in_tokyo)["contributions_chart"].series[0].values,
            strict=True,
        )
    )
    london_weeks = dict(
        zip(
            in_london.weeks,
            insight.community_figures(community, in_london)["contributions_chart"].series[0].values,
            strict=True,
        )
    )

    assert in_tokyo.first_day == datetime.date(2026, 10, 22)
    assert tokyo_weeks[datetime.date(2026, 11, 16)] == 1
    assert tokyo_weeks[datetime.date(2026, 10, 19)] == 1  # the edge counts in Tokyo...
    assert london_weeks[datetime.date(2026, 11, 9)] == 1
    assert sum(london_weeks.values()) == 1  # ...and falls before the period in London


# --- the page -----------------------------------------------------------------------------


def test_facilitator_sees_definitions_charts_tables_and_newcomers(login, community, facilitator, member):
    newcomer = member_of(community, display_name="Nina Newcomer")
    activity.record(community, member, "thread.created", "Mo asked a question")
    Presence.objects.create(community=community, user=newcomer, day=timezone.localdate())

    response = login(facilitator).get(dashboard(community))
    page = words(response)

    assert "Members 3" in page
    assert "Contributors 1" in page
    assert "Readers 1" in page
    assert "A reader is a member who visited in the period and did not contribute" in page
    assert "90-9-1" in page
    assert "Nina Newcomer" in page
    html = response.content.decode()
    assert html.count("<svg") >= 3
    assert "Show as a table" in page
    assert "style=" not in html.split("<main", 1)[-1]


def test_old_members_are_not_newcomers(login, community, facilitator):
    old = member_of(community, display_name="Olive Oldtimer")
    Membership.objects.filter(user=old).update(joined_at=timezone.now() - datetime.timedelta(days=120))
    page = words(login(facilitator).get(dashboard(community, days=30)))
    assert "Olive Oldtimer" not in page


def test_only_facilitators_sponsors_and_staff_see_the_dashboard(
    login, community, facilitator, member, staff, client
):
    assert login(member).get(dashboard(community)).status_code == 404
    client.logout()
    assert client.get(dashboard(community)).status_code == 404
    assert login(staff).get(dashboard(community)).status_code == 200
    assert login(facilitator).get(dashboard(community)).status_code == 200


def test_a_sponsor_sees_figures_of_a_closed_community_but_no_names_titles_or_tabs(
    login, closed_community, member
):
    sponsor = UserFactory(display_name="Sam Sponsor")
    Sponsorship.objects.create(community=closed_community, user=sponsor)
    asker = member_of(closed_community, display_name="Secret Asker")
    make_thread(closed_community, asker, timezone.now() - datetime.timedelta(hours=3))
    Thread.objects.update(title="Confidential restructuring plans")
    seat = HotSeat.objects.create(
        community=closed_community, title="Private hot seat title", topic="t", expert_email="e@example.org",
        expert_name="E", opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=1), status=HotSeat.Status.OPEN,
    )  # fmt: skip
    Question.objects.create(hotseat=seat, author=asker, body="q")
    client = login(sponsor)

    response = client.get(dashboard(closed_community))
    page = words(response)

    assert response.status_code == 200
    assert "Questions asked 1" in page
    assert "Secret Asker" not in page
    assert "Confidential" not in page
    assert "Private hot seat title" not in page
    assert reverse("forums:thread_list", args=[closed_community.slug]) not in response.content.decode()
    # The community address shows only its public profile; every content page stays a 404.
    assert client.get(reverse("communities:members", args=[closed_community.slug])).status_code == 404
    other = CommunityFactory()
    assert client.get(dashboard(other)).status_code == 404


def test_csv_downloads_hold_the_same_rows_as_the_tables(login, community, facilitator, member):
    log(community, member, "post.created", timezone.now())
    client = login(facilitator)
    response = client.get(
        reverse("communities:dashboard_csv", args=[community.slug, "contributions"]) + "?days=30"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Week of", "Contributions"]
    assert sum(int(r[1]) for r in rows[1:]) == 1
    summary = list(csv.reader(io.StringIO(client.get(
        reverse("communities:dashboard_csv", args=[community.slug, "summary"])).content.decode())))  # fmt: skip
    assert ["Contributors", "1"] in summary
    assert client.get(reverse("communities:dashboard_csv", args=[community.slug, "nope"])).status_code == 404
    assert (
        login(member).get(reverse("communities:dashboard_csv", args=[community.slug, "summary"])).status_code
        == 404
    )


@pytest.mark.parametrize("days", ["abc", "-5", "100000", "", "30.5"])
def test_a_strange_period_falls_back_to_the_default(login, community, facilitator, days):
    response = login(facilitator).get(dashboard(community, days=days))
    assert response.status_code == 200
    assert response.context["period"].days == insight.DEFAULT_PERIOD


def test_dashboard_query_count_does_not_grow(
    login, community, facilitator, django_assert_num_queries, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0  # every request computes (the cached path: next test)
    client = login(facilitator)
    client.get(dashboard(community))
    # session, user, community + membership (a facilitator: no sponsorship query; open: no
    # pending count), members (with their visit, first post and name), contributions per
    # member, contributions per day, stage history, threads with first replies, replies per
    # day, hot seats, their questions, newsletter issues, their visits, contributions and link
    # counts (the layout's notifications and sidebar are cached per member)
    with django_assert_num_queries(15):
        client.get(dashboard(community))
    build_world(community)
    for i in range(3):
        seat = HotSeat.objects.create(
            community=community, title=f"S{i}", topic="t", expert_email="e@example.org", expert_name="E",
            opens_at=timezone.now() - datetime.timedelta(days=10 + i), status=HotSeat.Status.CLOSED,
            closes_at=timezone.now() - datetime.timedelta(days=5),
        )  # fmt: skip
        Question.objects.create(hotseat=seat, author=facilitator, body="q")
    with django_assert_num_queries(15):
        client.get(dashboard(community))
    for _ in range(20):
        MembershipFactory(community=community)
    from communities import path

    for m in Membership.objects.filter(community=community, role=Membership.Role.PERIPHERAL)[:8]:
        path.record_change(m, m.role, 0, when=timezone.now() - datetime.timedelta(days=40))
        m.stage = 2
        path.record_change(m, m.role, 0, when=timezone.now() - datetime.timedelta(days=20))
    with django_assert_num_queries(15):
        client.get(dashboard(community))


def test_cached_figures_cost_five_queries_and_any_change_in_the_community_recomputes_them(
    login, community, facilitator, member, django_assert_num_queries
):
    client = login(facilitator)
    build_world(community)
    first = client.get(dashboard(community))
    # session, user, community + membership (notifications and sidebar are cached per member)
    with django_assert_num_queries(3):
        again = client.get(dashboard(community))
    assert words(again) == words(first)
    before = first.context["figures"]["community"]
    activity.record(community, member, "post.created", "Mo replied")  # a saved row of the community
    after = client.get(dashboard(community)).context["figures"]["community"]
    assert after["contributors"] == before["contributors"] + 1  # Mo had not contributed
    assert after["contributions"] == before["contributions"] + 1
    other = client.get(dashboard(community, days=30))
    assert other.context["period"].days == 30  # each period has its own figures
