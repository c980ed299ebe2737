"""Seed 10,000 members and a month of activity, compose a weekly digest for each, report the rate.

    python manage.py benchmark_digests [--members 10000] [--communities 25] [--processes 2] [--keep]

--processes N runs the batches in N forked processes, as a Celery worker with --concurrency=N
does (the default, 2, is this project's worker setting and the number of cores of the machine
the figure in README.md was measured on); --processes 1 measures one process alone.

Everything a real batch does is measured: loading the batch (one query per section), rendering
the text and HTML parts, inlining CSS, building and serialising the MIME message exactly as the
SMTP backend would (only the network is left out) and recording deliveries in bulk. The seeded rows (communities named
"Benchmark ...", users @bench.invalid) are deleted afterwards unless --keep is given.
"""

import datetime
import multiprocessing
import random
import statistics
import time

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Activity, Community, Membership, Theme
from cop_platform.accounts.models import User
from newsletters import digests, fanout
from newsletters.models import Delivery

VERBS = [
    ("thread.created", "How do others handle {}?", 6),
    ("post.created", "Reply about {}", 20),
    ("answer.accepted", "Answer accepted: {}", 3),
    ("document.uploaded", "New template: {}", 2),
    ("hotseat.opened", "Hot seat on {} is open", 1),
    ("meeting.scheduled", "Meet-up about {}", 1),
    ("member.joined", "A new member joined", 3),
    ("job.posted", "Job: {} lead", 1),
]
TOPICS = ["benefits maps", "gateway reviews", "risk registers", "stakeholder plans", "lessons learned"]


def run_batches(batches, period):
    """Send the digests of these batches as the batch task does; returns counts and timings."""
    backend = SerialisingBackend()
    result = {"sent": 0, "queries": [], "times": [], "cpu": 0.0}
    # A running worker has its content types cached after its first task; without this the
    # first batch of each process would count one or two look-ups that no later batch makes.
    ContentType.objects.get_for_models(*apps.get_models())
    cpu = time.process_time()
    for ids in batches:
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            stats = fanout.send_digest_batch(ids, period, connection=backend)
        result["times"].append(time.perf_counter() - t0)
        result["queries"].append(len(queries))
        result["sent"] += stats["sent"]
    result["cpu"] = time.process_time() - cpu
    connection.close()
    return result


class SerialisingBackend(BaseEmailBackend):
    """Does everything the SMTP backend does with a message except talk to a server."""

    def send_messages(self, messages):
        for message in messages:
            message.message().as_bytes(linesep="\r\n")
        return len(messages)


class Command(BaseCommand):
    help = "Benchmark weekly digests: seed members and activity, compose and send one digest each."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--communities", type=int, default=25)
        parser.add_argument("--keep", action="store_true", help="keep the seeded rows afterwards")
        parser.add_argument("--seed", type=int, default=48)
        parser.add_argument("--processes", type=int, default=2, help="like the worker's --concurrency")

    def handle(self, *args, members, communities, keep, seed, processes, **options):
        if connection.vendor == "sqlite" and processes > 1:
            # SQLite takes one writer at a time; production runs PostgreSQL.
            self.stdout.write("SQLite: running in one process (set DATABASE_URL for PostgreSQL).")
            processes = 1
        rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
        period = digests.period_for("weekly")
        self.cleanup()
        started = time.perf_counter()
        user_ids = self.seed(rng, members, communities, period)
        self.stdout.write(
            f"Seeded {members} members in {communities} communities in {time.perf_counter() - started:.1f}s"
        )
        try:
            self.run(user_ids, period, processes)
        finally:
            if not keep:
                self.cleanup()

    def seed(self, rng, members, communities, period):
        now = timezone.now()
        created = Community.objects.bulk_create(
            [
                Community(
                    name=f"Benchmark {n}",
                    slug=f"benchmark-{n}",
                    purpose="Benchmark",
                    status=Community.Status.ACTIVE,
                    visibility=Community.Visibility.CLOSED if n % 3 == 0 else Community.Visibility.OPEN,
                )
                for n in range(communities)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"bench{n}@bench.invalid", display_name=f"Bench Member {n}", password="!")  # noqa: S106 - "!" is Django's unusable password
                for n in range(members)
            ],
            batch_size=2000,
        )
        memberships = []
        for user in users:
            for community in rng.sample(created, rng.choice([1, 1, 2, 3])):
                memberships.append(
                    Membership(user=user, community=community, state=Membership.State.ACTIVE, joined_at=now)
                )
        Membership.objects.bulk_create(memberships, batch_size=5000)
        # A month of activity up to the end of the digest's week, ~40 events a day per community.
        start = period.until - datetime.timedelta(days=30)
        rows = []
        for community in created:
            for day in range(30):
                for verb, summary, per_day in VERBS:
                    for _ in range(per_day):
                        rows.append(
                            Activity(
                                community=community,
                                actor=rng.choice(users),
                                verb=verb,
                                summary=summary.format(rng.choice(TOPICS)),
                                url=f"/communities/{community.slug}/",
                                created_at=start + datetime.timedelta(days=day, seconds=rng.randrange(86400)),
                            )
                        )
        Activity.objects.bulk_create(rows, batch_size=5000)
        Theme.objects.bulk_create(
            [
                Theme(
                    community=c,
                    title=f"{rng.choice(TOPICS).capitalize()} month",
                    slug="bench-theme",
                    starts_on=(period.until - datetime.timedelta(days=10)).date(),
                    ends_on=(period.until + datetime.timedelta(days=10)).date(),
                )
                for c in created
            ]
        )
        self.stdout.write(f"Activity rows: {len(rows)} ({len(memberships)} memberships)")
        return [u.pk for u in users]

    def run(self, user_ids, period, processes):
        batches = [
            user_ids[start : start + digests.BATCH_SIZE]
            for start in range(0, len(user_ids), digests.BATCH_SIZE)
        ]
        shares = [batches[n::processes] for n in range(processes)]
        connections.close_all()  # each forked process opens its own
        started = time.perf_counter()
        if processes == 1:
            results = [run_batches(shares[0], period)]
        else:
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                results = pool.starmap(run_batches, [(share, period) for share in shares])
        elapsed = time.perf_counter() - started
        sent = sum(r["sent"] for r in results)
        queries = [q for r in results for q in r["queries"]]
        times = [t for r in results for t in r["times"]]
        rate = sent / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"{sent} weekly digests composed, rendered and sent in {elapsed:.1f}s "
                f"with {processes} process{'es' if processes > 1 else ''}: {rate:.0f} digests/s"
            )
        )
        self.stdout.write(
            f"Batches: {len(queries)} of {digests.BATCH_SIZE} members; queries per batch: "
            f"min {min(queries)}, max {max(queries)}; median batch time {statistics.median(times) * 1000:.0f} ms"
        )
        cpu = sum(r["cpu"] for r in results)
        self.stdout.write(
            f"CPU time in this command's process(es): {cpu:.1f}s, {cpu / max(sent, 1) * 1000:.2f} ms per digest "
            f"({sent / cpu if cpu else 0:.0f} digests per CPU-second; the database's own time is not included)"
        )
        self.stdout.write(f"Database: {connection.vendor}")

    def cleanup(self):
        users = User.objects.filter(email__endswith="@bench.invalid")
        Delivery.objects.filter(recipient__in=users).delete()
        bench = Community.objects.filter(slug__startswith="benchmark-")
        Activity.objects.filter(community__in=bench).delete()
        Theme.objects.filter(community__in=bench).delete()
        Membership.objects.filter(community__in=bench).delete()
        bench.delete()
        users.delete()
