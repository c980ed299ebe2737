"""A hot seat's questions: vote, edit, hide, merge, answer, follow up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from communities.policy import (
    can_answer_in_hotseat,
    can_edit_hotseat_question,
)

from .. import services
from ..access import get_question_for
from ..forms import AnswerForm, FollowUpForm, MergeForm, QuestionForm
from ..services import HotSeatError
from .hotseats import _back, _form_page


@login_required
@require_POST
@ratelimit(key="user", rate="200/h", method="POST", block=True)
def question_vote(request, slug, pk, question_pk):
    question, hotseat, access = get_question_for(request.user, slug, pk, question_pk)
    withdraw = request.POST.get("withdraw") == "1"
    try:
        if withdraw:
            services.withdraw_vote(request.user, question)
        else:
            services.vote(request.user, question)
    except HotSeatError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your vote is withdrawn." if withdraw else "Your vote is counted.")
    return _back(hotseat, question)


@login_required
def question_edit(request, slug, pk, question_pk):
    question, hotseat, access = get_question_for(request.user, slug, pk, question_pk)
    form = QuestionForm(request.POST or None, initial={"body": question.body})
    form.fields["body"].label = "Question"
    if request.method == "POST":
        if not can_edit_hotseat_question(access, question):
            messages.error(request, "You can only edit your own questions.")
            return _back(hotseat, question)
        if form.is_valid():
            try:
                services.edit_question(request.user, question, form.cleaned_data["body"])
            except HotSeatError as error:
                form.add_error("body", str(error))
            else:
                messages.success(request, "The question is updated.")
                return _back(hotseat, question)
    elif not can_edit_hotseat_question(access, question):
        raise Http404
    return _form_page(request, hotseat, access, form, "Edit the question", "Save question", question)


@login_required
@require_POST
def question_hide(request, slug, pk, question_pk):
    question, hotseat, access = get_question_for(request.user, slug, pk, question_pk)
    if not access.can_run_hotseat:
        raise Http404
    hide = request.POST.get("hidden") != "0"
    services.hide_question(request.user, question, hidden=hide)
    messages.success(
        request, "The question is hidden from members." if hide else "The question is shown again."
    )
    return _back(hotseat, question)


@login_required
def question_merge(request, slug, pk, question_pk):
    question, hotseat, access = get_question_for(request.user, slug, pk, question_pk)
    if not access.can_run_hotseat:
        raise Http404
    form = MergeForm(request.POST or None, hotseat=hotseat, exclude=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge_question(request.user, question, form.cleaned_data["into"])
        except HotSeatError as error:
            form.add_error("into", str(error))
        else:
            messages.success(request, "Merged: the duplicate's votes now count for the question that stays.")
            return _back(hotseat, form.cleaned_data["into"])
    return _form_page(request, hotseat, access, form, "Merge a duplicate question", "Merge", question)


@login_required
@ratelimit(key="user", rate="120/h", method="POST", block=True)
def question_answer(request, slug, pk, question_pk):
    question, hotseat, access = get_question_for(request.user, slug, pk, question_pk)
    form = AnswerForm(request.POST or None, initial={"body": question.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_question(request.user, question, form.cleaned_data["body"])
        except HotSeatError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, "Your answer is published; the asker and voters are being told.")
            return _back(hotseat, question)
    elif request.method == "GET" and not can_answer_in_hotseat(access, hotseat):
        raise Http404
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, hotseat, access, form, "Answer the question", "Publish answer", question, status
    )


@login_required
@require_POST
@ratelimit(key="user", rate="60/h", method="POST", block=True)
def question_follow_up(request, slug, pk, question_pk):
    question, hotseat, access = get_question_for(request.user, slug, pk, question_pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up(request.user, question, form.cleaned_data["body"])
        except HotSeatError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, "Your follow-up is posted.")
            return _back(hotseat, question)
    return _form_page(request, hotseat, access, form, "Follow up", "Post follow-up", question, status=400)
