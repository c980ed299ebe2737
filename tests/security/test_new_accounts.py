"""Brand-new accounts (first day): a few threads only, and a pause between replies."""

import datetime

import pytest
from django.utils import timezone

from forums.services import ForumError
from forums.services.posting import NEW_ACCOUNT_MAX_THREADS, NEW_ACCOUNT_REPLY_PAUSE, post_reply
from tests.factories import member_of
from tests.forums.helpers import age, thread


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.NEW_ACCOUNT_LIMITS = True


@pytest.fixture
def newcomer(community):
    return member_of(community, display_name="Nia New")


def test_a_first_day_account_may_start_only_a_few_threads(newcomer, community):
    for i in range(NEW_ACCOUNT_MAX_THREADS):
        thread(newcomer, community, title=f"Question number {i}")
    with pytest.raises(ForumError, match="first day"):
        thread(newcomer, community, title="One more question")


def test_an_established_account_is_not_limited(member, community):
    age(member)
    for i in range(NEW_ACCOUNT_MAX_THREADS + 1):
        thread(member, community, title=f"Question number {i}")


def test_a_first_day_account_pauses_between_replies(newcomer, member, community, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    t = thread(age(member), community)
    post_reply(newcomer, t, "First reply")
    with pytest.raises(ForumError, match="wait"):
        post_reply(newcomer, t, "Second reply straight away")
    time_machine.shift(NEW_ACCOUNT_REPLY_PAUSE + datetime.timedelta(seconds=1))
    post_reply(newcomer, t, "Second reply a little later")
