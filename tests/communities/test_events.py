import pytest

from communities import activity, events
from communities.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_registry(monkeypatch):
    """Register verbs for one test only."""
    monkeypatch.setattr(events, "_verbs", dict(events._verbs))
    monkeypatch.setattr(events, "_expected", dict(events._expected))


def test_recording_an_unregistered_verb_fails_and_writes_nothing(community, member):
    with pytest.raises(events.UnknownVerb, match="thread.exploded"):
        activity.record(community, member, "thread.exploded", "Something odd happened")
    assert not Activity.objects.exists()


def test_recording_a_registered_verb_writes_one_row(community, member):
    activity.record(community, member, "member.joined", f"{member.name} joined")
    assert Activity.objects.get().verb == "member.joined"


def test_every_app_declares_its_verbs_with_a_description():
    verbs = events.registered()
    for verb in ("member.joined", "thread.created", "post.created", "hotseat.opened", "document.uploaded"):
        assert verbs[verb].strip()


def test_the_system_check_refuses_a_verb_without_description(scratch_registry):
    events.register("poll.opened", "")
    errors = events.check_verbs()
    assert [e.id for e in errors] == ["communities.E001"]
    assert "poll.opened" in errors[0].msg


def test_the_system_check_refuses_a_verb_read_but_never_registered(scratch_registry):
    events.expect("badge.earned", by="tests")
    errors = events.check_verbs()
    assert [e.id for e in errors] == ["communities.E002"]
    assert "badge.earned" in errors[0].msg


def test_the_shipped_verbs_pass_the_system_check():
    assert events.check_verbs() == []


@pytest.mark.parametrize("verb", ["Thread.Created", "thread", "thread created", "thread.created.twice"])
def test_verbs_must_read_noun_dot_event(verb):
    with pytest.raises(ValueError):
        events.register(verb, "does something")
