"""Issue 14 in a real browser, at desktop (1366 px) and phone (390 px) widths.

One function per journey keeps CI fast: each walks several items of the issue.
"""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from communities.demo import DEMO_PASSWORD
from forums.services import start_thread

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


def png_bytes(width, height, colour):
    picture = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(picture, "PNG")
    return picture.getvalue()


def loaded(page, selector, width=None):
    """Wait until the image really loaded (served to this viewer, decoded)."""
    size = f" && i.naturalWidth === {width}" if width else " && i.naturalWidth > 0"
    page.wait_for_function(
        f"() => {{ const i = document.querySelector({selector!r}); return i && i.complete{size}; }}"
    )


@pytest.mark.parametrize("size", WIDTHS)
def test_a_member_reads_a_thread_reacts_saves_drafts_and_finds_it_all_again(
    page, browser, live_server, demo, size
):
    viewport = WIDTHS[size]
    page.set_viewport_size(viewport)
    sign_in(page, "grace@example.com")

    # Item 6: the time-zone setting is a grouped list with a search box, not 600 raw names.
    page.goto("/account/profile/")
    zones = page.get_by_role("searchbox", name="Search time zones")
    zones.fill("london")
    assert page.get_by_label("Time zone", exact=True).input_value() == "Europe/London"

    # Avatars: a profile photo replaces the initials in the header and on her posts.
    page.get_by_label("Photo").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": png_bytes(640, 480, "teal")}]
    )
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".account-menu summary .avatar--photo img")).to_be_visible()
    loaded(page, ".account-menu summary .avatar--photo img", 256)
    page.goto("/communities/benefits-realisation/discussions/")
    page.get_by_role("link", name="How do you baseline benefits before a project has even started?").click()
    loaded(page, ".posts > .post:first-child .post__head .avatar--photo img", 256)

    # Item 1: the community header is one compact row; the first post shows on the first screen.
    page.goto("/communities/benefits-realisation/discussions/")
    page.get_by_role("link", name="Which method do you use to map benefits?").click()
    first_post = page.locator(".posts > .post").first
    box = first_post.bounding_box()
    assert box["y"] < viewport["height"] - 120, box
    tabs = page.get_by_role("navigation", name="Benefits Realisation")
    assert tabs.evaluate("el => getComputedStyle(el).flexWrap") == "nowrap"
    # Item 6: the page names the zone of its times once.
    expect(page.locator(".zone-note")).to_contain_text("London time")

    # User cards: hover (desktop) or tap (phone, a touch screen) a name: role, expertise, Message.
    author = first_post.locator(".post__who a[data-user-card]").first
    name = author.inner_text()
    if size == "phone":
        touch = browser.new_context(
            base_url=live_server.url, viewport=viewport, has_touch=True, is_mobile=True
        )
        touch.add_cookies(page.context.cookies())
        tapper = touch.new_page()
        tapper.goto(page.url)
        tapper.locator(".posts > .post").first.locator(".post__who a[data-user-card]").first.tap()
        card = tapper.get_by_role("dialog", name=name)
    else:
        author.hover()
        card = page.get_by_role("dialog", name=name)
    expect(card).to_be_visible()
    expect(card.locator(".user-card__roles")).to_contain_text("Benefits Realisation")
    expect(card.get_by_role("list", name="Expertise")).to_be_visible()
    expect(card.get_by_role("link", name="Message")).to_be_visible()
    if size == "phone":
        touch.close()
    else:  # the open card passes axe too
        violations = Axe().run(page).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    page.keyboard.press("Escape")

    # Reactions and bookmarks: htmx swaps the post in place (the page does not reload) ...
    page.evaluate("() => { window.stayedOnPage = true; }")
    target = page.locator(".posts > .post:has(.react-menu)").first
    target.locator("summary.reaction--add").click()
    target.get_by_role("button", name="Thanks").click()
    expect(page.locator(".reaction--mine").first).to_contain_text("1")
    page.locator(".posts > .post").first.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved for later")).to_be_visible()
    expect(
        page.locator(".posts > .post").first.get_by_role("button", name="Saved", exact=True)
    ).to_be_visible()
    assert page.evaluate("() => window.stayedOnPage === true")
    if size == "desktop":  # ... and without JavaScript they are plain forms that work the same.
        plain = browser.new_context(base_url=live_server.url, viewport=viewport, java_script_enabled=False)
        plain.add_cookies(page.context.cookies())
        no_js = plain.new_page()
        no_js.goto(page.url)
        post = no_js.locator(".posts > .post:has(.react-menu)").first
        post.locator("summary.reaction--add").click()
        post.get_by_role("button", name="Agree").click()
        expect(
            no_js.locator(".posts > .post:has(.react-menu)").first.locator(
                ".reactions > form > button.reaction--mine"
            )
        ).to_have_count(2)
        plain.close()

    # A draft typed here is kept on the server: another device finds it.
    box = page.locator("#reply textarea")
    box.fill("We used a **benefits map** with the board")
    expect(page.get_by_text("Draft saved")).to_be_visible()
    other = browser.new_context(base_url=live_server.url, viewport=viewport)
    other.add_cookies(page.context.cookies())  # the same member, signed in on another device
    elsewhere = other.new_page()
    elsewhere.goto(page.url)
    expect(elsewhere.locator("#reply textarea")).to_have_value("We used a **benefits map** with the board")
    expect(elsewhere.get_by_text("Your draft is back")).to_be_visible()
    other.close()

    # @mentions: typing "@Pri" offers the people who may read the thread; Enter picks one.
    box.press("End")
    box.press_sequentially(" and @Pri")
    expect(page.get_by_role("option").first).to_have_text(re.compile("Priya Shah"))
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value(re.compile(r"@Priya Shah $"))

    # Images: pasted (phone) or dropped (desktop) into the box, checked, resized and linked in.
    event = "paste" if size == "phone" else "drop"
    page.evaluate(
        """([kind, bytes]) => {
            const file = new File([new Uint8Array(bytes)], "board.png", {type: "image/png"});
            const data = new DataTransfer();
            data.items.add(file);
            const area = document.querySelector("#reply textarea");
            const e = kind === "paste"
                ? new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
                : new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true});
            area.dispatchEvent(e);
        }""",
        [event, list(png_bytes(2400, 1200, "orange"))],
    )
    expect(page.get_by_text("Image added")).to_be_visible()
    expect(box).to_have_value(re.compile(r"!\[[^\]]*\]\(/communities/benefits-realisation/images/"))

    # Markdown preview renders what will be posted, the image included.
    page.get_by_role("tab", name="Preview").click()
    expect(page.locator(".editor__preview strong")).to_have_text("benefits map")
    loaded(page, ".editor__preview img")
    page.get_by_role("tab", name="Write").click()
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted")).to_be_visible()
    mine = page.locator(".posts > .post").last
    expect(mine.get_by_role("link", name="@Priya Shah")).to_be_visible()
    loaded(page, ".posts > .post:last-child .post__body img")
    width = page.evaluate(
        "() => document.querySelector('.posts > .post:last-child .post__body img').naturalWidth"
    )
    assert width <= 1600, width  # resized from 2400 px

    # Keyboard: j/k move between posts, r goes to the reply box, ? opens the help.
    page.locator("h2.thread-head__title").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator(".post--current")).to_have_count(1)
    expect(page.locator(".posts > .post").first).to_have_class(re.compile("post--current"))
    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(box).to_be_focused()

    # Dark mode follows the system setting, and stays readable (axe's contrast check).
    page.emulate_media(color_scheme="dark")
    page.reload()
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert sum(int(v) for v in re.findall(r"\d+", background)[:3]) < 150, background
    contrast = Axe().run(page, options={"runOnly": ["color-contrast"]}).response["violations"]
    assert [v["nodes"][0]["target"] for v in contrast] == []
    page.emulate_media(color_scheme="light")

    # The Saved page lists the saved post.
    page.goto("/communities/discussions/saved/")
    expect(page.locator(".saved-item")).to_have_count(1)


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

    # Item 2: notifications are grouped by day, no "0 minutes ago"; reading a thread clears its own.
    page.goto("/notifications/")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    assert "0 minutes" not in page.locator("main").inner_text()
    expect(page.locator(".notification-day h2").first).to_have_text(re.compile(r"Today|Yesterday|\w+day|\d"))
    bell = page.get_by_test_id("unread-count")
    unread = int(bell.inner_text())
    intro = page.locator(".notification--unread", has_text="Introduce yourself here")
    cleared = intro.count()
    assert cleared >= 1
    page.goto("/communities/benefits-realisation/discussions/")
    page.get_by_role("link", name="Introduce yourself here").click()
    expect(page.get_by_role("heading", name="Introduce yourself here")).to_be_visible()
    page.goto("/notifications/")
    expect(intro).to_have_count(0)
    left = int(bell.inner_text()) if bell.count() else 0
    assert left <= unread - cleared, (unread, cleared, left)  # a row may group several notices

    # Item 9: search lists each thread once and marks the words found; nothing double-escaped.
    page.goto("/search/?q=baseline")
    titles = page.locator(".search-result h3").all_inner_texts()
    assert titles and len(titles) == len(set(titles)), titles
    expect(page.locator(".search-result mark").first).to_be_visible()
    assert "&amp;" not in page.locator("main").inner_text()

    # Item 13: "Ask a question" says so; a two-word tag stays one tag; "Stop watching" is plain.
    page.goto("/communities/benefits-realisation/discussions/")
    listing = page.locator("main").inner_text()
    assert not re.search(r"\d+ \w+, \d+ \w+ ago", listing), "relative times read as one unit"
    page.get_by_role("link", name="Ask a question").click()
    expect(page.get_by_role("heading", name="Ask a question")).to_be_visible()
    page.get_by_label("Title").fill("Who signs off a benefit profile in your organisation?")
    page.get_by_label("Details").fill("Finance, the SRO, or the business owner?")
    page.get_by_label("Tags").fill("benefit profiles, sign off")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is live.")).to_be_visible()
    tags = page.get_by_role("list", name="Tags").locator(".tag").all_inner_texts()
    assert sorted(tags) == ["benefit profiles", "sign off"], tags
    expect(page.get_by_role("button", name="Stop watching")).to_be_visible()
    # Headings use the text's sans-serif (no Times fallback).
    fonts = page.evaluate(
        "() => [getComputedStyle(document.querySelector('h1')).fontFamily, getComputedStyle(document.body).fontFamily]"
    )
    assert fonts[0] == fonts[1], fonts
    # The community feed is not a wall of underlines.
    page.goto("/communities/benefits-realisation/")
    feed_link = page.locator(".feed__item a").first
    assert feed_link.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
    # The current version on a document page is highlighted across its whole row.
    page.goto("/communities/benefits-realisation/library/")
    page.get_by_role("link", name="Benefits realisation toolkit").first.click()
    current = page.locator(".version--current")
    assert current.evaluate("el => getComputedStyle(el).backgroundImage") == "none"
    assert current.evaluate("el => getComputedStyle(el).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )

    # Item 6: times name their zone once per page.
    page.goto("/communities/benefits-realisation/hotseats/")
    assert page.locator("main").inner_text().count("Europe/London") == 0
    expect(page.locator(".zone-note")).to_contain_text("London time")


def mailed_link(pattern):
    found = [m for m in (re.search(pattern, e.body) for e in reversed(mail.outbox)) if m]
    assert found, [e.subject for e in mail.outbox]
    return found[0].group(0)


@pytest.mark.parametrize("size", WIDTHS)
def test_an_invited_expert_signs_up_confirms_in_another_browser_and_proposes_a_community(
    page,
    browser,
    live_server,
    facilitator,
    community,
    closed_community,
    member,
    outsider,
    staff,
    password,
    size,
):
    """Items 10, 11, 12 and 5 with people made for the test (no demo data: quick)."""
    viewport = WIDTHS[size]
    page.set_viewport_size(viewport)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(facilitator.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-menu")).to_be_visible()

    # @mentions offer only people who may read the thread: in a closed community, members but
    # not an outsider (who could otherwise learn the thread exists).
    thread = start_thread(facilitator, closed_community, title="Review findings that land", body="Notes?")
    page.goto(thread.get_absolute_url())
    box = page.locator("#reply textarea")
    with page.expect_response(lambda r: "/mentions/" in r.url):
        box.press_sequentially("Thanks @Mo")
    expect(page.get_by_role("option", name=re.compile("Mo Member"))).to_be_visible()
    box.fill("")
    with page.expect_response(lambda r: "/mentions/" in r.url) as answer:
        box.press_sequentially("Thanks @Oll")
    assert answer.value.json() == {"people": []}
    expect(page.get_by_role("listbox")).to_be_hidden()

    # Item 10: a scheduled hot seat offers "Open now", not "Extend" or "Close now"; the
    # invitation of an expert without an account can be copied or resent.
    page.goto(f"/communities/{community.slug}/hotseats/new/")
    page.fill("#id_title", "Benefits that survive go-live")
    page.fill("#id_topic", "What to measure and when")
    page.fill("#id_expert_name", "Nia Newcomer")
    page.fill("#id_expert_email", "nia@experts.example")
    opens = timezone.localtime(timezone.now() + datetime.timedelta(days=7), ZoneInfo("Europe/London"))
    page.fill("#id_opens_at", opens.strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Schedule and tell members").click()
    expect(page.locator(".message--success")).to_contain_text("scheduled")
    controls = page.locator("main")
    expect(controls.get_by_role("button", name="Open now")).to_be_visible()
    expect(controls.get_by_role("link", name="Extend")).to_have_count(0)
    expect(controls.get_by_text("Close now")).to_have_count(0)
    invitation = page.get_by_test_id("invitation")
    expect(invitation.get_by_role("button", name="Copy link")).to_be_visible()
    invitation.get_by_role("button", name="Resend the invitation").click()
    expect(page.locator(".message--success")).to_contain_text("on its way to the expert again")
    # ... and the facilitator is not notified about their own hot seat.
    page.reload()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)

    # Item 12: the link in the e-mail points at the server the site runs on (make run sets
    # SITE_URL from PORT as this test's server does; tests/platform/test_make_run.py).
    link = mailed_link(r"https?://\S+/invitation/\S+/")
    assert link.startswith(live_server.url + "/"), link
    page.context.clear_cookies()
    page.goto(link)
    # Item 10: the invited expert's address is filled in at sign-up.
    page.get_by_role("link", name="Create your account").click()
    expect(page.get_by_label("Email")).to_have_value("nia@experts.example")
    # Item 11: the account pages speak plainly, in sentence case.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Check your e-?mail|Confirm", re.I))

    # Item 11: confirming in another browser signs the expert in there (not a sign-in page),
    # and the e-mail names the site, not "127.0.0.1:8101".
    confirmation = mail.outbox[-1]
    assert "Hello from 127.0.0.1" not in confirmation.body
    link = mailed_link(r"https?://\S+/accounts/confirm-email/\S+")
    assert link.startswith(live_server.url + "/"), link
    other = browser.new_context(base_url=live_server.url, viewport=viewport)
    phone = other.new_page()
    phone.goto(link)
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.locator(".account-menu")).to_be_visible()

    # Item 5: a proposal is listed for its proposer on every page while it waits ...
    phone.goto("/communities/propose/")
    phone.fill("#id_name", "Evaluation Clinic")
    phone.fill("#id_purpose", "Evaluating benefits honestly, with peers.")
    phone.fill("#id_scope", "Evaluators and benefits managers")
    phone.fill("#id_description", "We **compare** evaluation methods, monthly.")
    phone.get_by_role("button", name="Send proposal").click()
    phone.goto("/communities/")
    expect(phone.get_by_role("complementary", name="Your communities")).to_contain_text("Evaluation Clinic")
    expect(phone.get_by_role("complementary", name="Your communities")).to_contain_text("awaiting review")
    other.close()

    # ... and staff read the full proposal from the review page.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-menu")).to_be_visible()
    page.goto("/communities/review/")
    page.get_by_text("Read the full proposal").click()
    expect(page.locator(".proposal__full strong")).to_have_text("compare")
    page.get_by_role("link", name="Open the proposed community page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluation Clinic")
