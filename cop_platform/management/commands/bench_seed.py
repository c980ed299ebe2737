"""Seed the benchmark's data shape into the configured database (used by `make bench`).

    python manage.py bench_seed [--large] [--force]

Default shape, the same as the Spirit peer's (../shared/bench/spirit/seed_spirit.py, whose
`make_comment` and `title` generate the text with the same random seed): 1,000 members of one
open community "Bench General" (slug `bench`); 200 discussions of 20 posts and one of 500;
Markdown bodies of about 300 characters rendered and stored as the site does on save.
`--large`: 10,000 members and 200,000 posts (one thread of 500, 9,975 of 20).

Idempotent: if the community `bench` exists with the requested size it does nothing; `--force`
(or a different size) deletes the benchmark rows and seeds again. Members are
user0000@forum-bench.invalid ...; user0000 is the signed-in visitor of the load runs.
"""

import importlib.util
import os
import random
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from communities.models import Community, Membership
from cop_platform.accounts.models import User
from cop_platform.markdown import render_markdown
from forums.models import Post, Thread

SLUG = "bench"
SEED = 20240601  # seed_spirit.SEED: the same text, thread by thread, as the peer's
SHAPES = {
    "default": {"members": 1_000, "threads": 200, "big": 500},
    "large": {"members": 10_000, "threads": 9_975, "big": 500},
}
POSTS_PER_THREAD = 20


def peer_dir():
    """Where the Spirit peer's scripts live: $BENCH_PEER_DIR, ../shared/bench/spirit, /work/shared/..."""
    candidates = [
        os.environ.get("BENCH_PEER_DIR", ""),
        settings.BASE_DIR.parent / "shared" / "bench" / "spirit",
        Path("/work/shared/bench/spirit"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "seed_spirit.py").is_file():
            return Path(candidate)
    raise CommandError("seed_spirit.py not found: set BENCH_PEER_DIR to the directory holding it.")


def text_generator():
    """The peer's generator module (make_comment, title), imported from its file."""
    spec = importlib.util.spec_from_file_location("seed_spirit", peer_dir() / "seed_spirit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_community():
    return Community.objects.filter(slug=SLUG).first()


class Command(BaseCommand):
    help = "Seed the benchmark data (1,000 members, 4,500 posts; --large: 10,000 and 200,000)."

    def add_arguments(self, parser):
        parser.add_argument("--large", action="store_true")
        parser.add_argument("--force", action="store_true", help="delete and seed again")

    def handle(self, *args, large, force, **options):
        shape = SHAPES["large" if large else "default"]
        wanted_posts = shape["threads"] * POSTS_PER_THREAD + shape["big"]
        community = bench_community()
        if community is not None and not force:
            posts = Post.objects.filter(community=community).count()
            members = User.objects.filter(email__endswith="@forum-bench.invalid").count()
            if posts == wanted_posts and members == shape["members"]:
                self.stdout.write(f"Benchmark data present ({posts} posts); --force seeds again.")
                return
        started = time.perf_counter()
        self.delete()
        self.seed(**shape)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {shape['members']} members and {wanted_posts} posts "
                f"in {time.perf_counter() - started:.0f}s"
            )
        )

    def delete(self):
        community = bench_community()
        if community is not None:
            Post.objects.filter(community=community).delete()
            community.delete()
        User.objects.filter(email__endswith="@forum-bench.invalid").delete()

    @transaction.atomic
    def seed(self, members, threads, big):
        gen = text_generator()
        rng = random.Random(SEED)  # noqa: S311 - sample text, not secrets
        now = timezone.now().replace(microsecond=0)
        start = now - timedelta(days=60)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"user{i:04d}@forum-bench.invalid",
                    display_name=f"user{i:04d}",
                    password="!",  # noqa: S106 - Django's unusable password: sessions are made directly
                    date_joined=start + timedelta(minutes=i),
                )
                for i in range(members)
            ],
            batch_size=2000,
        )
        names = [u.display_name for u in users]
        community = Community.objects.create(
            name="Bench General",
            slug=SLUG,
            purpose="Benchmark community seeded by manage.py bench_seed",
            status=Community.Status.ACTIVE,
            visibility=Community.Visibility.OPEN,
            last_activity_at=now,
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=u,
                    community=community,
                    state=Membership.State.ACTIVE,
                    role=Membership.Role.FACILITATOR if i == 1 else Membership.Role.PERIPHERAL,
                    joined_at=u.date_joined,
                )
                for i, u in enumerate(users)
            ],
            batch_size=5000,
        )
        specs = [("big", big)] + [("regular", POSTS_PER_THREAD)] * threads
        batch, thread_rows = [], []
        for kind, n in specs:
            author = rng.choice(users)
            title = ("Big benchmark thread: " + gen.title(rng)) if kind == "big" else gen.title(rng)
            t_start = start + timedelta(minutes=rng.randint(0, 60 * 24 * 50))
            step = timedelta(minutes=rng.randint(2, 40))
            dates = [t_start + step * k for k in range(n)]
            posters = [author] + [rng.choice(users) for _ in range(n - 1)]
            thread = Thread(
                community=community,
                author=author,
                title=title[:200],
                kind=Thread.Kind.DISCUSSION,
                created_at=dates[0],
                last_post_at=dates[-1],
                last_post_author=posters[-1],
                post_count=n,
                reply_count=n - 1,
            )
            thread_rows.append((thread, list(zip(posters, dates, strict=True))))
        Thread.objects.bulk_create([t for t, _ in thread_rows], batch_size=2000)
        for thread, plan in thread_rows:
            for number, (user, date) in enumerate(plan, start=1):
                body = gen.make_comment(rng, names)
                batch.append(
                    Post(
                        thread=thread,
                        community=community,
                        author=user,
                        number=number,
                        body=body,
                        body_html=render_markdown(body),
                        created_at=date,
                    )
                )
            if len(batch) >= 5000:
                Post.objects.bulk_create(batch)
                batch = []
        Post.objects.bulk_create(batch)
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # What autovacuum gives a live site: fresh statistics, and the GIN indexes' pending
            # lists merged (a bulk insert leaves them long, and a search then reads them row by
            # row: p95 173 ms instead of ~20 ms right after reseeding).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
