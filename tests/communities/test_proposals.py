import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Community, Membership
from newsletters.models import Notification
from tests.factories import CommunityFactory
from tests.utils import text

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "name": "Portfolio Management",
    "slug": "",
    "purpose": "Balancing portfolios of change.",
    "scope": "Portfolio managers",
    "description": "We **compare** prioritisation methods.",
    "tags": "portfolio, prioritisation",
    "visibility": "open",
}


def test_member_proposes_a_community_and_staff_are_told(login, outsider, staff, on_commit):
    with on_commit:
        response = login(outsider).post(reverse("communities:propose"), PROPOSAL, follow=True)

    assert "has been sent to the site administrators for review" in text(response)
    community = Community.objects.get(slug="portfolio-management")
    assert community.status == "proposed"
    assert community.proposed_by == outsider
    assert sorted(t.name for t in community.tags.all()) == ["portfolio", "prioritisation"]
    assert community.description_html == "<p>We <strong>compare</strong> prioritisation methods.</p>\n"
    assert Notification.objects.get(recipient=staff).text == "New community proposed: Portfolio Management"


def test_proposal_is_visible_to_its_proposer_only(login, client, outsider):
    login(outsider).post(reverse("communities:propose"), PROPOSAL)
    url = reverse("communities:home", args=["portfolio-management"])

    assert "Awaiting approval" in text(client.get(url))
    client.logout()
    assert client.get(url).status_code == 404
    assert "Portfolio Management" not in text(client.get(reverse("communities:directory")))


def test_duplicate_slug_is_refused_and_the_form_keeps_what_was_typed(login, outsider):
    CommunityFactory(slug="portfolio-management")
    response = login(outsider).post(reverse("communities:propose"), PROPOSAL)

    page = text(response)
    assert response.status_code == 200
    assert "The web address “portfolio-management” is already taken" in page
    assert "Balancing portfolios of change." in page
    assert "We **compare** prioritisation methods." in page
    assert Community.objects.filter(slug="portfolio-management").count() == 1


def test_empty_purpose_is_refused_with_a_clear_message(login, outsider):
    response = login(outsider).post(reverse("communities:propose"), {**PROPOSAL, "purpose": "   "})

    assert "Please describe the purpose" in text(response)
    assert "Portfolio Management" in text(response)
    assert not Community.objects.exists()


def test_reserved_slug_is_refused(login, outsider):
    response = login(outsider).post(reverse("communities:propose"), {**PROPOSAL, "slug": "propose"})
    assert "“propose” is reserved" in text(response)


def test_signed_out_visitor_cannot_propose(client):
    response = client.post(reverse("communities:propose"), PROPOSAL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Community.objects.exists()


def test_forms_refuse_posts_without_a_csrf_token(outsider, community):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    assert client.post(reverse("communities:propose"), PROPOSAL).status_code == 403
    assert client.post(reverse("communities:join", args=[community.slug])).status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


def test_staff_approves_and_the_proposer_becomes_facilitator(login, outsider, staff, on_commit):
    login(outsider).post(reverse("communities:propose"), PROPOSAL)
    with on_commit:
        response = login(staff).post(
            reverse("communities:review_decide", args=["portfolio-management"]),
            {"decision": "approve"},
            follow=True,
        )

    assert "is live" in text(response)
    community = Community.objects.get(slug="portfolio-management")
    assert community.status == "active"
    assert Membership.objects.get(user=outsider, community=community).is_facilitator
    assert [m.subject for m in mail.outbox] == ["“Portfolio Management” is live"]
    assert mail.outbox[0].to == [outsider.email]
    assert "approved" in Notification.objects.get(recipient=outsider).text


def test_staff_rejects_with_a_reason_and_the_proposer_is_told(login, outsider, staff, on_commit):
    login(outsider).post(reverse("communities:propose"), PROPOSAL)
    with on_commit:
        login(staff).post(
            reverse("communities:review_decide", args=["portfolio-management"]),
            {"decision": "reject", "reason": "Overlaps with the PMO network."},
        )

    community = Community.objects.get(slug="portfolio-management")
    assert community.status == "rejected"
    assert "Overlaps with the PMO network." in mail.outbox[0].body
    page = text(login(outsider).get(community.get_absolute_url()))
    assert "This proposal was not approved." in page and "Overlaps with the PMO network." in page


def test_rejecting_without_a_reason_is_refused(login, outsider, staff):
    login(outsider).post(reverse("communities:propose"), PROPOSAL)
    response = login(staff).post(
        reverse("communities:review_decide", args=["portfolio-management"]),
        {"decision": "reject", "reason": ""},
        follow=True,
    )

    assert "Please give the proposer a reason" in text(response)
    assert Community.objects.get(slug="portfolio-management").status == "proposed"


def test_a_proposal_cannot_be_decided_twice(login, outsider, staff):
    login(outsider).post(reverse("communities:propose"), PROPOSAL)
    url = reverse("communities:review_decide", args=["portfolio-management"])
    client = login(staff)
    client.post(url, {"decision": "approve"})
    response = client.post(url, {"decision": "reject", "reason": "Changed my mind"}, follow=True)

    assert "has already been decided" in text(response)
    assert Community.objects.get(slug="portfolio-management").status == "active"


def test_only_staff_see_the_review_queue(login, outsider, member):
    assert login(member).get(reverse("communities:review")).status_code == 404
    response = login(member).post(reverse("communities:review_decide", args=["x"]), {"decision": "approve"})
    assert response.status_code == 404


def test_facilitator_edits_settings_and_welcome_message(login, facilitator, member, community, on_commit):
    data = {
        "name": community.name,
        "purpose": "A sharper purpose.",
        "scope": "",
        "description": "",
        "tags": "benefits",
        "welcome_message": "Hi {name}, welcome to {community}! — {facilitator}",
    }
    response = login(facilitator).post(reverse("communities:edit", args=[community.slug]), data, follow=True)
    assert "settings are saved" in text(response)

    newcomer_client = login(member)
    Membership.objects.filter(user=member, community=community).update(state="left")
    with on_commit:
        newcomer_client.post(reverse("communities:join", args=[community.slug]))
    assert mail.outbox[-1].body.startswith(
        f"Hi {member.name}, welcome to Benefits Realisation! — Fiona Facilitator"
    )


def test_empty_welcome_message_is_refused(login, facilitator, community):
    data = {"name": community.name, "purpose": community.purpose, "welcome_message": "  "}
    response = login(facilitator).post(reverse("communities:edit", args=[community.slug]), data)
    assert "The welcome message cannot be empty" in text(response)


def test_members_cannot_edit_settings(login, member, community):
    assert login(member).get(reverse("communities:edit", args=[community.slug])).status_code == 404


def test_a_proposer_finds_their_waiting_proposal_in_the_sidebar_on_every_page(login, outsider, on_commit):
    client = login(outsider)
    with on_commit:
        client.post(reverse("communities:propose"), PROPOSAL)

    page = text(client.get(reverse("communities:directory")))

    sidebar = page.split('aria-label="Your communities"')[1].split("</aside>")[0]
    assert "Your proposals" in sidebar and "Portfolio Management" in sidebar and "awaiting review" in sidebar


def test_the_review_page_shows_the_full_proposal_and_links_to_it(login, outsider, staff, on_commit):
    with on_commit:
        login(outsider).post(reverse("communities:propose"), PROPOSAL)

    page = text(login(staff).get(reverse("communities:review")))

    assert "Read the full proposal" in page and "<strong>compare</strong> prioritisation methods" in page
    assert reverse("communities:home", args=["portfolio-management"]) in page
    assert "prioritisation" in page  # its tags
