"""Seed one large community and time its dashboard page as a facilitator opens it.

    python manage.py benchmark_dashboard [--members 3000] [--days 365] [--runs 15] [--keep]

Seeds (in bulk) a community named "Benchmark dashboard" with --members members, a year of
contributions in the activity log (about 40 per member), visits (presence rows), 4,000
questions and discussions with 20,000 replies, 12 hot seats with 600 questions, 12 sent
newsletter issues with link counts. Then it requests /communities/<slug>/dashboard/?days=90
(and ?days=365) through Django's test client, as a signed-in facilitator, --runs times each
after one warm-up, with the figures computed on every request and then cached
(communities.insight.cached_dashboard), and reports the median, best and worst time, this
process's CPU time and the number of queries. Everything
seeded is deleted afterwards unless --keep is given. Lives in newsletters because it seeds
every app's rows (newsletters may read every app).
"""

import datetime
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from communities.insight import CONTRIBUTION_VERBS
from communities.models import Activity, Community, Membership, Presence, StageChange
from cop_platform.accounts.models import User
from forums.models import Post, Thread
from hotseats.models import HotSeat, Question
from newsletters.models import Issue, LinkCount

SLUG = "benchmark-dashboard"


class Command(BaseCommand):
    help = "Benchmark the community dashboard on a large seeded community."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=3000)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--keep", action="store_true")

    def handle(self, *args, **options):
        rng = random.Random(5)  # noqa: S311 - benchmark data, not security
        Community.objects.filter(slug=SLUG).delete()
        User.objects.filter(email__endswith="@dashboard.bench.invalid").delete()
        t0 = time.perf_counter()
        community, facilitator, counts = self.seed(rng, options["members"], options["days"])
        self.stdout.write(
            f"Seeded in {time.perf_counter() - t0:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Statistics and the visibility map, as autovacuum gives a live site (it vacuums
                # insert-only tables too): without the latter no index-only scan is possible.
                cursor.execute("VACUUM ANALYZE")
        client = Client(HTTP_HOST="localhost")
        client.force_login(facilitator)
        try:
            for days in (90, 365):
                url = f"/communities/{SLUG}/dashboard/?days={days}"
                # "computed": every request computes the figures (the first view after a change
                # in the community); "cached": the figures kept per period (insight.cached_dashboard).
                for label, seconds in (("computed", 0), ("cached", 120)):
                    with override_settings(DASHBOARD_CACHE_SECONDS=seconds):
                        self.time(client, url, f"dashboard ?days={days} {label}", options["runs"])
        finally:
            if not options["keep"]:
                Community.objects.filter(slug=SLUG).delete()
                User.objects.filter(email__endswith="@dashboard.bench.invalid").delete()

    def time(self, client, url, label, runs):
        assert client.get(url).status_code == 200  # warm-up (sessions, template loading)
        times, cpu, queries = [], [], set()
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
            queries.add(len(captured))
        self.stdout.write(
            f"{label}: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms, "
            f"best {min(times):.0f} ms over {runs} runs (this process's CPU: median "
            f"{statistics.median(cpu):.0f} ms); queries {sorted(queries)} ({connection.vendor})"
        )

    def seed(self, rng, n_members, days):
        now = timezone.now()
        community = Community.objects.create(
            name="Benchmark dashboard", slug=SLUG, purpose="Benchmark", status=Community.Status.ACTIVE
        )
        users = User.objects.bulk_create(
            User(email=f"m{i}@dashboard.bench.invalid", display_name=f"Member {i}") for i in range(n_members)
        )
        facilitator = users[0]
        roles = [Membership.Role.FACILITATOR] * 3 + [Membership.Role.CORE] * (n_members // 20)
        Membership.objects.bulk_create(
            Membership(
                user=u, community=community, state=Membership.State.ACTIVE,
                role=roles[i] if i < len(roles) else Membership.Role.PERIPHERAL,
                joined_at=now - datetime.timedelta(days=rng.randint(0, days + 200)),
            )
            for i, u in enumerate(users)
        )  # fmt: skip

        # A tenth of the members moved along the path (or changed role) once or twice in the year.
        memberships = list(Membership.objects.filter(community=community).order_by("pk"))
        changes = []
        for m in memberships[::10]:
            when = now - datetime.timedelta(days=rng.randint(0, days))
            changes.append(
                StageChange(
                    community=community,
                    membership=m,
                    user_id=m.user_id,
                    role_before=m.role,
                    stage_before=0,
                    role=m.role,
                    stage=2,
                    changed_at=when,
                )
            )
            if rng.random() < 0.3:
                changes.append(
                    StageChange(
                        community=community,
                        membership=m,
                        user_id=m.user_id,
                        role_before=m.role,
                        stage_before=2,
                        role=Membership.Role.CORE,
                        stage=3,
                        changed_at=when + datetime.timedelta(days=rng.randint(1, 60)),
                    )
                )
        StageChange.objects.bulk_create(changes)  # fmt: skip

        def moment():
            return now - datetime.timedelta(seconds=rng.randint(0, days * 86400))

        active = users[: max(1, n_members // 5)]  # a fifth of members do nearly everything
        Activity.objects.bulk_create(
            (
                Activity(community=community, actor=rng.choice(active), verb=rng.choice(CONTRIBUTION_VERBS),
                         summary="x", created_at=moment())
                for _ in range(n_members * 40)
            ),
            batch_size=5000,
        )  # fmt: skip
        seen = {(rng.randrange(n_members), rng.randint(0, days)) for _ in range(n_members * 20)}
        Presence.objects.bulk_create(
            (
                Presence(community=community, user=users[u], day=(now - datetime.timedelta(days=d)).date())
                for u, d in seen
            ),
            batch_size=5000,
        )
        threads = Thread.objects.bulk_create(
            (
                Thread(community=community, author=rng.choice(users), title=f"Question {i}",
                       kind=Thread.Kind.QUESTION if i % 3 else Thread.Kind.DISCUSSION,
                       created_at=moment(), is_first_post=i % 7 == 0)
                for i in range(4000)
            ),
            batch_size=2000,
        )  # fmt: skip
        posts = []
        for t in threads:
            posts.append(
                Post(
                    thread=t,
                    community=community,
                    author=t.author,
                    number=1,
                    body="q",
                    created_at=t.created_at,
                )
            )
            for n in range(rng.randint(0, 10)):
                at = t.created_at + datetime.timedelta(minutes=rng.randint(5, 10000))
                posts.append(Post(thread=t, community=community, author=rng.choice(active), number=n + 2, body="r",
                                  created_at=at))  # fmt: skip
        Post.objects.bulk_create(posts, batch_size=5000)
        seats = HotSeat.objects.bulk_create(
            HotSeat(community=community, title=f"Hot seat {i}", topic="t", expert_email="e@bench.invalid",
                    expert_name="Expert", opens_at=now - datetime.timedelta(days=30 * i + 5),
                    closes_at=now - datetime.timedelta(days=30 * i), status=HotSeat.Status.CLOSED)
            for i in range(12)
        )  # fmt: skip
        Question.objects.bulk_create(
            Question(hotseat=rng.choice(seats), author=rng.choice(users), body="q",
                     created_at=now - datetime.timedelta(days=rng.randint(0, 365)),
                     answered_at=now if rng.random() < 0.7 else None)
            for _ in range(600)
        )  # fmt: skip
        issues = []
        for i in range(12):
            issue = Issue.objects.create(
                community=community, author=facilitator, subject=f"Issue {i}", body="News"
            )
            issues.append(issue)
        for i, issue in enumerate(issues):
            Issue.objects.filter(pk=issue.pk).update(
                status=Issue.Status.SENT, started_at=now - datetime.timedelta(days=30 * i + 3)
            )
            LinkCount.objects.create(
                kind="click", source=issue.delivery_key, url="https://example.org", day=now.date(), count=9
            )
        return community, facilitator, {
            "members": n_members, "contributions": n_members * 40, "visits": len(seen),
            "threads": len(threads), "posts": len(posts),
        }  # fmt: skip
