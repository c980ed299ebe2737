"""Grep rules for this project's own traps (shared/STYLE.md #17, shared/DESIGN.md)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["cop_platform", "communities", "forums", "hotseats", "newsletters"]


def sources(*dirs, pattern="*.py"):
    for directory in dirs:
        for path in (ROOT / directory).rglob(pattern):
            if "migrations" not in path.parts:
                yield path


def offending(paths, regex):
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(regex, line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_times_are_always_time_zone_aware():
    assert offending(sources(*APPS), r"datetime\.(now|utcnow)\(") == []


def test_views_fetch_objects_through_access_helpers_not_objects_get():
    views = [p for p in sources(*APPS) if p.name.startswith("views") or "views" in p.parts]
    assert offending(views, r"\.objects\.get\(") == []


def test_templates_never_mark_anything_safe():
    assert offending(sources("templates", pattern="*.html"), r"\|\s*safe\b|autoescape off") == []


def test_only_reviewed_places_mark_html_safe():
    # Stored Markdown (sanitised by nh3), digest items (every value escaped) and cached post
    # fragments (template output, every value escaped by the template engine) only.
    allowed = {"cop_platform/markdown.py", "newsletters/digests.py", "forums/threadpage.py"}
    found = [line for line in offending(sources(*APPS), r"mark_safe\(") if line.split(":")[0] not in allowed]
    assert found == []


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        ("communities", ["forums", "hotseats", "newsletters"]),
        ("forums", ["hotseats", "newsletters"]),
        ("hotseats", ["forums", "newsletters"]),
    ],
)
def test_dependency_direction(app, forbidden):
    pattern = rf"^\s*(from|import)\s+({'|'.join(forbidden)})(\.|\s|$)"
    assert offending(sources(app), pattern) == []


def test_every_refusal_a_service_raises_shares_one_error_base():
    # Services refuse with their app's error class; all derive from cop_platform.refusals.Refused
    # so a view can show any of them the same way (refusals.show_refusal).
    declared = offending(sources(*APPS), r"^class \w+(Error|Refused)\(Exception\)")
    assert declared == []
