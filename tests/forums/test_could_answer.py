import pytest

from communities.models import Membership
from tests.factories import member_of
from tests.utils import words

from .helpers import age, thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(community, member):
    age(member)
    return thread(member, community, title="How do we baseline benefits?", tags=["benefits", "baselines"])


def test_facilitators_see_who_could_answer_an_unanswered_question(login, facilitator, community, question):
    expert = member_of(community, display_name="Bea Baseline", job_title="Benefits Analyst")
    expert.expertise.set(["baselines"])
    novice = member_of(community, display_name="Nico Novice")
    novice.expertise.set(["agile"])
    departed = member_of(community, state=Membership.State.LEFT, display_name="Gone Gareth")
    departed.expertise.set(["benefits"])

    page = words(login(facilitator).get(question.get_absolute_url()))

    assert "who could answer?" in page
    assert "Bea Baseline Benefits Analyst" in page
    assert "Nico Novice" not in page
    assert "Gone Gareth" not in page


def test_members_do_not_see_the_suggestions(login, community, question):
    expert = member_of(community, display_name="Bea Baseline")
    expert.expertise.set(["baselines"])
    reader = member_of(community)
    assert "who could answer?" not in words(login(reader).get(question.get_absolute_url()))


def test_no_suggestions_once_someone_replied(login, facilitator, community, question):
    from forums import services

    expert = member_of(community, display_name="Bea Baseline")
    expert.expertise.set(["baselines"])
    services.post_reply(facilitator, question, "Start with a sample.")
    assert "who could answer?" not in words(login(facilitator).get(question.get_absolute_url()))
