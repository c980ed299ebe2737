"""One rate-limit style (cop_platform/ratelimits.py): named groups, one decorator, one counter
shared by the web form and the reply by e-mail."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver, reverse

from cop_platform import ratelimits
from forums import services as forum_services
from forums.models import Post
from newsletters import targets
from tests.utils import text

from .test_house_rules import APPS, offending, sources


def test_django_ratelimit_is_used_through_cop_platform_ratelimits_only():
    found = offending(sources(*APPS), r"^\s*(from|import)\s+django_ratelimit")
    assert [line for line in found if not line.startswith("cop_platform/ratelimits.py:")] == []


def test_a_group_declared_twice_with_two_rates_is_refused(monkeypatch):
    monkeypatch.setattr(ratelimits, "_rates", {})
    ratelimits.limit("tests.twice", "5/h")
    ratelimits.limit("tests.twice", "5/h")  # the same limit on a second view shares the budget
    with pytest.raises(ImproperlyConfigured):
        ratelimits.limit("tests.twice", "6/h")


def test_every_reply_by_email_spends_from_a_web_forms_budget_at_the_same_rate():
    get_resolver().url_patterns  # import every view module, which declares its limits  # noqa: B018
    declared = ratelimits.declared()
    shared = {kind: t for kind, t in targets._targets.items() if t.group}
    assert {"thread", "hotseat", "question", "conversation"} <= set(shared)
    assert {kind: declared.get(t.group) for kind, t in shared.items()} == {
        kind: t.rate for kind, t in shared.items()
    }


@pytest.mark.django_db
def test_replies_by_email_use_up_the_web_budget_and_the_form_keeps_the_text(
    login, member, community, facilitator, rate_limits_on
):
    thread = forum_services.start_thread(facilitator, community, title="Budget lines", body="How?")
    for _ in range(30):
        assert not ratelimits.over_limit_for(member, "forums.reply", "30/h")

    response = login(member).post(
        reverse("forums:reply", args=[community.slug, thread.pk]), {"body": "My long considered reply"}
    )

    assert response.status_code == 400
    page = text(response)
    assert "You are posting very quickly" in page
    assert "My long considered reply" in page
    assert not Post.objects.filter(thread=thread, author=member).exists()
