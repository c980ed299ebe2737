from django.urls import reverse

from newsletters.models import Preference

from ..utils import text


def test_it_lists_only_my_active_communities_with_defaults(
    login, member, pending, community, closed_community
):
    page = text(login(pending).get(reverse("newsletters:preferences")))
    assert "not a member of any community yet" in page
    response = login(member).get(reverse("newsletters:preferences"))
    page = text(response)
    assert "Benefits Realisation" in page and "Assurance Reviewers" in page
    assert '<option value="weekly" selected>' in page


def test_it_saves_choices_per_community(login, member, community, closed_community):
    c, k = f"c{community.pk}", f"c{closed_community.pk}"
    response = login(member).post(
        reverse("newsletters:preferences"),
        {f"{c}-digest": "daily", f"{c}-immediate": "on", f"{k}-digest": "off", f"{k}-newsletter": "on"},
    )
    assert response.status_code == 302
    one, two = Preference.for_member(member, community), Preference.for_member(member, closed_community)
    assert (one.digest, one.newsletter, one.immediate) == ("daily", False, True)
    assert (two.digest, two.newsletter, two.immediate) == ("off", True, False)


def test_a_bad_choice_is_refused_and_saves_nothing(login, member, community, closed_community):
    response = login(member).post(reverse("newsletters:preferences"), {f"c{community.pk}-digest": "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Preference.objects.exists()


def test_it_needs_signing_in(client):
    response = client.get(reverse("newsletters:preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_account_menu_links_to_it(login, member):
    assert reverse("newsletters:preferences") in text(login(member).get(reverse("home")))


def test_page_costs_the_same_queries_for_few_and_many_communities(login, member, django_assert_num_queries):
    from tests.factories import CommunityFactory, MembershipFactory

    client = login(member)
    client.get(reverse("newsletters:preferences"))
    # session, user, the page's communities, saved preferences (the layout's sidebar and bell are
    # cached per member)
    with django_assert_num_queries(4):
        client.get(reverse("newsletters:preferences"))
    for _ in range(5):
        MembershipFactory(user=member, community=CommunityFactory())
    client.get(reverse("newsletters:preferences"))  # new memberships: the sidebar is read again once
    with django_assert_num_queries(4):
        response = client.get(reverse("newsletters:preferences"))
    assert text(response).count("<tr>") == 1 + 7
