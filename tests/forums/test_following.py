import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import PollOption, ReadState
from newsletters.models import Notification, Preference
from tests.factories import member_of
from tests.utils import text, words

from .helpers import bulk_thread_with_posts, thread

pytestmark = pytest.mark.django_db


def test_reply_notifies_the_asker_in_app_and_by_email(member, core_member, community, on_commit):
    t = thread(member, community)
    with on_commit:
        reply = services.post_reply(core_member, t, "Try a benefits map")
    notice = Notification.objects.get(recipient=member)
    assert notice.text == f"{core_member.name} replied to “How do you baseline benefits?”"
    assert notice.url == reply.get_absolute_url()
    assert notice.kind == "forums.reply"
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "replied to" in mail.outbox[0].body
    assert "replied to" in mail.outbox[0].alternatives[0][0]
    assert not Notification.objects.filter(recipient=core_member).exists()  # not told of their own reply


def test_members_can_switch_immediate_email_off(member, core_member, community, on_commit):
    Preference.objects.create(user=member, community=community, immediate=False)
    t = thread(member, community)
    with on_commit:
        services.post_reply(core_member, t, "Try a benefits map")
    assert Notification.objects.filter(recipient=member).count() == 1  # still under the bell
    assert mail.outbox == []


def test_mention_notifies_the_member_once(member, core_member, community, on_commit):
    t = thread(member, community)
    services.set_thread_watch(core_member, t, True)
    with on_commit:
        post = services.post_reply(member, t, "What do you think, @Cora Core?")
    assert list(Notification.objects.filter(recipient=core_member).values_list("kind", flat=True)) == [
        "forums.mention"
    ]
    assert f'href="{core_member.get_absolute_url()}"' in post.body_html


def test_accepted_answer_notifies_its_author(member, core_member, community, on_commit):
    t = thread(member, community)
    answer = services.post_reply(core_member, t, "Here's how")
    with on_commit:
        services.accept_answer(member, t, answer)
    notice = Notification.objects.get(recipient=core_member, kind="forums.accepted")
    assert "was accepted" in notice.text


def test_watching_a_community_announces_new_threads(login, member, core_member, community, on_commit):
    login(core_member).post(reverse("forums:watch_community", args=[community.slug]), {"watch": "1"})
    with on_commit:
        thread(member, community, title="Fresh question")
    assert Notification.objects.get(recipient=core_member).text.startswith(
        "New in Benefits Realisation: “Fresh question”"
    )


def test_unwatching_a_thread_stops_reply_notifications(login, member, core_member, community, on_commit):
    t = thread(member, community)
    login(member).post(reverse("forums:watch_thread", args=[community.slug, t.pk]), {"watch": "0"})
    with on_commit:
        services.post_reply(core_member, t, "Hello?")
    assert not Notification.objects.filter(recipient=member).exists()


def test_new_markers_and_first_unread_link(login, member, core_member, community):
    t = bulk_thread_with_posts(community, core_member, 60)
    client = login(member)
    listing = text(client.get(reverse("forums:thread_list", args=[community.slug])))
    assert "New" in listing
    client.get(t.get_absolute_url())  # reads page 1 (posts 1-25)
    assert ReadState.objects.get(user=member, thread=t).last_read == 25
    listing = text(client.get(reverse("forums:thread_list", args=[community.slug])))
    assert "New replies" in listing
    response = client.get(t.get_absolute_url() + "?unread=1")
    assert response["Location"].endswith("?page=2#post-26")
    page = client.get(t.get_absolute_url() + "?page=2").content.decode()
    assert 'id="post-26"' in page and "post--new" in page
    client.get(t.get_absolute_url() + "?page=3")
    client.get(t.get_absolute_url() + "?page=1")  # going back never moves the marker backwards
    assert ReadState.objects.get(user=member, thread=t).last_read == 60
    assert "New replies" not in text(client.get(reverse("forums:thread_list", args=[community.slug])))


def test_unanswered_and_unsolved_lists(login, member, core_member, community, closed_community):
    waiting = thread(member, community, title="Nobody answered me")
    answered = thread(member, community, title="Answered but unsolved")
    services.post_reply(core_member, answered, "A thought")
    solved = thread(member, community, title="All solved")
    services.accept_answer(member, solved, services.post_reply(core_member, solved, "The answer"))
    thread(member, closed_community, title="Closed waiting one")
    client = login(member)
    unanswered = text(client.get(reverse("forums:thread_list", args=[community.slug]) + "?sort=unanswered"))
    assert waiting.title in unanswered and answered.title not in unanswered
    unsolved = text(client.get(reverse("forums:thread_list", args=[community.slug]) + "?sort=unsolved"))
    assert answered.title in unsolved and waiting.title in unsolved and solved.title not in unsolved
    mine = text(client.get(reverse("forums:my_questions")))
    assert (
        "Nobody answered me" in mine and "Closed waiting one" in mine and "Answered but unsolved" not in mine
    )
    mine = text(client.get(reverse("forums:my_questions") + "?show=unsolved"))
    assert "Answered but unsolved" in mine and "All solved" not in mine


def test_filter_by_tag_and_kind(login, member, community):
    thread(member, community, title="Tagged one", tags=["risk"])
    thread(member, community, title="Discussion one", kind="discussion")
    client = login(member)
    page = text(client.get(reverse("forums:thread_list", args=[community.slug]) + "?tag=risk"))
    assert "Tagged one" in page and "Discussion one" not in page
    page = text(client.get(reverse("forums:thread_list", args=[community.slug]) + "?tag=RISK"))
    assert "Tagged one" in page and "Discussion one" not in page  # a tag's name works as well as its slug
    page = text(client.get(reverse("forums:thread_list", args=[community.slug]) + "?kind=discussion"))
    assert "Discussion one" in page and "Tagged one" not in page


def test_poll_results_show_after_voting_and_single_choice_is_enforced(login, member, core_member, community):
    t = thread(
        member, community, poll={"question": "Which method?", "options": ["Logic model", "Benefits map"]}
    )
    logic, bmap = PollOption.objects.order_by("position")
    client = login(core_member)
    page = text(client.get(t.get_absolute_url()))
    assert "Results show once you have voted" in page and "50%" not in page
    response = client.post(
        reverse("forums:poll_vote", args=[community.slug, t.pk]), {"option": [logic.pk, bmap.pk]}, follow=True
    )
    assert "This poll allows one choice only." in text(response)
    client.post(reverse("forums:poll_vote", args=[community.slug, t.pk]), {"option": [logic.pk]})
    client.post(
        reverse("forums:poll_vote", args=[community.slug, t.pk]), {"option": [logic.pk]}
    )  # again: no double count
    logic.refresh_from_db()
    assert logic.vote_count == 1
    page = text(client.get(t.get_absolute_url()))
    assert "100% · 1" in page and "(your vote)" in page
    # Changing the vote moves it.
    client.post(reverse("forums:poll_vote", args=[community.slug, t.pk]), {"option": [bmap.pk]})
    logic.refresh_from_db()
    bmap.refresh_from_db()
    assert (logic.vote_count, bmap.vote_count) == (0, 1)


def test_closed_poll_refuses_votes_and_shows_results(login, member, core_member, community):
    t = thread(
        member,
        community,
        poll={
            "question": "When?",
            "options": ["May", "June"],
            "closes_at": timezone.now() + datetime.timedelta(hours=1),
        },
    )
    t.poll.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    t.poll.save()
    client = login(core_member)
    response = client.post(
        reverse("forums:poll_vote", args=[community.slug, t.pk]),
        {"option": [t.poll.options.first().pk]},
        follow=True,
    )
    assert "This poll has closed" in text(response)
    assert "0% · 0" in text(response)


def test_poll_needs_two_options(login, member, community):
    response = login(member).post(
        reverse("forums:thread_create", args=[community.slug]),
        {
            "kind": "question",
            "title": "Q",
            "body": "B",
            "poll_question": "Which?",
            "poll_options": "Only one",
        },
    )
    assert "A poll needs between 2 and 10 options" in text(response)


def test_similar_threads_are_suggested_from_the_title(login, member, community):
    thread(member, community, title="Baseline benefits before the business case")
    page = text(
        login(member).get(
            reverse("forums:similar", args=[community.slug]) + "?title=how+to+baseline+benefits"
        )
    )
    assert "Baseline benefits before the business case" in page
    assert (
        text(login(member).get(reverse("forums:similar", args=[community.slug]) + "?title=zzz")).strip() == ""
    )


def test_search_in_a_community_with_filters(login, member, core_member, community):
    solved = thread(member, community, title="Risk appetite statements", tags=["risk"])
    services.accept_answer(
        member, solved, services.post_reply(core_member, solved, "We write appetite per category")
    )
    thread(member, community, title="Appetite for agile")
    client = login(member)
    url = reverse("forums:search", args=[community.slug])
    page = words(client.get(url + "?q=appetite"))
    assert "Risk appetite statements" in page and "Appetite for agile" in page
    page = words(client.get(url + "?q=appetite&solved=yes"))
    assert "Risk appetite statements" in page and "Appetite for agile" not in page
    page = words(client.get(url + "?q=appetite&tag=risk"))
    assert "Appetite for agile" not in page


def test_helpful_counts_show_on_the_post(login, member, core_member, community):
    t = thread(member, community)
    client = login(core_member)
    client.post(reverse("forums:helpful", args=[community.slug, t.posts.get().pk]))
    other = member_of(community)
    login(other).post(reverse("forums:helpful", args=[community.slug, t.posts.get().pk]))
    assert "2 found this helpful" in text(login(member).get(t.get_absolute_url()))


def test_profile_shows_helpful_marks_only_from_communities_the_viewer_sees(
    login, member, core_member, outsider, community, closed_community
):
    open_thread = thread(core_member, community)
    closed_member = member_of(closed_community)
    from communities.models import Membership

    Membership.objects.create(user=core_member, community=closed_community, state="active")
    secret = thread(core_member, closed_community, title="Closed")
    services.toggle_helpful(member, open_thread.posts.get())
    services.toggle_helpful(member, secret.posts.get())
    services.toggle_helpful(closed_member, secret.posts.get())
    url = core_member.get_absolute_url()

    def figures(viewer):
        totals = login(viewer).get(url).context["recognition"]
        return {key: totals[key] for key in ("posts", "helpful", "accepted")}

    assert figures(outsider) == {"posts": 1, "helpful": 1, "accepted": 0}
    assert figures(member) == {"posts": 2, "helpful": 3, "accepted": 0}
    assert "Found helpful" in text(login(member).get(url))


def test_search_ranks_and_highlights_on_postgresql(login, member, core_member, community):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full-text ranking and highlighting are PostgreSQL features")
    in_title = thread(member, community, title="Stakeholder mapping templates", body="Looking for examples.")
    services.post_reply(
        core_member, in_title, "Here is a <script>alert(1)</script> mapping of stakeholders we used."
    )
    thread(member, community, title="Other question", body="Someone mentioned stakeholder maps once.")
    response = login(member).get(reverse("forums:search", args=[community.slug]) + "?q=stakeholder+mapping")
    html = response.content.decode()
    assert words(response).index("Stakeholder mapping templates") < words(response).index("Other question")
    assert "<mark>" in html
    assert "<script>alert(1)</script>" not in html


def test_mentions_of_names_with_apostrophes_are_linked(member, community, on_commit):
    grace = member_of(community, display_name="Grace O'Neill")
    t = thread(member, community)
    with on_commit:
        post = services.post_reply(member, t, "Over to you, @Grace O'Neill.")
    assert f'href="{grace.get_absolute_url()}"' in post.body_html
    assert Notification.objects.filter(recipient=grace, kind="forums.mention").exists()
