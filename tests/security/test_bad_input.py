"""Bad input never returns a 500: a property-based walk over every URL pattern of the site.

The test walks Django's URL resolver (so pages other people add later are covered without being
listed here), fills each path converter with real demo objects' slugs and ids or with random values,
and sends random Unicode, huge, negative and mistyped values to every query parameter and form field
it finds on the site's own pages (GET and POST; the test client skips the CSRF check, which is the
same as sending a valid token), signed out and as several personas. Any 5xx fails, with the request
that caused it.

Every request runs inside a savepoint that is rolled back, so each example starts from the same demo
world and the walk is deterministic (Hypothesis derandomized). Tuning: BAD_INPUT_EXAMPLES (examples
per URL pattern and persona, default 1) to search harder locally, e.g. `BAD_INPUT_EXAMPLES=20`.
"""

import io
import os
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from communities.models import Community

pytestmark = [pytest.mark.django_db]

EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "1"))
# Signed out, a member (of some communities, not others), a facilitator and staff.
PERSONAS = ["anon", "member", "facilitator", "staff"]
CRAWL_LIMIT = 60

# Parameter names pages read that may not appear in any form on the demo site.
COMMON_PARAMS = [
    "page", "q", "sort", "tag", "theme", "quote", "show", "expertise", "title", "next", "kind",
    "status", "state", "format", "month", "year", "week", "day", "date", "id", "pk", "option", "type",
    "community", "order", "filter", "token", "email", "from", "to",
]  # fmt: skip


# --- values ----------------------------------------------------------------------------------

NASTY = [
    "",
    "0",
    "-1",
    "²",
    "٣",
    "1.5",
    "1e309",
    "NaN",
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 5000,
    "\x00",
    "a\x00b",
    "%",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "2026-13-45",
    "2026-02-30T25:61",
    "true",
    "None",
    "[]",
    "{}",
    "\u202e\ufeff\u200b",
    "😀" * 50,
    "x" * 20000,
    "https://evil.example/",
    "//evil.example",
]
text_values = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
values = st.one_of(
    st.sampled_from(NASTY),
    text_values,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
)


# --- the demo world and its pages ------------------------------------------------------------


class Forms(HTMLParser):
    """Links, and the fields of each form with its action and method, on one page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea", "button"} and self._form is not None and a.get("name"):
            self._form["fields"][a["name"]] = a.get("type", tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def route_of(path):
    """The resolver route (e.g. 'communities/<slug:slug>/discussions/<int:pk>/') a path goes to."""
    try:
        return resolve(path).route
    except Resolver404:
        return None


class World:
    def __init__(self):
        call_command("seed_demo", stdout=io.StringIO())
        users = get_user_model().objects
        outsider = users.create_user(email="outsider@example.com", password="x" * 12, display_name="Olly")
        self.users = {
            "anon": None,
            "staff": users.filter(is_staff=True).order_by("pk").first(),
            "facilitator": users.get(email="priya@example.com"),
            "member": users.get(email="grace@example.com"),
            "outsider": outsider,
        }
        self.slugs = sorted(Community.objects.values_list("slug", flat=True))
        self.paths = defaultdict(set)  # route -> real paths seen on the site
        self.fields = defaultdict(dict)  # route -> {field name: input type} of forms posting there
        self.params = set(COMMON_PARAMS)
        self.crawl()

    def crawl(self):
        """Visit the demo site as staff and as a facilitator, remembering every link and form."""
        for persona in ("staff", "facilitator"):
            client = Client()
            client.force_login(self.users[persona])
            queue = ["/", "/communities/"] + [f"/communities/{slug}/" for slug in self.slugs]
            seen = set()
            while queue and len(seen) < CRAWL_LIMIT:
                path = queue.pop(0)
                if path in seen or path.startswith("/accounts/logout") or path.startswith("/admin/"):
                    continue
                seen.add(path)
                response = client.get(path)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = Forms()
                parser.feed(response.content.decode())
                for href in parser.links:
                    link = urlsplit(href)
                    if link.netloc or not link.path.startswith("/"):
                        continue
                    route = route_of(link.path)
                    if route is not None:
                        self.paths[route].add(link.path)
                        queue.append(link.path)
                for form in parser.forms:
                    action = urlsplit(form["action"]).path or path
                    route = route_of(action)
                    if route is None:
                        continue
                    self.paths[route].add(action)
                    if form["method"] == "get":
                        self.params.update(form["fields"])
                    self.fields[route].update(form["fields"])


def all_patterns(patterns=None, prefix=()):
    """Every URL pattern of the site as a tuple of pattern pieces (resolver prefixes first)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from all_patterns(pattern.url_patterns, (*prefix, pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (*prefix, pattern.pattern)


def route_text(pieces):
    return "".join(str(p) for p in pieces)


CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def path_strategy(pieces, world):
    """Paths for one URL pattern: the real ones found on the site, or converters filled with real
    slugs and ids or random values (and regex patterns filled from their regex)."""
    generated = st.just("/")
    for piece in pieces:
        if isinstance(piece, RoutePattern):
            route = str(piece)
            parts, last = [], 0
            for match in CONVERTER.finditer(route):
                parts.append(st.just(route[last : match.start()]))
                converter = piece.converters[match["name"]]
                parts.append(converter_values(match["name"], converter, world))
                last = match.end()
            parts.append(st.just(route[last:]))
            piece_strategy = st.tuples(*parts).map("".join)
        else:
            regex = piece.regex.pattern.lstrip("^").rstrip("$")
            piece_strategy = st.from_regex(re.compile(regex), fullmatch=True).filter(lambda s: "\n" not in s)
        generated = st.tuples(generated, piece_strategy).map("".join)
    real = sorted(world.paths.get(route_text(pieces), ()))
    return st.one_of(st.sampled_from(real), generated) if real else generated


def converter_values(name, converter, world):
    kind = type(converter).__name__
    if kind == "IntConverter":
        return st.one_of(
            st.integers(min_value=1, max_value=40),
            st.sampled_from([0, 2**31, 2**63, 10**30]),
        ).map(str)
    if kind == "SlugConverter":
        return st.one_of(st.sampled_from(world.slugs), st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True))
    if kind == "UUIDConverter":
        return st.uuids().map(str)
    return st.one_of(
        st.sampled_from(["x", "0", "a.b:c"]), st.from_regex(r"[^/\x00-\x1f]{1,80}", fullmatch=True)
    )


def form_data(world, route):
    """Random values for the fields of the forms that post to this route, plus a few extra names."""
    fields = world.fields.get(route, {})
    names = sorted(fields)

    def build(draw):
        data = {}
        for name in names:
            if name == "csrfmiddlewaretoken" or draw(st.integers(0, 4)) == 0:
                continue  # leave some fields out
            if fields[name] == "file":
                content = draw(
                    st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04garbage", b"<html>", b"\x89PNG\r\n"])
                )
                data[name] = SimpleUploadedFile(draw(text_values) or "f", content)
            else:
                data[name] = draw(st.one_of(values, st.lists(values, max_size=3)))
        for name in draw(st.lists(st.sampled_from(sorted(world.params)), max_size=2)):
            data.setdefault(name, draw(values))
        return data

    return st.composite(lambda draw: build(draw))()


# --- the walk --------------------------------------------------------------------------------


def send(client, method, path, query, data):
    """One request in a savepoint rolled back afterwards; the status, or the exception a view raised."""
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    sid = transaction.savepoint()
    try:
        if method == "GET":
            return client.get(path, query).status_code
        return client.post(f"{path}?{urlencode(query)}" if query else path, data).status_code
    except Exception as error:  # the test client re-raises what the view raised
        return f"{type(error).__name__}: {error}"[:300]
    finally:
        transaction.savepoint_rollback(sid)
        if session is not None:  # a sign-out or key rotation was rolled back: keep the session
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value


def walk_one_pattern(world, pieces, client, persona, failures):
    route = route_text(pieces)
    query_names = sorted(world.params)
    calls = []

    @hypothesis_settings(
        max_examples=EXAMPLES + 1,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        path=path_strategy(pieces, world),
        query=st.dictionaries(st.sampled_from(query_names), values, min_size=1, max_size=4),
        data=form_data(world, route),
    )
    def check(path, query, data):
        calls.append(1)
        if len(calls) == 1:
            return  # Hypothesis always tries the all-minimal example first: spend the budget on random ones
        if isinstance(pieces[-1], RoutePattern) and route_of(path) is None:
            return  # a random value the converter refuses: Django answers 404 before any view
        for method, sent in (("GET", {}), ("POST", data)):
            status = send(client, method, path, query, sent)
            if not isinstance(status, int) or status >= 500:
                failures.append(
                    f"{persona} {method} {path} query={query!r:.200} data={sent!r:.300} -> {status}"
                )

    check()


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = False
    return World()


def test_no_url_answers_a_5xx_to_random_input_from_any_persona(world):
    patterns = list(all_patterns())
    assert len(patterns) > 100  # the resolver walk found the site
    failures = []
    clients = {}
    for persona in PERSONAS:
        # No CSRF enforcement: as if every form carried its valid token.
        clients[persona] = Client()
        if world.users[persona] is not None:
            clients[persona].force_login(world.users[persona])
    for pieces in patterns:
        route = route_text(pieces)
        if route.startswith("admin/"):
            # Only staff get past the admin's log-in. Its object pages are Django's own; its lists
            # (where query parameters become lookups) and add forms are where our models show.
            if "object_id" in route:
                continue
            personas = ["staff"]
        else:
            personas = PERSONAS
        for persona in personas:
            walk_one_pattern(world, pieces, clients[persona], persona, failures)
    assert failures == [], "\n".join(failures[:30])
