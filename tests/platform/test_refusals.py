import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from communities.services import CommunityError
from cop_platform.refusals import Refused, show_refusal
from forums.services import ForumError
from hotseats.services import HotSeatError

from .test_house_rules import APPS, offending, sources


class BodyForm(forms.Form):
    body = forms.CharField()


def _request():
    request = RequestFactory().post("/", {"body": "What I typed"})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize("error_class", [CommunityError, ForumError, HotSeatError])
def test_every_apps_refusal_is_a_refused(error_class):
    assert issubclass(error_class, Refused)


def test_a_refusal_on_a_form_sits_under_its_field_and_keeps_what_was_typed():
    request = _request()
    form = BodyForm(request.POST)
    assert form.is_valid()
    show_refusal(request, ForumError("This thread is locked."), form=form, field="body")
    assert form.errors["body"] == ["This thread is locked."]
    assert form["body"].value() == "What I typed"
    assert list(get_messages(request)) == []


def test_a_refusal_without_a_form_becomes_a_message():
    request = _request()
    show_refusal(request, CommunityError("You are already a member."))
    assert [str(m) for m in get_messages(request)] == ["You are already a member."]


def test_a_refusal_that_is_not_an_error_can_be_a_calmer_message():
    from django.contrib import messages

    request = _request()
    show_refusal(request, ForumError("You have already flagged this post."), level=messages.INFO)
    assert [m.level for m in get_messages(request)] == [messages.INFO]


def test_views_show_refusals_through_show_refusal_only():
    views = [p for p in sources(*APPS) if p.name.startswith("views") or "views" in p.parts]
    assert offending(views, r"(add_error\(.*|messages\.\w+\(request, )str\(") == []
