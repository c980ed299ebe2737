"""Odd numbers in requests get the default, never a 500 (each case was a 500 before params.get_int)."""

import pytest

from tests.forums.helpers import thread
from tests.utils import text

ODD = ["²", "99999999999999999999", "-1", "1e3"]


@pytest.mark.parametrize("quote", ODD)
def test_a_strange_quote_number_shows_the_thread_without_a_quote(login, member, community, quote):
    t = thread(member, community)
    response = login(member).get(t.get_absolute_url(), {"quote": quote})
    assert response.status_code == 200
    assert "wrote:" not in text(response)


@pytest.mark.parametrize("option", ["²", "99999999999999999999"])
def test_a_strange_poll_option_is_ignored(login, member, community, option):
    t = thread(member, community, poll={"question": "Which?", "options": ["A", "B"], "multiple": False})
    response = login(member).post(t.get_absolute_url() + "vote/", {"option": option})
    assert response.status_code == 302


@pytest.mark.parametrize("theme", ["²", "99999999999999999999"])
def test_a_strange_theme_number_opens_an_empty_new_thread_form(login, member, community, theme):
    response = login(member).get(f"/communities/{community.slug}/discussions/new/", {"theme": theme})
    assert response.status_code == 200
