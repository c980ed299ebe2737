"""Surveys (build, answer, results, CSV, invitations, theme from a result) and quick polls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from communities.policy import get_community_for
from cop_platform.params import parse_int

from .. import survey_results as tally
from ..forms_surveys import QuestionForm, QuickPollForm, SurveyForm, answer_fields
from ..models import QuickPoll, QuickPollVoter, Survey, SurveyParticipant, SurveyTheme
from ..services import surveys as services
from ..services.errors import ForumError


def _survey_for(user, slug, pk):
    """(community, access, survey) if the viewer may see it (drafts: facilitators), else 404."""
    community, access = get_community_for(user, slug)
    pk = parse_int(pk, None, minimum=1)
    survey = Survey.objects.for_viewer(access).filter(pk=pk).first() if pk else None
    if survey is None:
        raise Http404("No such survey.")
    survey.community = community
    return community, access, survey


def survey_list(request, slug):
    community, access = get_community_for(request.user, slug)
    surveys = Survey.objects.for_viewer(access).order_by("-closes_at", "-pk")
    if request.user.is_authenticated:
        answered = SurveyParticipant.objects.filter(survey=OuterRef("pk"), user=request.user)
        surveys = surveys.annotate(answered=Exists(answered))
    now = timezone.now()
    rows = list(surveys[:100])
    for survey in rows:
        survey.community = community
    polls = list(QuickPoll.objects.filter(community=community).order_by("-created_at")[:20])
    return render(
        request,
        "forums/surveys/list.html",
        {
            "community": community, "access": access, "now": now, "polls": polls,
            "drafts": [s for s in rows if s.state_at(now) == "draft"],
            "current": [s for s in rows if s.state_at(now) in ("open", "scheduled")],
            "closed": [s for s in rows if s.state_at(now) == "closed"],
        },
    )  # fmt: skip


@login_required
@ratelimit(key="user", rate="30/h", method="POST", block=True)
def survey_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_run_surveys:
        raise Http404
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(request.user, community, **form.cleaned_data)
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The survey is saved as a draft. Now add its questions.")
            return redirect(survey)
    return render(
        request, "forums/surveys/form.html", {"community": community, "access": access, "form": form}
    )


@login_required
def survey_edit(request, slug, pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    if not access.can_run_surveys:
        raise Http404
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_survey(request.user, survey, **form.cleaned_data)
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The survey is updated.")
            return redirect(survey)
    return render(
        request,
        "forums/surveys/form.html",
        {"community": community, "access": access, "form": form, "survey": survey},
    )


def survey_detail(request, slug, pk):
    """The survey: its answer form for members who have not answered, the builder for facilitators."""
    community, access, survey = _survey_for(request.user, slug, pk)
    questions = list(survey.questions.all())
    answered = (
        request.user.is_authenticated
        and SurveyParticipant.objects.filter(survey=survey, user=request.user).exists()
    )
    values, errors, error = {}, {}, None
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        values, errors = answer_fields(questions, request.POST)
        if not errors:
            try:
                services.submit_response(request.user, survey, values)
            except ForumError as exc:
                error = str(exc)
            else:
                messages.success(request, "Thank you: your answers are in.")
                return redirect(survey)
    for question in questions:
        question.value = values.get(question.pk)
        question.error = errors.get(question.pk)
        question.ranks = range(1, len(question.options) + 1)
    return render(
        request,
        "forums/surveys/detail.html",
        {
            "community": community, "access": access, "survey": survey, "questions": questions,
            "answered": answered, "error": error,
            "can_answer": access.can_answer_survey(survey) and not answered,
            "can_see_results": access.can_see_survey_results(survey),
            "question_form": QuestionForm() if access.can_run_surveys and not survey.response_count else None,
        },
    )  # fmt: skip


@login_required
@require_POST
def question_add(request, slug, pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    if not access.can_run_surveys:
        raise Http404
    form = QuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_question(
                request.user, survey, kind=data["kind"], text=data["text"], required=data["required"],
                options=form.option_lines(),
            )  # fmt: skip
        except ForumError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Question added.")
    else:
        messages.error(request, "Please write the question and choose its kind.")
    return redirect(survey.get_absolute_url() + "#build")


@login_required
@require_POST
def question_remove(request, slug, pk, question_pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    question = survey.questions.filter(pk=question_pk).first()
    if not access.can_run_surveys or question is None:
        raise Http404
    try:
        services.remove_question(request.user, question)
    except ForumError as error:
        messages.error(request, str(error))
    return redirect(survey.get_absolute_url() + "#build")


@login_required
@require_POST
def survey_publish(request, slug, pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    if not access.can_run_surveys:
        raise Http404
    try:
        services.publish_survey(request.user, survey)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The survey is published. Invite the members by e-mail when it opens.")
    return redirect(survey)


@login_required
@require_POST
def survey_invite(request, slug, pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    if not access.can_run_surveys:
        raise Http404
    reminder = request.POST.get("reminder") == "1"
    try:
        services.request_invitations(request.user, survey, reminder=reminder)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "The reminder is on its way to members who have not answered."
            if reminder
            else "The invitations are on their way to the members.",
        )
    return redirect(survey)


def survey_results(request, slug, pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    if not access.can_see_survey_results(survey):
        raise Http404
    questions = list(survey.questions.all())
    results = tally.compute(survey, questions)
    started = {
        (t.question_id, t.option): t.theme
        for t in SurveyTheme.objects.filter(survey=survey).select_related("theme")
    }
    for result in results:
        if result.top is not None:
            result.top_theme = started.get((result.question.pk, result.top.index))
    return render(
        request,
        "forums/surveys/results.html",
        {"community": community, "access": access, "survey": survey, "results": results},
    )


def survey_csv(request, slug, pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    if not access.can_see_survey_results(survey):
        raise Http404
    response = HttpResponse(tally.csv_text(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def survey_theme(request, slug, pk):
    community, access, survey = _survey_for(request.user, slug, pk)
    if not access.can_manage_themes or not access.can_see_survey_results(survey):
        raise Http404
    question = survey.questions.filter(pk=parse_int(request.POST.get("question"), 0, minimum=0)).first()
    if question is None:
        raise Http404
    try:
        theme = services.start_theme_from_result(
            request.user, survey, question, parse_int(request.POST.get("option"), -1, minimum=-1)
        )
    except ForumError as error:
        messages.error(request, str(error))
        return redirect("forums:survey_results", community.slug, survey.pk)
    messages.success(
        request, f"The theme “{theme.title}” has started. Adjust its dates or description if you like."
    )
    return redirect(theme)


# --- quick polls --------------------------------------------------------------------------------


@login_required
@ratelimit(key="user", rate="30/h", method="POST", block=True)
def quick_poll_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_run_surveys:
        raise Http404
    form = QuickPollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_quick_poll(
                request.user, community, question=data["question"], options=data["options"].splitlines(),
                days=data["days"],
            )  # fmt: skip
        except ForumError as error:
            form.add_error("options", str(error))
        else:
            messages.success(request, "The quick poll is on the community home.")
            return redirect(community)
    return render(
        request,
        "forums/surveys/quick_poll_form.html",
        {"community": community, "access": access, "form": form},
    )


def _poll_for(user, slug, pk):
    community, access = get_community_for(user, slug)
    poll = QuickPoll.objects.filter(community=community, pk=pk).first()
    if poll is None:
        raise Http404
    poll.community = community
    return community, access, poll


@login_required
@require_POST
def quick_poll_vote(request, slug, pk):
    community, access, poll = _poll_for(request.user, slug, pk)
    try:
        services.vote_quick_poll(request.user, poll, parse_int(request.POST.get("option"), -1, minimum=-1))
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thanks for voting.")
    return redirect(community)


@login_required
@require_POST
def quick_poll_close(request, slug, pk):
    community, access, poll = _poll_for(request.user, slug, pk)
    if not access.can_run_surveys:
        raise Http404
    services.close_quick_poll(request.user, poll)
    messages.success(request, "The poll is closed.")
    return redirect("forums:survey_list", community.slug)


def quick_poll_panel(request, community, access):
    """The community home's quick poll: the newest open one, and whether I voted (one query)."""
    polls = QuickPoll.objects.filter(community=community, closes_at__gt=timezone.now())
    if request.user.is_authenticated:
        polls = polls.annotate(
            voted=Exists(QuickPollVoter.objects.filter(poll=OuterRef("pk"), user=request.user))
        )
    poll = polls.order_by("-created_at").first()
    if poll is None:
        return None
    poll.community = community
    return {
        "quick_poll": poll,
        "can_vote": access.can_vote_quick_poll(poll) and not getattr(poll, "voted", False),
    }


def calendar_entries(community_ids, start, end):
    """Survey deadlines on the community calendar (published surveys closing in the window): one query."""
    from communities.calendar import Entry

    surveys = (
        Survey.objects.published()
        .filter(community_id__in=community_ids, closes_at__gte=start, closes_at__lt=end)
        .select_related("community")
    )
    return [
        Entry(
            uid=f"survey-{s.pk}",
            kind="survey",
            title=f"Survey closes: {s.title}",
            start=s.closes_at,
            end=s.closes_at,
            url=s.get_absolute_url(),
            community=s.community,
        )  # fmt: skip
        for s in surveys
    ]
