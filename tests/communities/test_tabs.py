"""The community navigation: the tabs members use on one row, the rest in two menus."""

import re

from tests.utils import text


def _row(html):
    """The labels of the tabs shown in the row itself (not inside a menu)."""
    nav = re.search(r'<nav class="tabs"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r">([^<]+)</a>", nav)


def test_members_see_the_main_tabs_in_one_row_and_the_rest_under_more(login, member, community):
    html = login(member).get(community.get_absolute_url()).content.decode()
    row = _row(html)
    assert row[:2] == ["Home", "Discussions"]
    assert "Members" in row
    assert not {"Jobs", "Surveys", "Newsletter"} & set(row)
    menus = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[1]
    assert "<summary>More</summary>" in menus
    assert "Manage" not in text_of(menus)  # a member has no facilitator pages


def test_the_more_menu_is_marked_current_on_its_pages(login, member, community):
    html = login(member).get(f"/communities/{community.slug}/jobs/").content.decode()
    assert 'class="manage-menu manage-menu--current"' in html


def test_facilitators_also_get_the_manage_menu(login, facilitator, community):
    page = login(facilitator).get(community.get_absolute_url())
    assert "Manage" in text(page)


def text_of(fragment):
    return re.sub(r"<[^>]+>", " ", fragment)
