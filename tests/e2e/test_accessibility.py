"""axe-core checks the main pages of the demo site for serious and critical accessibility problems."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from communities.demo import DEMO_PASSWORD
from communities.models import Conversation
from cop_platform.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/communities/",
    "/communities/benefits-realisation/",
    "/communities/benefits-realisation/discussions/",
    "/communities/benefits-realisation/hotseats/",
    "/communities/benefits-realisation/library/",
    "/search/?q=benefits",
    "/accounts/signup/",
    "/accounts/login/",
    "/communities/project-assurance/",  # a closed community's public profile
]
FACILITATOR_PAGES = [
    "/",
    "/communities/benefits-realisation/",
    "/communities/benefits-realisation/members/",
    "/communities/benefits-realisation/dashboard/",
    "/communities/benefits-realisation/knowledge/",
    "/knowledge/",
    "/communities/benefits-realisation/themes/",
    "/communities/benefits-realisation/meetings/",
    "/communities/benefits-realisation/jobs/",
    "/communities/benefits-realisation/newsletter/",
    "/communities/benefits-realisation/settings/",
    "/communities/propose/",
    "/email/preferences/",
    "/account/profile/",
    "/notifications/",
    "/communities/benefits-realisation/discussions/1/",
    "/communities/benefits-realisation/newsletter/new/",
    "/communities/discussions/saved/",
    "/communities/benefits-realisation/nudges/",
    "/communities/benefits-realisation/path/",
    "/communities/benefits-realisation/invitations/",
    "/messages/",
]


def problems(page, paths):
    axe = Axe()
    found = []
    for path in paths:
        page.goto(path)
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                found.append(f"{path}: {violation['id']} ({violation['impact']}) at {targets}")
    return found


def test_main_pages_have_no_serious_accessibility_problems(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())

    found = problems(page, PUBLIC_PAGES)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("priya@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Hello, Priya Shah").wait_for()
    found += problems(page, FACILITATOR_PAGES)
    conversation = Conversation.objects.filter(started_by__email="priya@example.com").first()
    found += problems(page, [conversation.get_absolute_url()])
    # A profile with inferred expertise beside the declared kind (the knowledge map's third view).
    found += problems(page, [User.objects.get(email="maya@example.com").get_absolute_url()])

    assert found == []
