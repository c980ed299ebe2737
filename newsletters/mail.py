"""The bulk e-mails newsletters sends: each carries one-click unsubscribe for its own list."""

import functools

from django.urls import reverse

from cop_platform.emails import absolute_links, absolute_markdown_links, absolute_url, build_email
from cop_platform.markdown import stored_html

from . import links
from .sending.stencil import Stencil
from .tokens import make_token


@functools.cache
def _preferences_url():
    return absolute_url(reverse("newsletters:preferences"))


@functools.cache
def _unsubscribe_pattern():
    return reverse("newsletters:unsubscribe", args=["TOKEN"])


def optional_email(name, context, recipient, *, list_name, list_id, reply_to=None):
    """An e-mail the member may switch off: RFC 8058 headers plus the link in the footer."""
    return _optional(
        name, context, recipient, recipient.email, make_token(recipient.pk, list_name), list_id, reply_to
    )


def _optional(name, context, recipient, to, token, list_id, reply_to):
    # One reverse() per process rather than per message: bulk mail renders thousands.
    path = _unsubscribe_pattern().replace("TOKEN", token)
    return build_email(
        name,
        {**context, "recipient": recipient, "preferences_url": _preferences_url()},
        to=to,
        reply_to=reply_to,
        unsubscribe_url=path,
        list_id=list_id,
    )


def digest_email(recipient, sections, batch):
    period = batch.period
    community_ids = batch.communities_of[recipient.pk]
    communities = [(batch.communities[cid].name, batch.community_url(cid)) for cid in community_ids]
    show_community = len(communities) > 1
    return optional_email(
        "digest",
        {
            "sections": [
                (section.title, section.as_html(show_community), section.as_text(show_community))
                for section in sections
            ],
            "period": period,
            "frequency": "daily" if period.frequency == "daily" else "weekly",
            "communities": communities,
        },
        recipient,
        list_name="digest",
        list_id=f"digest-{period.frequency}",
    )


def newsletter_email(issue, recipient, *, test=False):
    return newsletter_stencil(issue, test=test).message_for(recipient)


def newsletter_stencil(issue, *, test=False):
    """The issue rendered once for a whole batch; `.message_for(member)` personalises it."""
    community = issue.community
    reply_to = [issue.author.email] if issue.author_id and issue.author.email else None
    # Links go through the aggregate counter (newsletters.links); a test copy is not counted.
    source = issue.delivery_key
    wrap = (lambda url: url) if test else (lambda url: links.tracked(url, source))

    def track_html(html):
        return html if test else links.track_html(html, source)

    def track_text(text):
        return text if test else links.track_text(text, source)

    context = {
        "issue": issue,
        "community": community,
        "test": test,
        # Sanitised on save; only the href values are rewritten to our own redirect.
        # The draft links to site paths (easier to edit); the message needs full addresses,
        # and every link but a test copy's goes through the aggregate counter.
        "body_html": stored_html(track_html(absolute_links(issue.body_html))),
        "body_text": track_text(absolute_markdown_links(issue.body)),
        # Counted as an archive open when the page is read, so not wrapped.
        "archive_url": absolute_url(issue_path(issue)),
        "community_url": wrap(absolute_url(community.get_absolute_url())),
    }
    list_name = f"newsletter:{community.pk}"
    list_id = f"newsletter.{community.slug}"
    return Stencil(
        lambda to, token, recipient: _optional(
            "newsletter", context, recipient, to, token, list_id, reply_to
        ),
        lambda recipient: make_token(recipient.pk, list_name),
    )


def notification_email(notification, recipient):
    """The e-mail of one notification; about a thread or a hot seat it carries a signed reply address."""
    from . import targets
    from .inbound.addresses import make_address

    reply_to = None
    kind, _ = targets.parse(notification.target)
    target = targets.get(kind)
    if target is not None and target.reply is not None:
        address = make_address(notification.target, recipient.pk)
        reply_to = [address] if address else None
    context = {
        "notification": notification,
        "recipient": recipient,
        "community": notification.community,
        "reply_by_email": bool(reply_to),
    }
    if notification.community_id is None:
        return build_email(
            "notification", context, to=recipient.email, list_id="notifications", reply_to=reply_to
        )
    return optional_email(
        "notification",
        context,
        recipient,
        list_name=f"immediate:{notification.community_id}",
        list_id=f"notifications.{notification.community.slug}",
        reply_to=reply_to,
    )


def issue_path(issue):
    return reverse("newsletters:issue", args=[issue.community.slug, issue.pk])
