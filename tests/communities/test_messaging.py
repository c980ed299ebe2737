import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities import messaging
from communities.messaging import MessagingError
from communities.models import Conversation, Membership, MessageReport, Participant
from communities.services import remove_member
from tests.factories import CommunityFactory, UserFactory, member_of
from tests.utils import text

pytestmark = pytest.mark.django_db


def seasoned(user):
    """Past the new-account limits."""
    user.date_joined = timezone.now() - datetime.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def start(sender, recipient, body="Hello there, could we talk about baselines?"):
    return messaging.start_conversation(sender, [recipient], body)


def test_members_of_a_shared_community_may_write_to_each_other(member, core_member, login, on_commit):
    with on_commit:
        conversation = start(member, core_member)
    page = text(login(core_member).get(conversation.get_absolute_url()))
    assert "could we talk about baselines?" in page
    assert [m.to for m in mail.outbox] == [[core_member.email]]
    assert "Mo Member wrote to you" in mail.outbox[0].subject
    assert "could we talk about baselines?" in mail.outbox[0].body
    assert "could we talk about baselines?" in mail.outbox[0].alternatives[0][0]


def test_a_member_cannot_write_to_someone_who_shares_no_community(member, outsider):
    with pytest.raises(MessagingError, match="does not accept private messages from you"):
        start(member, outsider)


def test_nobody_means_nobody_not_even_facilitators(member, facilitator, core_member):
    messaging.set_who_may_write(member, "nobody")
    for sender in (facilitator, core_member):
        with pytest.raises(MessagingError):
            start(sender, member)


def test_facilitators_only_lets_facilitators_write_but_not_other_members(member, facilitator, core_member):
    messaging.set_who_may_write(member, "facilitators")
    with pytest.raises(MessagingError):
        start(core_member, member)
    assert start(facilitator, member).pk


def test_a_facilitator_may_write_to_members_of_their_community(facilitator, member):
    conversation = start(facilitator, member)
    assert conversation.community is not None


def test_a_block_stops_new_conversations_and_replies_both_ways(member, core_member):
    conversation = start(member, core_member)
    messaging.block(core_member, member)
    with pytest.raises(MessagingError):
        messaging.send_message(member, conversation, "Are you there?")
    with pytest.raises(MessagingError):
        start(member, core_member, "A new try")
    with pytest.raises(MessagingError):
        start(core_member, member, "And the other way")
    messaging.unblock(core_member, member)
    messaging.send_message(member, conversation, "Thanks for unblocking")


def test_a_removed_member_can_no_longer_be_written_to_by_the_facilitator(
    facilitator, community, closed_community
):
    person = member_of(closed_community)
    membership = Membership.objects.get(user=person, community=closed_community)
    remove_member(facilitator, membership)
    with pytest.raises(MessagingError):
        start(facilitator, person)


def test_a_conversation_never_names_a_closed_community_to_someone_outside_it(
    facilitator, closed_community, login, on_commit
):
    person = member_of(closed_community)
    with on_commit:
        conversation = start(facilitator, person)
    assert conversation.community == closed_community
    assert "Assurance Reviewers" in text(login(person).get(conversation.get_absolute_url()))
    Membership.objects.filter(user=person, community=closed_community).update(state=Membership.State.REMOVED)
    page = text(login(person).get(conversation.get_absolute_url()))
    assert "Assurance Reviewers" not in page
    assert all("Assurance Reviewers" not in m.body for m in mail.outbox)


def test_someone_outside_the_conversation_gets_a_404(member, core_member, outsider, login):
    conversation = start(member, core_member)
    assert login(outsider).get(conversation.get_absolute_url()).status_code == 404


def test_staff_read_a_conversation_only_once_it_is_reported(member, core_member, staff, login):
    conversation = start(member, core_member)
    url = conversation.get_absolute_url()
    assert login(staff).get(url).status_code == 404
    response = login(core_member).post(
        reverse("messaging:report", args=[conversation.pk]), {"reason": "Spam"}
    )
    assert response.status_code == 302
    assert MessageReport.objects.get().reporter == core_member
    reports = text(login(staff).get(reverse("messaging:reports")))
    assert "Cora Core" in reports and "Spam" in reports
    page = text(login(staff).get(url))
    assert "could we talk about baselines?" in page and "reading this conversation as staff" in page
    assert login(member).get(reverse("messaging:reports")).status_code == 404


def test_staff_cannot_post_into_a_reported_conversation(member, core_member, staff, login):
    conversation = start(member, core_member)
    messaging.report(core_member, conversation, "Rude")
    assert login(staff).post(conversation.get_absolute_url(), {"body": "Staff here"}).status_code == 404


def test_the_header_counts_conversations_with_unread_messages(member, core_member, login):
    conversation = start(member, core_member)
    client = login(core_member)
    assert 'data-testid="unread-messages">1<' in client.get(reverse("messaging:inbox")).content.decode()
    client.get(conversation.get_absolute_url())
    assert 'data-testid="unread-messages"' not in client.get(reverse("messaging:inbox")).content.decode()


def test_replying_on_the_page_keeps_the_text_when_refused(member, core_member, login):
    conversation = start(member, core_member)
    body = "See https://a.example and https://b.example and https://c.example"
    response = login(member).post(conversation.get_absolute_url(), {"body": body})
    assert response.status_code == 200
    page = text(response)
    assert "up to 1 link" in page and "https://c.example" in page


def test_new_accounts_may_start_only_a_few_conversations_a_day(member, community):
    people = [member_of(community) for _ in range(4)]
    for person in people[:3]:
        start(member, person)
    with pytest.raises(MessagingError, match="started 3 conversations today"):
        start(member, people[3])
    seasoned(member)
    start(member, people[3])


def test_a_profile_starts_the_same_one_to_one_conversation_again(member, core_member):
    first = start(member, core_member)
    again = start(member, core_member, "A second message")
    assert first.pk == again.pk
    assert Conversation.objects.count() == 1


def test_small_groups_need_everyone_to_accept_messages(member, core_member, community, login):
    third = member_of(community)
    conversation = messaging.start_conversation(member, [core_member, third], "Shall we meet?")
    assert Participant.objects.filter(conversation=conversation).count() == 3
    messaging.set_who_may_write(third, "nobody")
    with pytest.raises(MessagingError):
        messaging.start_conversation(member, [core_member, third], "Again?")


def test_the_new_message_page_starts_a_conversation_from_a_profile_link(member, core_member, login):
    client = login(member)
    url = reverse("messaging:new") + f"?to={core_member.pk}"
    assert "New message to Cora Core" in text(client.get(url))
    response = client.post(
        reverse("messaging:new"), {"to": core_member.pk, "body": "Hello!", "subject": "Hi"}
    )
    conversation = Conversation.objects.get()
    assert response.url == conversation.get_absolute_url()


def test_the_new_message_page_says_when_someone_does_not_accept_messages(member, outsider, login):
    secret = CommunityFactory(name="Secret Circle", visibility="closed")
    Membership.objects.create(user=outsider, community=secret, state=Membership.State.ACTIVE)
    page = text(login(member).get(reverse("messaging:new") + f"?to={outsider.pk}"))
    assert "does not accept private messages from you" in page
    assert "Secret Circle" not in page


def test_the_new_message_page_survives_junk(member, login):
    client = login(member)
    assert client.get(reverse("messaging:new") + "?to=abc&to=99999999999999999999").status_code == 302


def test_message_settings_are_saved(member, login):
    client = login(member)
    client.post(reverse("messaging:settings"), {"who_may_write": "facilitators"})
    assert messaging.who_may_write(member) == "facilitators"


def test_the_inbox_runs_a_constant_number_of_queries(member, community, login, django_assert_num_queries):
    seasoned(member)
    client = login(member)
    url = reverse("messaging:inbox")
    start(member, member_of(community))
    client.get(url)
    # session, user, count, page of conversations, their participants with users
    with django_assert_num_queries(5):
        client.get(url)
    for _ in range(12):
        messaging.start_conversation(member, [member_of(community), member_of(community)], "Group hello")
    with django_assert_num_queries(7):
        client.get(url)


def test_a_conversation_page_runs_a_constant_number_of_queries(
    member, core_member, login, django_assert_num_queries
):
    conversation = start(member, core_member)
    client = login(member)
    url = conversation.get_absolute_url()
    client.get(url)
    # session, user, conversation (+community), participants, blocks, messages
    with django_assert_num_queries(6):
        client.get(url)
    for i in range(15):
        messaging.send_message(core_member if i % 2 else member, conversation, f"Message {i}")
    client.get(url)  # reading clears the unread count once
    with django_assert_num_queries(6):
        client.get(url)


def test_the_member_list_and_profile_offer_a_message_link(member, core_member, community, login):
    client = login(member)
    assert (
        f"{reverse('messaging:new')}?to={core_member.pk}"
        in client.get(core_member.get_absolute_url()).content.decode()
    )
    members = client.get(reverse("communities:members", args=[community.slug])).content.decode()
    assert f"{reverse('messaging:new')}?to={core_member.pk}" in members


def test_messages_are_not_sent_by_an_inactive_account(member, community):
    gone = UserFactory(is_active=False)
    CommunityFactory()
    with pytest.raises(MessagingError):
        start(member, gone)


def test_a_small_group_starts_from_the_member_list(member, core_member, community, login):
    third = member_of(community, display_name="Tia Third")
    client = login(member)
    members = client.get(reverse("communities:members", args=[community.slug])).content.decode()
    assert 'form="group-message"' in members
    page = text(client.get(reverse("messaging:new") + f"?to={core_member.pk}&to={third.pk}"))
    assert "New message to Cora Core, Tia Third" in page or "New message to Tia Third, Cora Core" in page
    client.post(reverse("messaging:new"), {"to": [core_member.pk, third.pk], "body": "Shall we meet?"})
    assert Participant.objects.filter(conversation=Conversation.objects.get()).count() == 3


def test_odd_ids_in_the_new_message_link_never_break_the_page(member, login):
    assert login(member).get(reverse("messaging:new") + "?to=²&to=-3&to=1e9").status_code == 302


def test_a_new_facilitator_is_not_held_to_the_new_account_limit(facilitator, community):
    for _ in range(5):
        start(facilitator, member_of(community))
    assert Conversation.objects.filter(started_by=facilitator).count() == 5


def test_only_current_participants_read_a_conversation_by_the_one_rule(member, core_member, outsider):
    from communities.policy import readers_of

    conversation = start(member, core_member)
    assert set(readers_of(conversation)) == {member, core_member}
    messaging.leave_conversation(core_member, conversation)
    assert set(readers_of(conversation)) == {member}
