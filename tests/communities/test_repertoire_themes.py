import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from communities.extensions import ThemeSection, _theme_sections, register_theme_section
from communities.models import Activity, Article, Theme
from communities.repertoire import services
from communities.services import CommunityError
from tests.communities.repertoire_utils import media_root, upload  # noqa: F401
from tests.utils import text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _theme(facilitator, community, title="Benefits realisation", start=-5, end=20, **kwargs):
    return services.create_theme(
        facilitator, community, title=title,
        starts_on=TODAY + datetime.timedelta(days=start), ends_on=TODAY + datetime.timedelta(days=end), **kwargs,
    )  # fmt: skip


def test_facilitator_starts_a_theme_and_it_is_recorded(login, facilitator, community):
    response = login(facilitator).post(
        reverse("communities:theme_create", args=[community.slug]),
        {"title": "Assurance", "description": "Four weeks on **assurance**", "starts_on": "2026-11-20",
         "ends_on": "2026-12-18"},
        follow=True,
    )  # fmt: skip

    theme = Theme.objects.get()
    assert theme.slug == "assurance"
    assert response.redirect_chain[-1][0] == theme.get_absolute_url()
    assert "<strong>assurance</strong>" in response.content.decode()
    assert Activity.objects.filter(verb="theme.started", target_id=theme.pk).exists()


def test_theme_end_before_start_is_refused_and_fields_kept(login, facilitator, community):
    response = login(facilitator).post(
        reverse("communities:theme_create", args=[community.slug]),
        {"title": "Backwards", "starts_on": "2026-11-20", "ends_on": "2026-11-01"},
    )

    assert "The theme must end on or after the day it starts." in text(response)
    assert 'value="Backwards"' in text(response)
    assert not Theme.objects.exists()


def test_members_cannot_create_themes(login, member, community):
    assert login(member).get(reverse("communities:theme_create", args=[community.slug])).status_code == 404
    with pytest.raises(CommunityError):
        _theme(member, community)


def test_themes_page_separates_current_upcoming_and_past(login, member, facilitator, community):
    _theme(facilitator, community, "Now on")
    _theme(facilitator, community, "Later on", start=30, end=60)
    _theme(facilitator, community, "Long ago", start=-90, end=-60)

    page = text(login(member).get(reverse("communities:themes", args=[community.slug])))
    assert page.index("Now on") < page.index("Coming up") < page.index("Later on")
    assert page.index("Past themes") < page.index("Long ago")


def test_theme_page_gathers_attached_documents_meetings_and_other_apps_sections(
    login, member, facilitator, community
):
    theme = _theme(facilitator, community)
    document = upload(member, community, title="Benefits map")
    upload(member, community, title="Unrelated doc")
    client = login(facilitator)
    client.post(
        reverse("communities:theme_attach", args=[community.slug, theme.slug]), {"document": document.pk}
    )
    meeting = services.schedule_meeting(
        facilitator, community, title="Theme workshop", place="Leeds",
        starts_at=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC), theme=theme,
    )  # fmt: skip
    # Another app (forums, hot seats) plugs a section into the theme page; here one that reuses
    # the theme card template with its own context.
    other = SimpleNamespace(
        title="Hot seat: ask a benefits expert",
        slug=theme.slug,
        starts_on=TODAY,
        ends_on=TODAY,
        description="",
    )
    section = ThemeSection("communities/_theme_card.html", lambda request, t, access: {"theme": other})
    register_theme_section(section)
    try:
        response = login(member).get(theme.get_absolute_url())
    finally:
        _theme_sections.remove(section)

    page = text(response)
    assert (
        "Benefits map" in page and "Unrelated doc" not in page.split("Documents", 1)[1].split("Meetings")[0]
    )
    assert meeting.title in page
    assert "Hot seat: ask a benefits expert" in page


def test_theme_pages_answer_404_to_outsiders_of_closed_communities(
    login, outsider, facilitator, closed_community
):
    theme = _theme(facilitator, closed_community)
    client = login(outsider)

    for name, args in [
        ("communities:themes", [closed_community.slug]),
        ("communities:theme_detail", [closed_community.slug, theme.slug]),
        ("communities:articles", [closed_community.slug]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404


def test_attaching_a_document_of_another_community_is_refused(
    login, facilitator, member, community, closed_community
):
    theme = _theme(facilitator, community)
    secret = upload(member, closed_community)

    response = login(facilitator).post(
        reverse("communities:theme_attach", args=[community.slug, theme.slug]),
        {"document": secret.pk},
        follow=True,
    )
    assert "Please choose a document from the library." in text(response)
    secret.refresh_from_db()
    assert secret.theme is None


def test_theme_detail_query_count_is_constant(
    login, member, facilitator, community, django_assert_num_queries
):
    theme = _theme(facilitator, community)
    services.attach_document(facilitator, theme, upload(member, community, title="First doc"))
    client = login(member)
    url = theme.get_absolute_url()
    client.get(url)
    # Queries: session, user, community + membership, theme, documents (+ current version, theme),
    # document tags, meetings, threads and hot seats on the theme (one each).
    with django_assert_num_queries(9):
        client.get(url)
    for n in range(4):
        services.attach_document(facilitator, theme, upload(member, community, title=f"Doc {n}", tags=["x"]))
        services.schedule_meeting(
            facilitator, community, title=f"Meeting {n}", place="Leeds", theme=theme,
            starts_at=datetime.datetime(2026, 12, 1 + n, 10, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2026, 12, 1 + n, 12, tzinfo=datetime.UTC),
        )  # fmt: skip
    with django_assert_num_queries(9):
        response = client.get(url)
    assert "Doc 3" in text(response)


def test_home_shows_current_theme_and_article_of_the_month(login, member, facilitator, community):
    _theme(facilitator, community, "Benefits month")
    _theme(facilitator, community, "Old theme", start=-90, end=-60)
    services.feature_article(
        facilitator, community, month=TODAY, title="Why benefits fail", url="https://example.org/why",
        introduction="A *sharp* read.",
    )  # fmt: skip

    page = text(login(member).get(community.get_absolute_url()))
    assert "Benefits month" in page and "Old theme" not in page  # past themes are not news either
    assert "Why benefits fail" in page and "<em>sharp</em>" in page


def test_home_query_count_does_not_grow_with_themes_and_articles(
    login, member, facilitator, community, django_assert_num_queries, django_assert_max_num_queries
):
    from django.test.client import RequestFactory

    from communities.panels import this_month
    from communities.policy import access_for

    client = login(member)
    url = community.get_absolute_url()
    _theme(facilitator, community)
    client.get(url)
    # The home page's total depends on every app's panels; what this panel adds is fixed: one
    # query for the current theme, the article of the month and the next meeting.
    request = RequestFactory().get(url)
    access = access_for(member, community)
    with django_assert_num_queries(1):
        this_month(request, community, access)
    from cop_platform import pagecache

    pagecache.bump(community.pk)  # compare the page with its shared part loaded, both times
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    for n in range(3):
        _theme(facilitator, community, f"Past {n}", start=-100 + n * 20, end=-90 + n * 20)
        upload(member, community, title=f"Doc {n}")
    services.feature_article(
        facilitator, community, month=TODAY, title="Read", introduction="x", url="https://a.b/c"
    )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_one_article_per_month_and_the_archive_keeps_them(login, member, facilitator, community):
    services.feature_article(
        facilitator,
        community,
        month=TODAY,
        title="November read",
        url="https://example.org/nov",
        introduction="x",
    )
    client = login(facilitator)
    response = client.post(
        reverse("communities:article_feature", args=[community.slug]),
        {
            "month": "2026-11-01",
            "title": "Second for November",
            "url": "https://example.org/2",
            "introduction": "y",
        },
    )
    assert "There is already an article of the month for November 2026." in text(response)
    assert 'value="Second for November"' in text(response)
    client.post(
        reverse("communities:article_feature", args=[community.slug]),
        {
            "month": "2026-12-01",
            "title": "December read",
            "url": "https://example.org/dec",
            "introduction": "z",
        },
    )

    assert Article.objects.count() == 2
    assert Activity.objects.filter(verb="article.featured").count() == 2
    archive = text(login(member).get(reverse("communities:articles", args=[community.slug])))
    assert archive.index("December read") < archive.index("November read")


def test_article_with_javascript_link_is_refused(login, facilitator, community):
    response = login(facilitator).post(
        reverse("communities:article_feature", args=[community.slug]),
        {"month": "2026-11-01", "title": "Bad", "url": "javascript:alert(1)", "introduction": "x"},
    )
    assert "Links starting with “javascript:” are not allowed." in text(response)
    assert not Article.objects.exists()


def test_repertoire_tabs_show_on_community_pages_and_mark_the_current_one(login, member, community):
    page = login(member).get(reverse("communities:links", args=[community.slug])).content.decode()

    for label, name in [
        ("Library", "library"),
        ("Themes", "themes"),
        ("Meetings", "meetings"),
        ("Jobs", "jobs"),
    ]:
        assert f'href="{reverse(f"communities:{name}", args=[community.slug])}"' in page, label
    assert (
        f'<a href="{reverse("communities:library", args=[community.slug])}" aria-current="page">Library</a>'
        in page
    )


def test_facilitator_corrects_and_removes_an_article(login, member, facilitator, community):
    article = services.feature_article(
        facilitator,
        community,
        month=TODAY,
        title="Typo in title",
        url="https://example.org/a",
        introduction="x",
    )
    edit = reverse("communities:article_edit", args=[community.slug, article.pk])

    assert login(member).get(edit).status_code == 404
    assert 'value="2026-11-01" selected' in login(facilitator).get(edit).content.decode()
    login(facilitator).post(
        edit,
        {"month": "2026-11-01", "title": "Fixed title", "url": "https://example.org/a", "introduction": "y"},
    )
    article.refresh_from_db()
    assert (article.title, article.introduction_html) == ("Fixed title", "<p>y</p>\n")

    login(facilitator).post(reverse("communities:article_remove", args=[community.slug, article.pk]))
    assert not Article.objects.exists()
    assert Activity.objects.get(verb="article.featured").withdrawn_at is not None


def test_facilitator_attaches_and_takes_off_a_meeting(login, facilitator, community):
    theme = _theme(facilitator, community)
    meeting = services.schedule_meeting(
        facilitator, community, title="Workshop", place="Leeds",
        starts_at=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC),
    )  # fmt: skip
    url = reverse("communities:theme_attach", args=[community.slug, theme.slug])
    client = login(facilitator)

    response = client.post(url, {"meeting": meeting.pk}, follow=True)
    assert "“Workshop” is attached to this theme." in text(response)
    meeting.refresh_from_db()
    assert meeting.theme == theme
    client.post(url, {"meeting": meeting.pk, "detach": "1"})
    meeting.refresh_from_db()
    assert meeting.theme is None


def test_anonymous_visitors_read_an_open_community_library_without_upload_button(client, member, community):
    upload(member, community, title="Open toolkit")
    page = text(client.get(reverse("communities:library", args=[community.slug])))

    assert "Open toolkit" in page
    assert "Share a document" not in page


def test_this_month_picks_the_newest_running_theme_and_the_next_meeting_among_many(
    login, member, facilitator, community
):
    _theme(facilitator, community, "Long-running theme", start=-20, end=20)
    _theme(facilitator, community, "Newest running theme", start=-2, end=10)
    _theme(facilitator, community, "Finished theme", start=-60, end=-30)
    _theme(facilitator, community, "Theme still to come", start=5, end=30)
    at = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
    for title, days in (("Later meeting", 9), ("Next meeting", 2), ("Past meeting", -3), ("Much later", 30)):
        start = at + datetime.timedelta(days=days)
        services.schedule_meeting(
            facilitator,
            community,
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            place="Room 2",
        )
    services.feature_article(
        facilitator, community, month=TODAY, title="November read", introduction="x", url="https://a.b/c"
    )
    page = text(login(member).get(community.get_absolute_url()))
    panel = page.split('id="this-month-heading"')[1].split("</section>")[0]
    assert "Newest running theme" in panel and "Long-running theme" not in panel
    assert "Next meeting" in panel and "Later meeting" not in panel and "Past meeting" not in panel
    assert "November read" in panel
