"""Issue 14 in a real browser, at desktop (1366 px) and phone (390 px) widths.

One function per journey keeps CI fast: each walks several items of the issue.
"""

import io
import re

import pytest
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from communities.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("size", WIDTHS)
def test_a_member_reads_a_thread_reacts_saves_drafts_and_finds_it_all_again(page, demo, size):
    page.set_viewport_size(WIDTHS[size])
    sign_in(page, "grace@example.com")

    # Item 1: the community header is one compact row; the first post shows on the first screen.
    page.goto("/communities/benefits-realisation/discussions/")
    page.get_by_role("link", name="Which method do you use to map benefits?").click()
    first_post = page.locator(".posts > .post").first
    box = first_post.bounding_box()
    assert box["y"] < WIDTHS[size]["height"] - 120, box
    tabs = page.get_by_role("navigation", name="Benefits Realisation")
    assert tabs.evaluate("el => getComputedStyle(el).flexWrap") == "nowrap"

    # Reactions and bookmarks (no JavaScript needed: plain forms).
    reply_posts = page.locator(".posts > .post:has(.react-menu)")
    target = reply_posts.first
    target.locator("summary.reaction--add").click()
    target.get_by_role("button", name="Thanks").click()
    expect(page.locator(".reaction--mine").first).to_contain_text("1")
    page.locator(".posts > .post").first.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved for later")).to_be_visible()

    # A draft typed here is kept on the server and is back after a reload; Preview renders it.
    box = page.locator("#reply textarea")
    box.fill("We used a **benefits map** with the board")
    expect(page.get_by_text("Draft saved")).to_be_visible()
    page.get_by_role("tab", name="Preview").click()
    expect(page.locator(".editor__preview strong")).to_have_text("benefits map")
    page.reload()
    expect(page.locator("#reply textarea")).to_have_value("We used a **benefits map** with the board")

    # Keyboard: j moves to the next post, ? opens the help.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    expect(page.locator(".post--current")).to_have_count(1)
    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")

    # The Saved page lists the saved post.
    page.goto("/communities/discussions/saved/")
    expect(page.locator(".saved-item")).to_have_count(1)

    if size == "phone":  # A profile photo replaces the initials in the header (once is enough).
        picture = io.BytesIO()
        Image.new("RGB", (640, 480), "teal").save(picture, "PNG")
        page.goto("/account/profile/")
        page.get_by_label("Photo").set_input_files(
            files=[{"name": "me.png", "mimeType": "image/png", "buffer": picture.getvalue()}]
        )
        page.get_by_role("button", name="Save profile").click()
        header_photo = page.locator(".account-menu summary .avatar--photo img")
        expect(header_photo).to_be_visible()
        page.wait_for_function(  # the photo really loaded (served to its owner, decoded)
            "() => { const i = document.querySelector('.account-menu summary .avatar--photo img');"
            " return i && i.complete && i.naturalWidth === 256; }"
        )


@pytest.mark.parametrize("size", WIDTHS)
def test_a_newcomer_meets_the_front_page_and_a_closed_communitys_front_door(page, demo, size):
    page.set_viewport_size(WIDTHS[size])
    # Item 7: the signed-out home leads with lively communities and counts everyone.
    page.goto("/")
    cards = page.locator(".community-card")
    expect(cards.first).to_contain_text(re.compile(r"\d+ members, \d+ core"))
    assert not re.search(r"\b0 members", page.locator("main").inner_text())
    # Item 8: a closed community's address shows its public profile, content stays hidden.
    page.goto("/communities/project-assurance/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Project Assurance")
    expect(page.get_by_role("link", name="Sign in to ask to join")).to_be_visible()
    assert page.goto("/communities/project-assurance/discussions/").status == 404
    # Item 11: the account pages speak in sentence case.
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")


@pytest.mark.parametrize("size", WIDTHS)
def test_a_facilitator_composes_the_newsletter_and_reads_grouped_notifications(page, demo, size):
    page.set_viewport_size(WIDTHS[size])
    sign_in(page, "priya@example.com")

    # Item 3: the draft reads like a note and is signed; saving twice keeps one draft.
    page.goto("/communities/benefits-realisation/newsletter/new/")
    body = (
        page.get_by_label("Body").input_value()
        if page.get_by_label("Body").count()
        else page.locator("textarea").input_value()
    )
    assert body.startswith("Hello everyone,") and "Priya Shah\nFacilitator, Benefits Realisation" in body
    assert "http://" not in body.split("## Article of the month")[0]
    # Each save is a form post that navigates: wait for it, or going back races the navigation.
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    page.go_back()
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    page.goto("/communities/benefits-realisation/newsletter/")
    subjects = page.locator(".issue-list strong").all_inner_texts()
    assert len(subjects) == len(set(subjects)), subjects
    # Item 4: badges are pills whose text is centred (height close to a line of small text).
    badge = page.locator(".issue-list .badge").first.bounding_box()
    assert badge["height"] < 30

    # Item 2: notifications are grouped by day, no "0 minutes ago".
    page.goto("/notifications/")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    assert "0 minutes" not in page.locator("main").inner_text()

    # Item 6: times name their zone once per page.
    page.goto("/communities/benefits-realisation/hotseats/")
    assert page.locator("main").inner_text().count("Europe/London") == 0
    expect(page.locator(".zone-note")).to_contain_text("London time")
