"""Digest sections for the blog and surveys, read from the activity log (no extra query: the
activity-log sections of a batch share one)."""

from . import digests

digests.register_section(digests.activity_section("blog", "From the blog", ["blog.published"], 35))
digests.register_section(
    digests.activity_section("surveys", "Surveys and polls", ["survey.published", "poll.created"], 36)
)
