"""A facilitator shares a toolkit, versions it, downloads both versions, runs a theme, attaches
the toolkit and a discussion thread, and sees both on the theme page, in a real browser."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from communities.samplefiles import make_docx, make_pdf
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_toolkit_with_two_versions_is_attached_to_a_new_theme(
    transactional_db, page, facilitator, community, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _sign_in(page, facilitator)

    # Upload a toolkit.
    page.goto(f"/communities/{community.slug}/")
    page.get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Share a document").click()
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "benefits-toolkit.pdf",
                "mimeType": "application/pdf",
                "buffer": make_pdf(["Toolkit v1"]),
            }
        ],
    )
    page.fill("input[name=title]", "Benefits realisation toolkit")
    page.select_option("select[name=kind]", "toolkit")
    page.fill("textarea[name=description]", "Maps, profiles and reviews.")
    page.get_by_role("button", name="Share document").click()
    page.get_by_text("Thank you for sharing “Benefits realisation toolkit”.").wait_for()

    # Upload a new version.
    page.get_by_role("link", name="Upload a new version").click()
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "benefits-toolkit-v2.docx", "mimeType": "application/octet-stream",
                "buffer": make_docx("Toolkit v2", ["Now in Word"])}],
    )  # fmt: skip
    page.fill("input[name=note]", "Now in Word")
    page.get_by_role("button", name="Upload version").click()
    page.get_by_text("Version 2 is now the current version.").wait_for()

    # Download both versions.
    contents = {}
    for number in (1, 2):
        with page.expect_download() as download_info:
            page.click(f"[data-testid=download-v{number}]")
        download = download_info.value
        contents[number] = (download.suggested_filename, Path(download.path()).read_bytes())
    assert contents[1][0] == "benefits-toolkit.pdf" and contents[1][1].startswith(b"%PDF-")
    assert contents[2][0] == "benefits-toolkit-v2.docx" and contents[2][1].startswith(b"PK")

    # Create a theme.
    today = timezone.localdate()
    page.get_by_role("link", name="Themes").click()
    page.get_by_role("link", name="Start a theme").click()
    page.fill("input[name=title]", "Benefits after go-live")
    page.fill("textarea[name=description]", "Four weeks on what happens **after** go-live.")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today + datetime.timedelta(days=28)).isoformat())
    page.get_by_role("button", name="Start theme").click()
    page.get_by_text("The theme “Benefits after go-live” is set up.").wait_for()

    # Attach the toolkit and see it on the theme page.
    page.select_option("#attach-document", label="Benefits realisation toolkit")
    page.get_by_role("button", name="Attach").first.click()
    page.get_by_text("“Benefits realisation toolkit” is attached to this theme.").wait_for()
    documents = page.locator("section", has=page.get_by_role("heading", name="Documents"))
    assert documents.get_by_role("link", name="Benefits realisation toolkit", exact=True).is_visible()
    assert "v2" in documents.inner_text()

    # Start a discussion on the theme from the theme page; it appears there too.
    page.get_by_role("link", name="Start one").click()
    page.get_by_label("Title").fill("How do you measure benefits a year after go-live?")
    page.get_by_label("Details").fill("We lose track once the project team disbands.")
    page.get_by_label("Theme").select_option(label="Benefits after go-live")
    page.get_by_role("button", name="Post", exact=True).click()
    page.get_by_role("heading", name="How do you measure benefits a year after go-live?").wait_for()
    page.goto(f"/communities/{community.slug}/themes/")
    page.get_by_role("link", name="Benefits after go-live").first.click()
    threads = page.locator("section", has=page.get_by_role("heading", name="Discussions on this theme"))
    assert threads.get_by_role("link", name="How do you measure benefits a year after go-live?").is_visible()
    documents = page.locator("section", has=page.get_by_role("heading", name="Documents"))
    assert documents.get_by_role("link", name="Benefits realisation toolkit", exact=True).is_visible()

    # The community home shows the current theme.
    page.get_by_role("link", name="Home").click()
    assert page.locator(".this-month").get_by_role("link", name="Benefits after go-live").is_visible()
