"""The sitemap of public pages (django.contrib.sitemaps): open, live communities only.

Search engines and link-preview crawlers are signed-out visitors: they get exactly what an
open community shows to everyone, and nothing of a closed, proposed or archived one.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from communities.models import Community, Theme
from forums.models import BlogPost
from hotseats.models import HotSeat


def public_communities():
    return Community.objects.listed().filter(visibility=Community.Visibility.OPEN)


class _Base(Sitemap):
    limit = 5000

    @property
    def protocol(self):
        return "https" if settings.SITE_URL.startswith("https://") else "http"


class CommunitySitemap(_Base):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return public_communities().order_by("pk")

    def lastmod(self, community):
        return community.last_activity_at


class BlogSitemap(_Base):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return (
            BlogPost.objects.published()
            .filter(community__in=public_communities())
            .select_related("community")
            .order_by("pk")
        )

    def lastmod(self, post):
        return post.updated_at


class TranscriptSitemap(_Base):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return (
            HotSeat.objects.published()
            .filter(status=HotSeat.Status.CLOSED, community__in=public_communities())
            .select_related("community")
            .order_by("pk")
        )

    def location(self, hotseat):
        return reverse("hotseats:transcript", args=[hotseat.community.slug, hotseat.pk])

    def lastmod(self, hotseat):
        return hotseat.closes_at


class ThemeSitemap(_Base):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            Theme.objects.filter(community__in=public_communities())
            .select_related("community")
            .order_by("pk")
        )


SITEMAPS = {
    "communities": CommunitySitemap,
    "blog": BlogSitemap,
    "transcripts": TranscriptSitemap,
    "themes": ThemeSitemap,
}
