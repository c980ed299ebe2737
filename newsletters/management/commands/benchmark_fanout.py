"""Benchmark the sending engine: a newsletter to N members into a local SMTP sink.

Seeds one community with N active members and an issue, starts an SMTP sink (aiosmtpd, in its own
process, counting messages and connections), then sends the issue's batches of 50 through the
engine exactly as the worker's batch task does (`fanout.send_issue_batch`: claim in chunks,
eligibility re-check, render, one SMTP connection per batch, mark sent), in `--processes`
processes like the worker's --concurrency. Reports messages per second, SMTP connections and
queries per batch; checks that every member received exactly one message; removes what it seeded.

    python manage.py benchmark_fanout                 # 2,000 members, 2 processes
    python manage.py benchmark_fanout --members 500 --processes 1 --port 8193
"""

import multiprocessing
import statistics
import time

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Community, Membership
from cop_platform.accounts.models import User
from newsletters import fanout, issues
from newsletters.models import Delivery, Issue

SLUG = "benchmark-fanout"
DOMAIN = "fanout.invalid"


def run_sink(port, ready, counts):
    """The SMTP sink, in its own process: accepts everything, counts messages and connections."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Sink:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            with counts.get_lock():
                counts[1] += 1
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server, session, envelope):
            with counts.get_lock():
                counts[0] += len(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def send_batches(issue_id, batches, port, forked=True):
    """Send these batches as the worker's task does; returns counts, timings and queries."""
    issue = Issue.objects.select_related("community", "author").get(pk=issue_id)
    result = {"sent": 0, "times": [], "queries": [], "connections": 0, "cpu": 0.0}
    cpu = time.process_time()
    for ids in batches:
        backend = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            batch = fanout.send_issue_batch(issue, ids, connection=backend)
        result["times"].append(time.perf_counter() - t0)
        result["queries"].append(len(queries))
        result["sent"] += batch.sent
        result["connections"] += batch.connections
    result["cpu"] = time.process_time() - cpu
    if forked:
        connection.close()
    return result


class Command(BaseCommand):
    help = "Benchmark the sending engine: a newsletter to N members into a local SMTP sink."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--processes", type=int, default=2, help="like the worker's --concurrency")
        parser.add_argument("--port", type=int, default=0, help="the sink's port (default: a free one)")
        parser.add_argument("--keep", action="store_true", help="keep the seeded rows afterwards")

    def handle(self, *args, members, processes, port, keep, **options):
        try:
            import aiosmtpd  # noqa: F401 - installed with the test extras
        except ImportError as error:
            raise CommandError("The SMTP sink needs aiosmtpd: pip install -e '.[test]'") from error
        if connection.vendor == "sqlite" and processes > 1:
            self.stdout.write("SQLite: running in one process (set DATABASE_URL for PostgreSQL).")
            processes = 1
        port = port or _free_port()
        self.cleanup()
        issue = self.seed(members)
        context = multiprocessing.get_context("fork")
        counts = context.Array("l", [0, 0])
        ready = context.Event()
        # The sink never touches the database, and SIGTERM ends it without Python's clean-up,
        # so the connection it inherits is never closed under our feet.
        sink = context.Process(target=run_sink, args=(port, ready, counts), daemon=True)
        sink.start()
        try:
            if not ready.wait(15):
                raise CommandError("the SMTP sink did not start")
            self.run(issue, processes, port, counts)
        finally:
            sink.terminate()
            sink.join(5)
            if not keep:
                self.cleanup()

    def seed(self, members):
        community = Community.objects.create(
            name="Benchmark fan-out", slug=SLUG, purpose="Benchmark", status=Community.Status.ACTIVE
        )
        users = User.objects.bulk_create(
            [
                User(email=f"reader{n}@{DOMAIN}", display_name=f"Reader {n}", password="!")  # noqa: S106 - "!" is Django's unusable password
                for n in range(members)
            ],
            batch_size=2000,
        )
        now = timezone.now()
        Membership.objects.bulk_create(
            [
                Membership(user=u, community=community, state=Membership.State.ACTIVE, joined_at=now)
                for u in users
            ],
            batch_size=2000,
        )
        issue = Issue.objects.create(
            community=community,
            author=users[0],
            subject="Benchmark: November",
            body="## Top discussions\n\n- [Benefits maps](https://example.org/)\n\nSee you in the community,\n",
            status=Issue.Status.SENDING,
            started_at=now,
        )
        fanout.sending.reserve_many(
            "newsletter",
            issue.delivery_key,
            Membership.objects.filter(community=community).values_list("user_id", "user__email"),
        )
        return issue

    def run(self, issue, processes, port, counts):
        ids = list(
            Delivery.objects.filter(key=issue.delivery_key).order_by("pk").values_list("pk", flat=True)
        )
        batches = [ids[start : start + issues.BATCH_SIZE] for start in range(0, len(ids), issues.BATCH_SIZE)]
        shares = [batches[n::processes] for n in range(processes)]
        started = time.perf_counter()
        if processes == 1:
            results = [send_batches(issue.pk, shares[0], port, forked=False)]
        else:
            connections.close_all()  # each forked process opens its own
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                results = pool.starmap(send_batches, [(issue.pk, share, port) for share in shares])
        elapsed = time.perf_counter() - started
        sent = sum(r["sent"] for r in results)
        received, smtp_connections = counts[0], counts[1]
        times = [t for r in results for t in r["times"]]
        queries = [q for r in results for q in r["queries"]]
        self.stdout.write(
            self.style.SUCCESS(
                f"{sent} newsletters sent in {elapsed:.1f}s with {processes} process{'es' if processes > 1 else ''}: "
                f"{sent / elapsed if elapsed else 0:.0f} messages/s"
            )
        )
        self.stdout.write(
            f"SMTP sink: {received} messages received over {smtp_connections} connections "
            f"({len(batches)} batches of {issues.BATCH_SIZE}: one connection per batch)"
        )
        self.stdout.write(
            f"Per batch: median {statistics.median(times) * 1000:.0f} ms, queries min {min(queries)} max {max(queries)}"
        )
        cpu = sum(r["cpu"] for r in results)
        self.stdout.write(f"CPU in the sending process(es): {cpu / max(sent, 1) * 1000:.2f} ms per message")
        self.stdout.write(f"Database: {connection.vendor}")
        if received != sent or sent != len(ids):
            raise CommandError(f"expected {len(ids)} messages, sent {sent}, the sink received {received}")

    def cleanup(self):
        users = User.objects.filter(email__endswith=f"@{DOMAIN}")
        Delivery.objects.filter(recipient__in=users).delete()
        Issue.objects.filter(community__slug=SLUG).delete()
        Membership.objects.filter(community__slug=SLUG).delete()
        Community.objects.filter(slug=SLUG).delete()
        users.delete()


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
