"""Activity verbs of the discussions (see communities/events.py)."""

from communities import events

THREAD_CREATED = events.register("thread.created", "started a discussion")
POST_CREATED = events.register("post.created", "replied in a discussion")
ANSWER_ACCEPTED = events.register("answer.accepted", "accepted an answer")
SURVEY_PUBLISHED = events.register("survey.published", "published a survey")
POLL_CREATED = events.register("poll.created", "asked a quick poll")
BLOG_PUBLISHED = events.register("blog.published", "published a blog post")
