"""The benchmark anyone can rerun (`make bench`, `make bench PEER=1`, `make bench LARGE=1`).

    python manage.py bench [--large] [--peer] [--duration 15] [--connections 8] [--port 8113]
                           [--rounds 1] [--no-digests] [--out docs/benchmarks.md]

1. Seeds the data shape (`bench_seed`, idempotent).
2. Counts the SQL queries of each page, signed out and signed in (in process, test client).
3. Serves the site under gunicorn (2 sync workers) with the settings of this process, which
   `make bench` sets to production ones: DEBUG off, PostgreSQL, persistent connections, Redis.
4. Loads each page with wrk (8 connections, 15 s, 127.0.0.1 only); with --peer it also loads the
   Spirit forum started by ../shared/bench/spirit/serve.sh, interleaving peer and ours page by
   page so that the machine's noise falls on both.
5. Times searches (sequential requests, signed in) for p50/p95.
6. Runs `benchmark_digests` (and `benchmark_fanout` when the project has it) for digests/s and
   newsletter messages/s.
7. Writes the tables and the command to --out (docs/benchmarks.md).

Traffic goes to 127.0.0.1 only and every run is bounded in time.
"""

import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cop_platform.accounts.models import User
from forums.models import Thread

from .bench_seed import SLUG, bench_community, peer_dir

PAGES = [
    # (key, label, our URL builder, Spirit's seed.json URL key)
    ("list", "thread list", "list", "category"),
    ("big", "500-post thread, page 1", "big", "big_topic"),
    ("regular", "20-post thread", "regular", "regular_topic"),
    ("home", "community home (Spirit: its home)", "home", "home"),
]
SEARCHES = [
    "cache",
    "timeout worker",
    "database index migration",
    "session cookie",
    "benchmark",
    "deploy config",
    "latency throughput",
    "template",
    "password email",
    "notification",
    "release upgrade bug",
    "memory disk",
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output):
    """{'rps', 'p50', 'p99', 'errors', 'requests'} from `wrk --latency` output (times in ms)."""

    def latency(pct):
        found = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return float(found[1]) * UNITS[found[2]] if found else None

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    requests = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "p50": latency(50),
        "p99": latency(99),
        "requests": int(requests[1]) if requests else 0,
        "errors": (int(errors[1]) if errors else 0) + (sum(map(int, socket.groups())) if socket else 0),
    }


def percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


class Command(BaseCommand):
    help = "Seed, serve under gunicorn, load with wrk and write docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--large", action="store_true", help="10,000 members, 200,000 posts")
        parser.add_argument("--peer", action="store_true", help="also load Spirit (serve.sh) and compare")
        parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--rounds", type=int, default=1, help="runs per page and server")
        parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8113")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-digests", action="store_true", help="skip digests and fan-out")
        parser.add_argument("--out", default=str(settings.BASE_DIR / "docs" / "benchmarks.md"))
        parser.add_argument(
            "--search-only",
            action="store_true",
            help="seed, serve and time the searches only; rewrite only the search table of --out",
        )

    def handle(self, *args, **opts):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (make bench installs it with apt-get when it can).")
        self.opts = opts
        started = timezone.now()
        call_command("bench_seed", large=opts["large"], stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        if opts["search_only"]:
            return self.search_only(started)
        urls = self.our_urls()
        cookie = self.session_cookie()
        queries = self.count_queries(urls)
        peer = self.start_peer() if opts["peer"] else None
        server = self.start_server()
        try:
            base = f"http://127.0.0.1:{opts['port']}"
            self.warm(base, urls, cookie)
            load = self.load(base, urls, cookie, peer)
            # Warm first, as --search-only does: each PostgreSQL connection loads the text search
            # dictionaries on its first search (~50 ms once per connection, not per request).
            self.time_search(base, cookie)
            search = self.time_search(base, cookie)
        finally:
            self.stop_server(server)
        batch = {} if opts["no_digests"] else self.batch_figures()
        self.write(started, urls, queries, load, search, batch, peer)

    # --- pages ----------------------------------------------------------------------------
    def our_urls(self):
        community = bench_community()
        threads = list(
            Thread.objects.filter(community=community).order_by("pk").values_list("pk", flat=True)[:2]
        )
        return {
            "list": reverse("forums:thread_list", args=[SLUG]),
            "big": reverse("forums:thread_detail", args=[SLUG, threads[0]]),
            "regular": reverse("forums:thread_detail", args=[SLUG, threads[1]]),
            "home": reverse("communities:home", args=[SLUG]),
        }

    def member(self):
        return User.objects.get(email="user0000@forum-bench.invalid")

    def session_cookie(self):
        client = Client()
        client.force_login(self.member())
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def count_queries(self, urls):
        """Queries per page (first request and warm), signed out and signed in, in process."""
        counts = {}
        for visitor in ("out", "in"):
            client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
            if visitor == "in":
                client.force_login(self.member())
            for key, url in urls.items():
                with CaptureQueriesContext(connection) as first:
                    response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code} ({visitor})")
                with CaptureQueriesContext(connection) as warm:
                    client.get(url)
                counts[key, visitor] = (len(first), len(warm))
        return counts

    def search_only(self, started):
        """Time the searches alone (after two warming rounds) and rewrite the search table."""
        cookie = self.session_cookie()
        server = self.start_server()
        try:
            base = f"http://127.0.0.1:{self.opts['port']}"
            self.time_search(base, cookie)  # warm: each worker's connections, caches and plans
            search = self.time_search(base, cookie)
        finally:
            self.stop_server(server)
        path = Path(self.opts["out"])
        key = "large" if self.opts["large"] else "default"
        text = path.read_text()
        start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
        if start not in text or end not in text:
            raise CommandError(f"{path} has no {key} block: run the whole benchmark once first.")
        head, block = text[: text.index(start)], text[text.index(start) : text.index(end)]
        lines = block.splitlines()
        first = lines.index("### Search")
        last = next(i for i in range(first + 1, len(lines)) if lines[i].startswith("Queries:"))
        while last + 2 < len(lines) and lines[last + 2].startswith("Search table measured"):
            last += 2  # the note of an earlier --search-only run, replaced below
        load = os.getloadavg()
        lines[first : last + 1] = [
            *self.search_lines(search),
            "",
            f"Search table measured {started:%Y-%m-%d %H:%M} UTC with `python manage.py bench"
            f"{' --large' if self.opts['large'] else ''} --search-only` (load average "
            f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} at the end), after one warming round.",
        ]
        path.write_text(head + "\n".join(lines) + "\n" + text[text.index(end) :])
        self.stdout.write(self.style.SUCCESS(f"Wrote the search table of {path}"))

    def search_lines(self, search):
        lines = [
            "### Search",
            "",
            "| search | p50 ms | p95 ms | requests |",
            "|---|---|---|---|",
        ]
        for name, fig in search.items():
            lines.append(
                f"| {name} (signed in, sequential) | {fig['p50']:.0f} | {fig['p95']:.0f} | {fig['n']}"
                f"{' (' + str(fig['failures']) + ' failed)' if fig['failures'] else ''} |"
            )
        lines += ["", "Queries: " + ", ".join(f"`{q}`" for q in SEARCHES) + ", three times each."]
        return lines

    # --- servers ----------------------------------------------------------------------------
    def start_server(self):
        port = self.opts["port"]
        command = [
            sys.executable, "-m", "gunicorn", "cop_platform.wsgi:application",
            "-w", str(self.opts["workers"]), "-k", "sync", "-b", f"127.0.0.1:{port}",
            "--no-control-socket", "--log-level", "warning",
        ]  # fmt: skip
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)  # noqa: S603
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310 - loopback
                return server
            except OSError:
                if server.poll() is not None:
                    raise CommandError("gunicorn exited; see the messages above.") from None
                time.sleep(0.2)
        self.stop_server(server)
        raise CommandError("gunicorn did not answer within 30 s.")

    def stop_server(self, server):
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)

    def start_peer(self):
        """Spirit served by serve.sh (started here if it does not answer); its URLs and cookie."""
        root = Path(os.environ.get("SPIRIT_ROOT", "/tmp/spirit-peer"))  # noqa: S108 - serve.sh default
        port = os.environ.get("SPIRIT_PORT", "18081")
        base = f"http://127.0.0.1:{port}"
        try:
            urllib.request.urlopen(f"{base}/", timeout=5)  # noqa: S310 - loopback
        except OSError:
            self.stdout.write("Starting the Spirit peer (serve.sh; the first build takes a few minutes)...")
            subprocess.run(  # noqa: S603
                ["bash", str(peer_dir() / "serve.sh")],  # noqa: S607
                check=True,
                timeout=1200,
                env={**os.environ, "SPIRIT_ROOT": str(root), "SPIRIT_PORT": port},
                stdout=subprocess.DEVNULL,
            )
        seed = json.loads((root / "seed.json").read_text())
        cookie = json.loads((root / "queries.json").read_text())
        counts = {
            (r["page"], "out" if r["visitor"] == "anon" else "in"): r["queries"] for r in cookie["results"]
        }
        return {"base": base, "urls": seed["urls"], "cookie": cookie["login_cookie"], "queries": counts}

    # --- load -------------------------------------------------------------------------------
    def wrk(self, url, cookie=None, duration=None):
        command = [
            "wrk", "--latency", "-t2", f"-c{self.opts['connections']}",
            f"-d{duration or self.opts['duration']}s", "-H", "X-Forwarded-Proto: https",
        ]  # fmt: skip
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        result = subprocess.run(  # noqa: S603
            [*command, url], capture_output=True, text=True, timeout=(duration or self.opts["duration"]) + 60
        )
        return parse_wrk(result.stdout)

    def warm(self, base, urls, cookie):
        for url in urls.values():
            self.wrk(base + url, None, duration=2)
            self.wrk(base + url, cookie, duration=2)

    def load(self, base, urls, cookie, peer):
        """{(page, visitor): {"ours": [runs], "peer": [runs]}}, peer and ours interleaved."""
        if peer:
            for url in peer["urls"].values():
                self.wrk(peer["base"] + url, None, duration=2)
                self.wrk(peer["base"] + url, peer["cookie"], duration=2)
        results = {}
        for _ in range(self.opts["rounds"]):
            for key, _label, _ours, peer_key in PAGES:
                for visitor in ("out", "in"):
                    runs = results.setdefault((key, visitor), {"ours": [], "peer": []})
                    if peer:
                        runs["peer"].append(
                            self.wrk(
                                peer["base"] + peer["urls"][peer_key],
                                peer["cookie"] if visitor == "in" else None,
                            )
                        )
                    runs["ours"].append(self.wrk(base + urls[key], cookie if visitor == "in" else None))
                    line = f"{key:8} signed {visitor:3}: ours {runs['ours'][-1]['rps']:7.0f} req/s"
                    if peer:
                        line += f", Spirit {runs['peer'][-1]['rps']:6.0f} req/s"
                    self.stdout.write(line)
        return results

    def time_search(self, base, cookie):
        """Sequential signed-in searches of the discussions and of the whole site: p50/p95 in ms."""
        figures = {}
        paths = {
            "discussions": reverse("forums:search", args=[SLUG]),
            "site": reverse("search"),
        }
        for name, path in paths.items():
            times, failures = [], 0
            for _ in range(3):
                for q in SEARCHES:
                    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
                        f"{base}{path}?q={urllib.request.quote(q)}",
                        headers={"Cookie": cookie, "X-Forwarded-Proto": "https"},
                    )
                    t0 = time.perf_counter()
                    try:
                        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                            response.read()
                    except OSError:
                        failures += 1
                    times.append((time.perf_counter() - t0) * 1000)
            figures[name] = {
                "p50": statistics.median(times),
                "p95": percentile(times, 95),
                "n": len(times),
                "failures": failures,
            }
            self.stdout.write(
                f"search {name}: p50 {figures[name]['p50']:.0f} ms, p95 {figures[name]['p95']:.0f} ms"
            )
        return figures

    def batch_figures(self):
        """Digests/s from benchmark_digests; messages/s from benchmark_fanout when it exists."""
        figures = {}
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        runs = [("digests", ["benchmark_digests", "--members", "2000"], r"([\d.]+) digests/s")]
        if "benchmark_fanout" in get_commands():
            # Its SMTP sink listens on a port of our range (the server's port + 5).
            port = str(self.opts["port"] + 5)
            runs.append(("fanout", ["benchmark_fanout", "--port", port], r"([\d.]+) messages/s"))
        for name, args, pattern in runs:
            result = subprocess.run(  # noqa: S603
                [*manage, *args], capture_output=True, text=True, timeout=900, cwd=settings.BASE_DIR
            )
            found = re.search(pattern, result.stdout)
            figures[name] = {
                "rate": float(found[1]) if found else None,
                "command": "python manage.py " + " ".join(args),
                "output": result.stdout.strip().splitlines()[-4:] or result.stderr.strip().splitlines()[-3:],
            }
            self.stdout.write(f"{name}: {figures[name]['rate']}/s")
        return figures

    # --- report -----------------------------------------------------------------------------
    def write(self, started, urls, queries, load, search, batch, peer):
        o = self.opts
        command = "make bench" + (" PEER=1" if o["peer"] else "") + (" LARGE=1" if o["large"] else "")
        from forums.models import Post

        posts = Post.objects.filter(community=bench_community()).count()
        members = User.objects.filter(email__endswith="@forum-bench.invalid").count()
        lines = [
            "# Benchmarks",
            "",
            f"Measured {started:%Y-%m-%d %H:%M} UTC with `{command}` "
            f"(`python manage.py bench{' --peer' if o['peer'] else ''}{' --large' if o['large'] else ''}"
            f" --duration {o['duration']} --rounds {o['rounds']}`).",
            "",
            f"Data: {members:,} members of one open community, {posts:,} posts of about 300 characters of "
            "Markdown (the Spirit peer's generator and seed). Server: gunicorn, "
            f"{o['workers']} sync workers, DEBUG off, {connection.vendor}, persistent connections, "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}. Load: wrk, {o['connections']} "
            f"connections, {o['duration']} s a run, 127.0.0.1. Machine: {os.cpu_count()} cores "
            f"({platform.machine()}), shared with other work while measuring, so figures move by "
            "±20% from run to run; where several rounds ran, the table shows the range.",
            "",
        ]
        header = "| page | visitor | req/s | p50 ms | p99 ms | queries (cold / warm) |"
        rule = "|---|---|---|---|---|---|"
        if peer:
            header += " Spirit req/s | Spirit queries | ratio |"
            rule += "---|---|---|"
        lines += [header, rule]

        def spread(values, fmt="{:.0f}"):
            values = [v for v in values if v is not None]
            if not values:
                return "-"
            lo, hi = min(values), max(values)
            return (
                fmt.format(lo)
                if len(values) == 1 or fmt.format(lo) == fmt.format(hi)
                else (f"{fmt.format(lo)}–{fmt.format(hi)}")
            )

        for key, label, _ours, peer_key in PAGES:
            for visitor in ("out", "in"):
                runs = load[key, visitor]
                ours = runs["ours"]
                cold, warm = queries[key, visitor]
                errors = sum(r["errors"] for r in ours)
                row = (
                    f"| {label} | signed {visitor} | {spread([r['rps'] for r in ours])}"
                    f"{' (' + str(errors) + ' errors)' if errors else ''} | "
                    f"{spread([r['p50'] for r in ours], '{:.1f}')} | {spread([r['p99'] for r in ours], '{:.1f}')} | "
                    f"{cold} / {warm} |"
                )
                if peer:
                    theirs = runs["peer"]
                    ratio = statistics.median(r["rps"] for r in ours) / max(
                        statistics.median(r["rps"] for r in theirs), 0.1
                    )
                    row += (
                        f" {spread([r['rps'] for r in theirs])} | {peer['queries'].get((peer_key, visitor), '-')} | "
                        f"**{ratio:.1f}×** |"
                    )
                lines.append(row)
        lines += [
            "",
            "Queries are counted in process with the test client (cold: the first request after start; "
            "warm: the same request again, when caches are filled).",
            "",
        ]
        lines += [*self.search_lines(search), ""]
        if batch:
            lines += ["### Background work", "", "| job | rate | command |", "|---|---|---|"]
            for name, fig in batch.items():
                unit = "digests/s" if name == "digests" else "messages/s"
                rate = f"{fig['rate']:.0f} {unit}" if fig["rate"] else "(see output)"
                lines.append(f"| {name} | {rate} | `{fig['command']}` |")
            lines.append("")
        lines += [
            "### Rerun",
            "",
            "```",
            "make bench              # 1,000 members, 4,500 posts; writes this file",
            "make bench PEER=1       # also builds and serves Spirit (serve.sh) and adds ratios",
            "make bench LARGE=1      # 10,000 members, 200,000 posts",
            "```",
            "",
            "`make bench` uses its own PostgreSQL database (`BENCH_DB`, default `bench`) and Redis "
            "database (`BENCH_REDIS`), port `BENCH_PORT`; see the Makefile.",
            "",
        ]
        path = Path(o["out"])
        key = "large" if o["large"] else "default"
        start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
        block = f"{start}\n" + "\n".join(lines[2:]) + f"\n{end}"
        text = path.read_text() if path.exists() else "# Benchmarks\n\n"
        if start in text and end in text:
            text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
        else:
            title = "## 200,000 posts (`--large`)" if o["large"] else "## The peer's data shape"
            text = text.rstrip("\n") + f"\n\n{title}\n\n{block}\n"
        path.write_text(text)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
