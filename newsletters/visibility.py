"""How newsletter issues resolve to an audience in the one visibility rule (communities.policy)."""

from communities.policy import MODERATORS, in_community, register


def issue_audience(issue):
    """Sent issues are the community's archive; drafts and scheduled ones are its facilitators'."""
    audience = in_community(issue)
    return audience if issue.is_published else audience.narrow(MODERATORS)


def register_types():
    from .models import Issue

    register(Issue, issue_audience)
