"""Surveys and quick polls: build, publish, answer, invite, turn a result into a theme.

Each function checks the policy, owns its transaction and raises ForumError with a message for
the person who asked. Answering an anonymous survey writes the answers and the "has answered"
marker in two unrelated rows (see forums/models/surveys.py) and records nothing in the log.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from communities import activity
from communities.policy import access_for
from communities.repertoire import services as repertoire
from communities.services import CommunityError

from .. import signals
from ..models import (
    QuickPoll,
    QuickPollVoter,
    Survey,
    SurveyAnswer,
    SurveyParticipant,
    SurveyQuestion,
    SurveyResponse,
    SurveyTheme,
)
from .errors import ForumError

Kind = SurveyQuestion.Kind
MAX_OPTIONS = 12
MAX_QUESTIONS = 30


def _must_run(user, community):
    if not access_for(user, community).can_run_surveys:
        raise ForumError("Only facilitators can run surveys.")


def _check_dates(opens_at, closes_at):
    if closes_at <= opens_at:
        raise ForumError("The survey must close after it opens.")


def create_survey(user, community, *, title, introduction="", anonymous=True, opens_at, closes_at):
    """A draft survey: only facilitators see it until it is published."""
    _must_run(user, community)
    _check_dates(opens_at, closes_at)
    return Survey.objects.create(
        community=community, title=title.strip(), introduction=introduction, anonymous=anonymous,
        opens_at=opens_at, closes_at=closes_at, created_by=user,
    )  # fmt: skip


def update_survey(user, survey, *, title, introduction="", anonymous=True, opens_at, closes_at):
    _must_run(user, survey.community)
    _check_dates(opens_at, closes_at)
    if survey.response_count and anonymous != survey.anonymous:
        raise ForumError(
            "Members have answered already: the survey stays as it was announced, named or anonymous."
        )
    survey.title, survey.introduction, survey.anonymous = title.strip(), introduction, anonymous
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.save(
        update_fields=["title", "introduction", "introduction_html", "anonymous", "opens_at", "closes_at"]
    )
    return survey


def clean_options(kind, lines):
    options = [line.strip()[:150] for line in lines if line.strip()]
    if kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING):
        if len(options) < 2:
            raise ForumError("Give at least two choices, one a line.")
        if len(options) > MAX_OPTIONS:
            raise ForumError(f"Keep it to {MAX_OPTIONS} choices at most.")
        if len(set(options)) != len(options):
            raise ForumError("Two choices are the same.")
        return options
    if kind == Kind.SCALE:
        return (options + ["Not at all", "Very much"])[:2] if options else ["Not at all", "Very much"]
    return []


def add_question(user, survey, *, kind, text, required=True, options=(), help_text=""):
    _must_run(user, survey.community)
    if survey.response_count:
        raise ForumError("Members have answered already: questions can no longer change.")
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        count = survey.questions.count()
        if count >= MAX_QUESTIONS:
            raise ForumError(f"A survey has {MAX_QUESTIONS} questions at most: members' time is precious.")
        return SurveyQuestion.objects.create(
            survey=survey, position=count + 1, kind=kind, text=text.strip(), required=required,
            options=clean_options(kind, options), help_text=help_text.strip(),
        )  # fmt: skip


def remove_question(user, question):
    survey = question.survey
    _must_run(user, survey.community)
    if survey.response_count:
        raise ForumError("Members have answered already: questions can no longer change.")
    question.delete()


def publish_survey(user, survey):
    """Make the survey visible to members (it opens at opens_at); records the activity once."""
    _must_run(user, survey.community)
    if not survey.questions.exists():
        raise ForumError("Add at least one question first.")
    if survey.closes_at <= timezone.now():
        raise ForumError("The closing date has passed: move it later first.")
    with transaction.atomic():
        won = Survey.objects.filter(pk=survey.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        if not won:
            return survey
        survey.refresh_from_db()
        activity.record(
            survey.community, user, "survey.published", f"New survey: {survey.title}",
            url=survey.get_absolute_url(), target=survey,
        )  # fmt: skip
    return survey


def _answer_value(question, raw):
    """Check one answer from the form; returns (choices, text) or raises ForumError."""
    n = len(question.options)
    if question.kind == Kind.TEXT:
        text = (raw or "").strip()[:4000]
        return [], text
    if question.kind == Kind.SCALE:
        return ([raw] if raw in (1, 2, 3, 4, 5) else []), ""
    if question.kind == Kind.SINGLE:
        return ([raw] if isinstance(raw, int) and 0 <= raw < n else []), ""
    if question.kind == Kind.MULTIPLE:
        picked = sorted({i for i in (raw or []) if isinstance(i, int) and 0 <= i < n})
        return picked, ""
    # Ranking: a full order of every choice, first choice first.
    order = list(raw or [])
    if order and sorted(order) != list(range(n)):
        raise ForumError(f"Give each choice of “{question.text}” a different place.")
    return order, ""


def submit_response(user, survey, answers):
    """Record one member's answers. `answers` maps question pk -> value (see _answer_value).

    Anonymous: the response has no respondent and no time, the marker no link to it.
    """
    access = access_for(user, survey.community)
    if not access.can_answer_survey(survey):
        raise ForumError("This survey is not open to you.")
    questions = list(survey.questions.all())
    rows = []
    missing = []
    for question in questions:
        choices, text = _answer_value(question, answers.get(question.pk))
        if not choices and not text:
            if question.required:
                missing.append(question.text)
            continue
        rows.append((question, choices, text))
    if missing:
        raise ForumError("Please answer: " + "; ".join(missing))
    try:
        with transaction.atomic():
            SurveyParticipant.objects.create(survey=survey, user=user)
            response = SurveyResponse.objects.create(
                survey=survey,
                respondent=None if survey.anonymous else user,
                submitted_at=None if survey.anonymous else timezone.now(),
            )
            SurveyAnswer.objects.bulk_create(
                [SurveyAnswer(response=response, question=q, choices=c, text=t) for q, c, t in rows]
            )
            Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    except IntegrityError:
        raise ForumError("You have answered this survey already. Thank you!") from None
    return response


def request_invitations(user, survey, *, reminder=False):
    """Ask newsletters to e-mail the members (once), or remind those who have not answered (once)."""
    _must_run(user, survey.community)
    if survey.state != "open":
        raise ForumError("Invitations go out while the survey is open.")
    field = "reminded_at" if reminder else "invited_at"
    if reminder and survey.invited_at is None:
        raise ForumError("Invite the members first; the reminder comes later.")
    with transaction.atomic():
        won = Survey.objects.filter(pk=survey.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
        if not won:
            raise ForumError(
                "The reminder has gone out already." if reminder else "The invitations have gone out already."
            )
        signals.survey_invitations.send(sender=Survey, survey=survey, reminder=reminder)


def start_theme_from_result(user, survey, question, option, *, weeks=4):
    """Start a theme named after a result ("members ranked benefits realisation first")."""
    access = access_for(user, survey.community)
    if not access.can_manage_themes or not access.can_see_survey_results(survey):
        raise ForumError("Only facilitators can start themes.")
    if not question.has_options or not 0 <= option < len(question.options):
        raise ForumError("Choose one of the results.")
    label = question.options[option]
    how = {Kind.RANKING: "ranked first", Kind.SINGLE: "chose most often", Kind.MULTIPLE: "chose most often"}
    today = timezone.localdate()
    description = (
        f"In the survey [{survey.title}]({survey.get_absolute_url()}), members {how[question.kind]} "
        f"**{label}** when asked “{question.text}”. For {weeks} weeks we focus on it: share what you know, "
        "ask what you need."
    )
    try:
        with transaction.atomic():
            theme = repertoire.create_theme(
                user, survey.community, title=label, starts_on=today,
                ends_on=today + datetime.timedelta(weeks=weeks), description=description,
            )  # fmt: skip
            SurveyTheme.objects.create(survey=survey, theme=theme, question=question, option=option)
    except CommunityError as error:
        raise ForumError(str(error)) from None
    return theme


# --- quick polls --------------------------------------------------------------------------------


def create_quick_poll(user, community, *, question, options, days=7):
    _must_run(user, community)
    options = clean_options(Kind.SINGLE, options)
    with transaction.atomic():
        poll = QuickPoll.objects.create(
            community=community, question=question.strip(), options=options, counts=[0] * len(options),
            closes_at=timezone.now() + datetime.timedelta(days=days), created_by=user,
        )  # fmt: skip
        activity.record(
            community,
            user,
            "poll.created",
            f"Quick poll: {poll.question}",
            url=community.get_absolute_url(),
            target=poll,
        )
    return poll


def vote_quick_poll(user, poll, option):
    """Count one vote; only the count and a "has voted" marker are stored."""
    if not access_for(user, poll.community).can_vote_quick_poll(poll):
        raise ForumError("This poll is closed.")
    if not isinstance(option, int) or not 0 <= option < len(poll.options):
        raise ForumError("Please choose one of the answers.")
    try:
        with transaction.atomic():
            QuickPollVoter.objects.create(poll=poll, user=user)
            locked = QuickPoll.objects.select_for_update().get(pk=poll.pk)
            locked.counts[option] += 1
            locked.save(update_fields=["counts"])
    except IntegrityError:
        raise ForumError("You have voted in this poll already.") from None
    return locked


def close_quick_poll(user, poll):
    _must_run(user, poll.community)
    QuickPoll.objects.filter(pk=poll.pk, closes_at__gt=timezone.now()).update(closes_at=timezone.now())
