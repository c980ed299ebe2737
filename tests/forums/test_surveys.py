"""Surveys: build, answer, anonymity in the tables, results, CSV, invitations, theme from a result."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communities.models import Activity, Theme
from forums.models import Survey, SurveyAnswer, SurveyParticipant, SurveyQuestion, SurveyResponse
from forums.services import surveys as services
from forums.services.errors import ForumError
from newsletters.models import Delivery, Preference
from tests.factories import member_of
from tests.utils import words

pytestmark = pytest.mark.django_db
Kind = SurveyQuestion.Kind
DAY = datetime.timedelta(days=1)


def make_survey(facilitator, community, *, anonymous=True, publish=True, state="open"):
    now = timezone.now()
    opens, closes = {"open": (now - DAY, now + 7 * DAY), "scheduled": (now + DAY, now + 7 * DAY)}[state]
    survey = services.create_survey(
        facilitator, community, title="What should we focus on?", introduction="Tell us **honestly**.",
        anonymous=anonymous, opens_at=opens, closes_at=closes,
    )  # fmt: skip
    services.add_question(
        facilitator, survey, kind=Kind.SINGLE, text="Best format?", options=["Webinar", "Meet-up", "Hot seat"]
    )
    services.add_question(
        facilitator,
        survey,
        kind=Kind.MULTIPLE,
        text="Topics?",
        options=["Benefits", "Risk", "Assurance"],
        required=False,
    )
    services.add_question(facilitator, survey, kind=Kind.SCALE, text="How useful is the community?")
    services.add_question(
        facilitator,
        survey,
        kind=Kind.RANKING,
        text="Rank the priorities",
        options=["Benefits realisation", "Assurance", "Risk"],
    )
    services.add_question(facilitator, survey, kind=Kind.TEXT, text="Anything else?", required=False)
    if publish:
        services.publish_survey(facilitator, survey)
    survey.refresh_from_db()
    return survey


def answer_form(survey, single=0, multiple=(0, 2), scale=4, ranking=(1, 2, 3), text="More meet-ups please"):
    q = {question.kind: question for question in survey.questions.all()}
    data = {f"q{q['single'].pk}": str(single), f"q{q['multiple'].pk}": [str(i) for i in multiple],
            f"q{q['scale'].pk}": str(scale), f"q{q['text'].pk}": text}  # fmt: skip
    for i, place in enumerate(ranking):
        data[f"q{q['ranking'].pk}_{i}"] = str(place)
    return data


def answer(client, survey, **kwargs):
    return client.post(survey.get_absolute_url(), answer_form(survey, **kwargs))


# --- building ----------------------------------------------------------------------------------


def test_a_facilitator_builds_a_draft_only_facilitators_see_then_publishes_it(
    login, facilitator, member, community
):
    client = login(facilitator)
    response = client.post(
        reverse("forums:survey_create", args=[community.slug]),
        {"title": "Priorities for 2027", "introduction": "", "anonymous": "on",
         "opens_at": "2026-01-01T09:00", "closes_at": "2036-01-01T09:00"},
    )  # fmt: skip
    survey = Survey.objects.get()
    assert response["Location"] == survey.get_absolute_url()
    client.post(
        reverse("forums:survey_question_add", args=[community.slug, survey.pk]),
        {"kind": "ranking", "text": "Rank these", "options": "Benefits\nRisk\n\nAssurance", "required": "on"},
    )
    assert survey.questions.get().options == ["Benefits", "Risk", "Assurance"]
    assert login(member).get(survey.get_absolute_url()).status_code == 404

    login(facilitator).post(reverse("forums:survey_publish", args=[community.slug, survey.pk]))

    page = words(login(member).get(survey.get_absolute_url()))
    assert "Rank these" in page and "Send my answers" in page
    assert Activity.objects.filter(verb="survey.published").count() == 1


def test_choice_questions_need_two_distinct_choices_and_a_member_cannot_build(facilitator, member, community):
    survey = make_survey(facilitator, community, publish=False)
    with pytest.raises(ForumError, match="at least two"):
        services.add_question(facilitator, survey, kind=Kind.SINGLE, text="?", options=["Only one"])
    with pytest.raises(ForumError, match="same"):
        services.add_question(facilitator, survey, kind=Kind.SINGLE, text="?", options=["A", "A"])
    with pytest.raises(ForumError, match="facilitators"):
        services.add_question(member, survey, kind=Kind.TEXT, text="?")


# --- answering ---------------------------------------------------------------------------------


def test_a_member_answers_once_and_required_questions_are_required(login, facilitator, member, community):
    survey = make_survey(facilitator, community)
    client = login(member)

    missing = client.post(survey.get_absolute_url(), {})
    assert "Please answer: Best format?" in words(missing)
    assert SurveyResponse.objects.count() == 0

    assert answer(client, survey).status_code == 302
    assert "You have answered this survey" in words(client.get(survey.get_absolute_url()))
    answer(client, survey)
    assert SurveyResponse.objects.count() == 1
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_a_ranking_must_give_each_choice_a_different_place(login, facilitator, member, community):
    survey = make_survey(facilitator, community)
    response = answer(login(member), survey, ranking=(1, 1, 3))
    assert "different place" in words(response)
    assert SurveyResponse.objects.count() == 0


def test_outsiders_cannot_answer_and_closed_communities_surveys_answer_404(
    login, facilitator, outsider, closed_community, community
):
    open_survey = make_survey(facilitator, community)
    closed_survey = make_survey(facilitator, closed_community)
    client = login(outsider)
    assert answer(client, open_survey).status_code == 200  # the page, not a response
    assert SurveyResponse.objects.count() == 0
    assert client.get(closed_survey.get_absolute_url()).status_code == 404
    assert (
        client.get(
            reverse("forums:survey_results", args=[closed_community.slug, closed_survey.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("forums:survey_list", args=[closed_community.slug])).status_code == 404


def test_no_table_links_an_anonymous_answer_to_the_member(login, facilitator, member, core_member, community):
    survey = make_survey(facilitator, community, anonymous=True)
    answer(login(member), survey, text="Mo's secret wish")
    answer(login(core_member), survey, text="Cora's secret wish")

    # The answers carry no person and no time, and their keys are random.
    assert list(SurveyResponse.objects.values_list("respondent_id", "submitted_at")) == [(None, None)] * 2
    # The marker knows who answered, and nothing else: no time, no key of a response.
    assert sorted(SurveyParticipant.objects.values_list("user_id", flat=True)) == sorted(
        [member.pk, core_member.pk]
    )
    assert {f.name for f in SurveyParticipant._meta.concrete_fields} == {"id", "survey", "user"}
    # No row anywhere in the database holds a member's id next to an answer's key.
    answer_keys = {str(k) for k in SurveyResponse.objects.values_list("id", flat=True)} | {
        str(k) for k in SurveyAnswer.objects.values_list("id", flat=True)
    }
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                cells = {str(c).replace("-", "") for c in row} | {str(c) for c in row}
                if cells & (answer_keys | {k.replace("-", "") for k in answer_keys}):
                    assert table in ("forums_surveyresponse", "forums_surveyanswer"), table
    # Nor does the activity log say who answered.
    assert not Activity.objects.filter(actor__in=[member, core_member]).exclude(verb="member.joined").exists()
    # And the CSV has no name and no time.
    rows = list(
        csv.reader(
            io.StringIO(
                login(facilitator)
                .get(reverse("forums:survey_csv", args=[community.slug, survey.pk]))
                .content.decode()
            )
        )
    )
    assert rows[0] == [
        "Best format?",
        "Topics?",
        "How useful is the community?",
        "Rank the priorities",
        "Anything else?",
    ]
    assert len(rows) == 3
    assert "Mo Member" not in str(rows)


def test_named_surveys_show_facilitators_who_answered_what_in_the_csv(login, facilitator, member, community):
    survey = make_survey(facilitator, community, anonymous=False)
    answer(login(member), survey, text="=HYPERLINK(1)")

    rows = list(
        csv.reader(
            io.StringIO(
                login(facilitator)
                .get(reverse("forums:survey_csv", args=[community.slug, survey.pk]))
                .content.decode()
            )
        )
    )

    assert rows[0][:2] == ["member", "answered at"]
    assert rows[1][0] == "Mo Member"
    # A formula would run in a spreadsheet: it is quoted.
    assert rows[1][2:] == [
        "Webinar",
        "Benefits; Assurance",
        "4",
        "Benefits realisation > Assurance > Risk",
        "'=HYPERLINK(1)",
    ]


# --- results -----------------------------------------------------------------------------------


def test_results_show_charts_with_tables_and_free_text(login, facilitator, member, core_member, community):
    survey = make_survey(facilitator, community)
    answer(login(member), survey, single=0, ranking=(1, 2, 3), text="More meet-ups")
    answer(login(core_member), survey, single=1, ranking=(2, 1, 3), scale=2, text="Less e-mail")
    other = member_of(community)
    answer(login(other), survey, single=0, ranking=(1, 3, 2), text="")

    response = login(facilitator).get(reverse("forums:survey_results", args=[community.slug, survey.pk]))
    body = response.content.decode()
    page = words(response)

    assert body.count("chart__svg") == 4  # four charts; free text is listed
    assert "Webinar 2 (67 %)" in page  # in the table alternative
    assert "Average 3.3 out of 5, from 3 answers" in page
    assert "More meet-ups" in page and "Less e-mail" in page
    assert "Start a theme on “Benefits realisation”" in page


def test_members_see_results_only_once_the_survey_closes(login, facilitator, member, community):
    survey = make_survey(facilitator, community)
    url = reverse("forums:survey_results", args=[community.slug, survey.pk])
    assert login(member).get(url).status_code == 404
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert login(member).get(url).status_code == 200
    assert (
        login(member).get(reverse("forums:survey_csv", args=[community.slug, survey.pk])).status_code == 200
    )


def test_a_facilitator_starts_a_theme_from_the_top_result(login, facilitator, member, community):
    survey = make_survey(facilitator, community)
    answer(login(member), survey)
    ranking = survey.questions.get(kind=Kind.RANKING)

    response = login(facilitator).post(
        reverse("forums:survey_theme", args=[community.slug, survey.pk]),
        {"question": ranking.pk, "option": 0},
    )

    theme = Theme.objects.get()
    assert response["Location"] == theme.get_absolute_url()
    assert theme.title == "Benefits realisation"
    assert "ranked first **Benefits realisation**" in theme.description
    results = words(
        login(facilitator).get(reverse("forums:survey_results", args=[community.slug, survey.pk]))
    )
    assert "Theme started from this result: Benefits realisation" in results
    assert (
        login(member)
        .post(
            reverse("forums:survey_theme", args=[community.slug, survey.pk]),
            {"question": ranking.pk, "option": 0},
        )
        .status_code
        == 404
    )


def test_the_results_page_costs_the_same_queries_with_few_or_many_answers(
    login, facilitator, community, django_assert_num_queries
):
    survey = make_survey(facilitator, community)
    client = login(facilitator)
    url = reverse("forums:survey_results", args=[community.slug, survey.pk])
    answer(login(member_of(community)), survey)
    client = login(facilitator)
    # session, user, community (+ my membership), survey, questions, answers, themes started,
    # then the layout: unread notifications, the sidebar's communities (first visit)
    with django_assert_num_queries(9):
        client.get(url)
    for _ in range(15):
        answer(login(member_of(community)), survey)
    client = login(facilitator)
    with django_assert_num_queries(9):
        client.get(url)


# --- invitations ---------------------------------------------------------------------------------


def test_members_are_invited_once_and_reminded_once_if_they_have_not_answered(
    login, facilitator, member, core_member, community, django_capture_on_commit_callbacks
):
    def on_commit():
        return django_capture_on_commit_callbacks(execute=True)

    survey = make_survey(facilitator, community)
    quiet = member_of(community, display_name="Quinn Quiet")
    Preference.objects.create(user=quiet, community=community, immediate=False)
    client = login(facilitator)
    with on_commit():
        client.post(reverse("forums:survey_invite", args=[community.slug, survey.pk]))
    invited = sorted(m.to[0] for m in mail.outbox)
    assert invited == sorted([facilitator.email, member.email, core_member.email])
    message = next(m for m in mail.outbox if m.to == [member.email])
    assert message.subject == "Benefits Realisation asks for your views: What should we focus on?"
    assert f"http://testserver{survey.get_absolute_url()}" in message.body
    assert "anonymous" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"]

    with on_commit():
        client.post(reverse("forums:survey_invite", args=[community.slug, survey.pk]))  # twice: no-op
    assert len(mail.outbox) == 3

    answer(login(member), survey)
    mail.outbox.clear()
    with on_commit():
        login(facilitator).post(
            reverse("forums:survey_invite", args=[community.slug, survey.pk]), {"reminder": "1"}
        )
        login(facilitator).post(
            reverse("forums:survey_invite", args=[community.slug, survey.pk]), {"reminder": "1"}
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([facilitator.email, core_member.email])
    assert mail.outbox[0].subject.startswith("Reminder: ")
    assert Delivery.objects.filter(kind="survey").count() == 5


def test_a_survey_deadline_is_on_the_calendar(login, facilitator, member, community):
    survey = make_survey(facilitator, community)
    month = timezone.localtime(survey.closes_at).strftime("%Y-%m")
    page = words(login(member).get(reverse("communities:calendar", args=[community.slug]), {"month": month}))
    assert "Survey closes: What should we focus on?" in page
