import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from communities.models import Community, Membership
from cop_platform.celery import app as celery_app

from .factories import PASSWORD, CommunityFactory, UserFactory, member_of


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RATELIMIT_ENABLE = False
    settings.ACCOUNT_RATE_LIMITS = False
    settings.SITE_URL = "http://testserver"
    # Staff and facilitators of closed communities must set up two-factor authentication; tests
    # that are not about it sign them in directly (tests/security/test_two_factor.py turns it on).
    settings.MFA_REQUIRED_FOR_PRIVILEGED = False
    # Factories make accounts "today": tests about first-day limits turn them on themselves.
    settings.NEW_ACCOUNT_LIMITS = False
    # Cached pages and post fragments of one test never reach another (the cache is not cleared:
    # in CI it is the Redis database Celery uses too).
    settings.PAGE_CACHE_PREFIX = f"t{uuid.uuid4().hex[:12]}:"
    # Production reads sessions from Redis when it has one; tests count the same session query
    # on SQLite and on PostgreSQL + Redis.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run eagerly in tests, unless a test asks for a real worker (`celery_worker`)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


# --- personas (shared/STYLE.md #14) ------------------------------------------------------


@pytest.fixture
def community(db):
    return CommunityFactory(
        name="Benefits Realisation", slug="benefits", visibility=Community.Visibility.OPEN
    )


@pytest.fixture
def closed_community(db):
    return CommunityFactory(
        name="Assurance Reviewers", slug="assurance", visibility=Community.Visibility.CLOSED
    )


@pytest.fixture
def facilitator(community, closed_community):
    user = member_of(community, Membership.Role.FACILITATOR, display_name="Fiona Facilitator")
    Membership.objects.create(
        user=user, community=closed_community, role=Membership.Role.FACILITATOR, state=Membership.State.ACTIVE
    )
    return user


@pytest.fixture
def member(community, closed_community):
    user = member_of(community, display_name="Mo Member")
    Membership.objects.create(user=user, community=closed_community, state=Membership.State.ACTIVE)
    return user


@pytest.fixture
def core_member(community):
    return member_of(community, Membership.Role.CORE, display_name="Cora Core")


@pytest.fixture
def pending(closed_community):
    return member_of(closed_community, state=Membership.State.PENDING, display_name="Pat Pending")


@pytest.fixture
def outsider(db):
    return UserFactory(display_name="Olly Outsider")


@pytest.fixture
def staff(db):
    return UserFactory(display_name="Sasha Staff", is_staff=True)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def rate_limits_on(settings):
    """Turn rate limits on with fresh counters. A new key prefix isolates them without
    clearing the cache, which in CI is the Redis database Celery uses too."""
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit:` runs what the code deferred to transaction commit (tasks, e-mail)."""
    return django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def password():
    return PASSWORD


# --- real services ------------------------------------------------------------------------


@pytest.fixture
def worker_env():
    """Extra environment for the `celery_worker` process; a test module overrides it (EMAIL_URL=smtp://...)."""
    return {}


@pytest.fixture
def celery_worker(transactional_db, tmp_path, worker_env):
    """A real Celery worker process on Redis, sharing the test database (PostgreSQL only)."""
    from django.db import connection

    from .worker import Worker

    required = os.environ.get("WORKER_REQUIRED") == "1"
    if not django_settings.REDIS_URL or connection.vendor != "postgresql":
        if required:
            pytest.fail("WORKER_REQUIRED=1 but REDIS_URL or PostgreSQL is missing.")
        pytest.skip("needs REDIS_URL and PostgreSQL (CI sets both)")
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False
    mail_dir = tmp_path / "mail"
    worker = Worker(tmp_path / "worker.log", {"EMAIL_URL": "file://", "EMAIL_FILE_PATH": str(mail_dir)})
    worker.mail_dir = mail_dir
    worker.extra_env.update(worker_env)
    worker.start()
    yield worker
    worker.stop()
    celery_app.conf.task_always_eager = True


# --- real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail("E2E_REQUIRED=1 but Chromium is not installed.")
        pytest.skip("Chromium is not installed (make test installs it when run as root)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def render_every_view(settings):
    """Each signed-in view renders its page (no member page cache): for tests of what a page
    costs to render."""
    settings.MEMBER_PAGE_CACHE_SECONDS = 0
