"""Asking, voting, editing, tidying and answering, with the refusals members would meet."""

import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Activity
from hotseats.models import Question, Vote
from newsletters.models import Notification
from tests.factories import member_of
from tests.utils import text

from .conftest import ask, make_hotseat

pytestmark = pytest.mark.django_db


def q_url(name, question):
    hotseat = question.hotseat
    return reverse(f"hotseats:{name}", args=[hotseat.community.slug, hotseat.pk, question.pk])


def test_member_asks_in_advance_while_the_hot_seat_is_scheduled(login, member, community):
    hotseat = make_hotseat(community, None, state="scheduled")

    response = login(member).post(
        hotseat.get_absolute_url(), {"body": "What is a *benefit profile*?"}, follow=True
    )

    assert "Thank you! Your question is in the queue." in text(response)
    question = Question.objects.get(hotseat=hotseat)
    assert question.author == member
    assert question.body_html == "<p>What is a <em>benefit profile</em>?</p>\n"
    assert "What is a benefit profile?" in text(response).replace("<em>", "").replace("</em>", "")


def test_asking_after_closing_is_refused_and_keeps_the_text(login, member, community):
    # Closed by the clock; the beat task has not run yet, and that must not matter.
    hotseat = make_hotseat(community, None, state="closed", status="open")

    response = login(member).post(hotseat.get_absolute_url(), {"body": "Am I too late?"})

    page = text(response)
    assert "so it no longer takes questions" in page
    assert "Am I too late?" in page  # nothing typed is lost
    assert not Question.objects.filter(hotseat=hotseat).exists()


def test_an_empty_question_gets_a_clear_message(login, member, community):
    hotseat = make_hotseat(community, None)

    response = login(member).post(hotseat.get_absolute_url(), {"body": "  "})

    assert "Please write your question first." in text(response)


def test_member_votes_once_and_voting_twice_is_refused(login, member, core_member, community):
    hotseat = make_hotseat(community, None)
    question = ask(hotseat, core_member)
    client = login(member)

    first = client.post(q_url("vote", question), follow=True)
    second = client.post(q_url("vote", question), follow=True)

    assert "Your vote is counted." in text(first)
    assert "You have already voted for this question." in text(second)
    question.refresh_from_db()
    assert question.vote_count == 1
    assert Vote.objects.filter(question=question).count() == 1


def test_member_withdraws_a_vote_while_the_hot_seat_is_open(login, member, core_member, community):
    question = ask(make_hotseat(community, None), core_member)
    client = login(member)
    client.post(q_url("vote", question))

    response = client.post(q_url("vote", question), {"withdraw": "1"}, follow=True)
    again = client.post(q_url("vote", question), {"withdraw": "1"}, follow=True)

    assert "Your vote is withdrawn." in text(response)
    assert "You had not voted for this question." in text(again)
    question.refresh_from_db()
    assert question.vote_count == 0
    assert not Vote.objects.exists()


def test_votes_cannot_be_withdrawn_after_closing(login, member, core_member, community):
    hotseat = make_hotseat(community, None)
    question = ask(hotseat, core_member)
    Vote.objects.create(question=question, user=member)
    Question.objects.filter(pk=question.pk).update(vote_count=1)
    hotseat.status = "closed"
    hotseat.opens_at, hotseat.closes_at = (
        hotseat.opens_at.replace(year=2020),
        hotseat.closes_at.replace(year=2020),
    )
    hotseat.save()

    response = login(member).post(q_url("vote", question), {"withdraw": "1"}, follow=True)

    assert "votes can no longer change" in text(response)
    assert Vote.objects.filter(question=question, user=member).exists()


def test_voting_for_your_own_question_is_refused(login, member, community):
    question = ask(make_hotseat(community, None), member)

    response = login(member).post(q_url("vote", question), follow=True)

    assert "You asked this question, so it already has your support." in text(response)
    assert Vote.objects.count() == 0


def test_editing_someone_elses_question_is_refused(login, member, core_member, community):
    question = ask(make_hotseat(community, None), core_member, body="Original words")

    response = login(member).post(q_url("question_edit", question), {"body": "Hijacked"}, follow=True)

    assert "You can only edit your own questions." in text(response)
    question.refresh_from_db()
    assert question.body == "Original words"
    assert login(member).get(q_url("question_edit", question)).status_code == 404


def test_asker_edits_own_question_and_facilitator_edits_for_clarity(login, member, facilitator, community):
    question = ask(make_hotseat(community, None), member, body="how benefts?")

    login(member).post(q_url("question_edit", question), {"body": "How do benefits work?"})
    question.refresh_from_db()
    assert question.body == "How do benefits work?"

    login(facilitator).post(
        q_url("question_edit", question), {"body": "How are benefits tracked after go-live?"}
    )
    question.refresh_from_db()
    assert question.body == "How are benefits tracked after go-live?"
    assert question.edited_by == facilitator


def test_facilitator_hides_an_off_topic_question_from_members(login, member, facilitator, community):
    hotseat = make_hotseat(community, None)
    question = ask(hotseat, member, body="Buy my consultancy services")

    login(facilitator).post(q_url("question_hide", question), {"hidden": "1"})

    assert "Buy my consultancy" not in text(login(member).get(hotseat.get_absolute_url()))
    assert "Hidden from members" in text(login(facilitator).get(hotseat.get_absolute_url()))


def test_merging_a_duplicate_moves_its_votes_and_its_asker(
    login, member, core_member, facilitator, community
):
    hotseat = make_hotseat(community, None)
    keep = ask(hotseat, member, body="How do I measure benefits?")
    duplicate = ask(hotseat, core_member, body="Measuring benefits: how?")
    voter = member_of(community)
    Vote.objects.create(question=duplicate, user=voter)
    Vote.objects.create(question=duplicate, user=member)  # already the asker of `keep`
    Question.objects.filter(pk=duplicate.pk).update(vote_count=2)

    response = login(facilitator).post(q_url("question_merge", duplicate), {"into": keep.pk}, follow=True)

    assert "Merged" in text(response)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert set(Vote.objects.filter(question=keep).values_list("user_id", flat=True)) == {
        voter.pk,
        core_member.pk,
    }
    assert keep.vote_count == 2
    assert "Measuring benefits: how?" not in text(login(member).get(hotseat.get_absolute_url()))


def test_answering_as_a_non_expert_is_refused(login, member, facilitator, expert, community):
    hotseat = make_hotseat(community, expert)
    question = ask(hotseat, member)

    for person in (member, facilitator):
        response = login(person).post(q_url("answer", question), {"body": "My take"})
        assert response.status_code == 400
        assert "Only the invited expert, Erin Expert, can answer questions here." in text(response)
        assert "My take" in text(response)
    question.refresh_from_db()
    assert not question.is_answered


def test_expert_answers_and_asker_and_voters_are_told(
    login, member, core_member, expert, community, on_commit
):
    hotseat = make_hotseat(community, expert)
    question = ask(hotseat, member)
    Vote.objects.create(question=question, user=core_member)
    bystander = member_of(community)

    with on_commit:
        login(expert).post(q_url("answer", question), {"body": "Give each benefit an owner."})

    question.refresh_from_db()
    assert question.is_answered and question.answered_by == expert
    told = set(Notification.objects.filter(kind="hotseat.answered").values_list("recipient_id", flat=True))
    assert told == {member.pk, core_member.pk}
    assert bystander.pk not in told
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, core_member.email])
    assert "Erin Expert answered a question you asked or voted for" in mail.outbox[0].body
    assert Activity.objects.filter(verb="hotseat.answered", community=community).count() == 1


def test_expert_cannot_answer_before_the_hot_seat_opens(login, member, expert, community):
    question = ask(make_hotseat(community, expert, state="scheduled"), member)

    response = login(expert).post(q_url("answer", question), {"body": "Early bird"})

    assert "answers can be posted from then" in text(response)


def test_member_follows_up_under_an_answer_and_the_expert_replies(
    login, member, expert, community, django_capture_on_commit_callbacks
):
    hotseat = make_hotseat(community, expert)
    question = ask(hotseat, member, answer="Use a benefits map.", answered_by=expert)
    Question.objects.filter(pk=question.pk).update(answered_at=hotseat.opens_at)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(member).post(q_url("follow_up", question), {"body": "Which template?"}, follow=True)

    assert "Your follow-up is posted." in text(response)
    assert "Which template?" in text(response)
    notice = Notification.objects.get(recipient=expert, kind="hotseat.follow_up")
    assert notice.text == "Mo Member followed up on your answer in the hot seat “Benefits after go-live”."

    with django_capture_on_commit_callbacks(execute=True):
        login(expert).post(q_url("follow_up", question), {"body": "The one in the toolkit."})
    notice = Notification.objects.get(recipient=member, kind="hotseat.follow_up")
    assert (
        notice.text
        == "Erin Expert replied to the follow-ups on your question in the hot seat “Benefits after go-live”."
    )


def test_follow_up_needs_an_answer_first(login, member, community):
    question = ask(make_hotseat(community, None), member)

    response = login(member).post(q_url("follow_up", question), {"body": "Any news?"})

    assert response.status_code == 400
    assert "this question has not been answered yet" in text(response)
    assert "Any news?" in text(response)
