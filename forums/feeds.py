from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed

from communities.models import Community

from .models import Post, Thread


class NewThreadsFeed(Feed):
    """New threads of an open community. Closed communities have no feed (404): a feed URL is
    easily shared and fetched without a session, so it must never carry members-only content."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        community = Community.objects.filter(slug=slug, status__in=Community.LIVE_STATUSES).first()
        if community is None or not community.is_open:
            raise Http404("No feed for this community.")
        return community

    def title(self, community):
        return f"New discussions in {community.name}"

    def subtitle(self, community):
        return community.purpose

    def link(self, community):
        from django.urls import reverse

        return reverse("forums:thread_list", args=[community.slug])

    def items(self, community):
        threads = list(
            Thread.objects.filter(community=community, hidden_at__isnull=True)
            .select_related("author")
            .order_by("-created_at", "-pk")[:20]
        )
        openings = {p.thread_id: p for p in Post.objects.filter(thread__in=[t.pk for t in threads], number=1)}
        for thread in threads:
            thread.community = community
            thread.opening = openings.get(thread.pk)
        return threads

    def item_title(self, thread):
        return thread.title

    def item_description(self, thread):
        # Stored HTML from render_markdown (allow-list sanitised); the feed generator escapes it.
        return thread.opening.body_html if thread.opening else ""

    def item_author_name(self, thread):
        return thread.author.name if thread.author else None

    def item_pubdate(self, thread):
        return thread.created_at

    def item_updateddate(self, thread):
        return thread.last_post_at
