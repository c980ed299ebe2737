import datetime

import pytest
import time_machine
from django.urls import reverse

from communities.models import Activity, Job, Link
from communities.repertoire import services
from tests.utils import text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _job(user, community, title="PMO Analyst", days=10, **kwargs):
    return services.post_job(
        user, community, title=title, organisation="Leeds City Council", location="Leeds",
        closing_on=TODAY + datetime.timedelta(days=days), description="Join us.", **kwargs,
    )  # fmt: skip


# --- links --------------------------------------------------------------------------------


def test_member_adds_a_link_and_everyone_who_may_see_the_community_sees_it(
    login, member, outsider, community
):
    response = login(member).post(
        reverse("communities:link_add", args=[community.slug]),
        {"title": "Green Book", "url": "https://www.gov.uk/green-book", "description": "Appraisal guidance",
         "tags": "appraisal"},
        follow=True,
    )  # fmt: skip

    assert "“Green Book” was added to the links." in text(response)
    assert Activity.objects.filter(verb="link.added").count() == 1
    page = text(login(outsider).get(reverse("communities:links", args=[community.slug])))
    assert 'href="https://www.gov.uk/green-book"' in page and "Appraisal guidance" in page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(document.cookie)", "Links starting with “javascript:” are not allowed."),
        ("JavaScript:alert(1)", "Links starting with “javascript:” are not allowed."),
        ("data:text/html;base64,PHNjcmlwdD4=", "Links starting with “data:” are not allowed."),
        ("www.example.org", "Please enter a full web address starting with http:// or https://."),
        ("https://", "That does not look like a web address. Please check it."),
    ],
)
def test_links_that_are_not_web_addresses_are_refused_clearly(login, member, community, url, message):
    response = login(member).post(
        reverse("communities:link_add", args=[community.slug]), {"title": "Tricky", "url": url}
    )

    assert message in text(response)
    assert 'value="Tricky"' in text(response)
    assert not Link.objects.exists()


def test_the_service_refuses_javascript_links_too(member, community):
    from communities.services import CommunityError

    with pytest.raises(CommunityError):
        services.add_link(member, community, title="x", url="javascript:alert(1)")


def test_only_facilitators_remove_links(login, member, facilitator, community):
    link = services.add_link(member, community, title="Green Book", url="https://example.org")
    url = reverse("communities:link_remove", args=[community.slug, link.pk])

    assert login(member).post(url).status_code == 404
    login(facilitator).post(url)
    assert not Link.objects.exists()
    assert Activity.objects.get(verb="link.added").withdrawn_at is not None


def test_links_of_closed_community_answer_404_to_outsiders(login, outsider, member, closed_community):
    services.add_link(member, closed_community, title="Secret", url="https://example.org")
    client = login(outsider)

    assert client.get(reverse("communities:links", args=[closed_community.slug])).status_code == 404
    assert client.get(reverse("communities:link_add", args=[closed_community.slug])).status_code == 404


def test_links_query_count_is_constant(login, member, community, django_assert_num_queries):
    client = login(member)
    services.add_link(member, community, title="Link", url="https://example.org", tags=["a"])
    url = reverse("communities:links", args=[community.slug])
    client.get(url)
    # Queries: session, user, community, membership, count, links with adders, tags, sidebar, unread.
    with django_assert_num_queries(9):
        client.get(url)
    for n in range(5):
        services.add_link(
            member, community, title=f"Link {n}", url=f"https://example.org/{n}", tags=["a", "b"]
        )
    with django_assert_num_queries(9):
        client.get(url)


# --- jobs ---------------------------------------------------------------------------------


def test_member_posts_a_job_that_disappears_after_its_closing_date(login, member, community):
    response = login(member).post(
        reverse("communities:job_create", args=[community.slug]),
        {"title": "Benefits Manager", "organisation": "DWP", "location": "Leeds", "closing_on": "2026-11-30",
         "description": "Lead benefits work."},
        follow=True,
    )  # fmt: skip

    assert "Your advert is up until 30 November 2026." in text(response)
    job = Job.objects.get()
    assert Activity.objects.filter(verb="job.posted", target_id=job.pk).exists()
    jobs_url = reverse("communities:jobs", args=[community.slug])
    assert "Benefits Manager" in text(login(member).get(jobs_url))
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert "Benefits Manager" not in text(login(member).get(jobs_url))
        assert login(member).get(job.get_absolute_url()).status_code == 404


def test_job_with_past_closing_date_or_javascript_link_is_refused(login, member, community):
    response = login(member).post(
        reverse("communities:job_create", args=[community.slug]),
        {"title": "Old job", "organisation": "DWP", "location": "Leeds", "closing_on": "2026-11-01",
         "url": "javascript:alert(1)"},
    )  # fmt: skip

    page = text(response)
    assert "The closing date has already passed." in page
    assert "Links starting with “javascript:” are not allowed." in page
    assert 'value="Old job"' in page
    assert not Job.objects.exists()


def test_facilitator_hides_and_shows_a_job(login, member, facilitator, community):
    job = _job(member, community)
    url = reverse("communities:job_moderate", args=[community.slug, job.pk])
    jobs_url = reverse("communities:jobs", args=[community.slug])

    assert login(member).post(url, {"action": "hide"}).status_code == 404
    login(facilitator).post(url, {"action": "hide"}, follow=True)
    assert "PMO Analyst" not in text(login(member).get(jobs_url))
    assert login(member).get(job.get_absolute_url()).status_code == 404
    assert Activity.objects.get(verb="job.posted").withdrawn_at is not None
    login(facilitator).post(url, {"action": "show"}, follow=True)
    assert "PMO Analyst" in text(login(member).get(jobs_url))


def test_poster_or_facilitator_removes_a_job(login, member, core_member, facilitator, community):
    job = _job(member, community)
    url = reverse("communities:job_moderate", args=[community.slug, job.pk])

    assert login(core_member).post(url, {"action": "remove"}).status_code == 404
    login(member).post(url, {"action": "remove"})
    assert not Job.objects.exists()


def test_jobs_of_closed_community_answer_404_to_outsiders(login, outsider, member, closed_community):
    job = _job(member, closed_community)
    client = login(outsider)

    assert client.get(reverse("communities:jobs", args=[closed_community.slug])).status_code == 404
    assert client.get(job.get_absolute_url()).status_code == 404


def test_jobs_query_count_is_constant(login, member, community, django_assert_num_queries):
    client = login(member)
    _job(member, community)
    url = reverse("communities:jobs", args=[community.slug])
    client.get(url)
    # Queries: session, user, community, membership, count, open jobs with posters, sidebar, unread.
    with django_assert_num_queries(8):
        client.get(url)
    for n in range(5):
        _job(member, community, title=f"Job {n}")
    with django_assert_num_queries(8):
        client.get(url)


def test_poster_extends_the_closing_date_others_cannot_edit(login, member, core_member, community):
    job = _job(member, community)
    url = reverse("communities:job_edit", args=[community.slug, job.pk])

    assert login(core_member).get(url).status_code == 404
    response = login(member).post(
        url,
        {"title": "PMO Analyst", "organisation": "Leeds City Council", "location": "Remote",
         "closing_on": "2027-01-15", "description": "Join us."},
        follow=True,
    )  # fmt: skip

    assert "The advert is updated." in text(response)
    job.refresh_from_db()
    assert (job.location, job.closing_on) == ("Remote", datetime.date(2027, 1, 15))
