"""Security headers on every response: a strict Content-Security-Policy (django-csp) and the
usual hardening headers, on a normal page, a 404 and a 500 alike."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from cop_platform.settings import content_security_policy

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_hardened(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.fixture
def site(settings, client):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.security.urls"
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_a_normal_page_sends_the_security_headers(site, community):
    response = site.get("/communities/")
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.django_db
def test_a_404_sends_the_security_headers(site):
    response = site.get("/nothing-here/")
    assert response.status_code == 404
    assert_hardened(response)


@pytest.mark.django_db
def test_a_500_sends_the_security_headers(site):
    response = site.get("/__boom__/")
    assert response.status_code == 500
    assert_hardened(response)


@pytest.mark.django_db
def test_the_policy_can_be_switched_to_report_only(site, settings):
    settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(
        report_only=True
    )
    response = site.get("/communities/")
    assert "Content-Security-Policy" not in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy-Report-Only"]


def test_report_only_is_off_unless_asked_for():
    enforced, report_only = content_security_policy(report_only=False)
    assert enforced["DIRECTIVES"]["frame-ancestors"] == ["'none'"]
    assert report_only is None


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "<style> block"),
    (re.compile(r"\sstyle=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "on...= handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    """The policy forbids them, so a page that has one is broken in the browser: move the code to
    static/js/<area>.js (loaded with defer) and the look to static/css/site.css."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if "emails" in path.relative_to(TEMPLATES).parts:
            continue  # e-mail HTML has its CSS inlined on purpose and never runs under our CSP
        source = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}")
    assert found == []
