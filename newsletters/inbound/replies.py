"""A reply by e-mail becomes a post, through the same service function as the web form.

The signed reply address names the target and the member it was sent to. The reply is
accepted only from that member's own address (the From header); its text is stripped of
quoted text and signatures by mail-parser-reply, checked against the web form's rate limit
(same group, same counter), and handed to the target's reply function (newsletters/targets.py),
which applies the policy exactly as the web does: membership, locked threads, link limits,
closed hot seats. When any of that refuses, the member gets a polite e-mail saying why, with a
link to answer on the site; the text they wrote is quoted back so nothing is lost.
"""

import email.utils
import logging

from django.contrib.auth import get_user_model
from django.utils import timezone
from mailparser_reply import EmailReplyParser

from cop_platform.emails import absolute_url, build_email
from cop_platform.ratelimits import over_limit_for

from .. import targets
from ..sending import send_once

logger = logging.getLogger(__name__)
MAX_TEXT = 20000


def plain_text(message):
    """The text/plain body (or the HTML's text when there is none)."""
    text = getattr(message, "text", None)  # anymail's AnymailInboundMessage has it parsed
    if isinstance(text, str) and text.strip():
        return text
    html = ""
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        payload = part.get_payload(decode=True) or b""
        content = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        if part.get_content_type() == "text/plain":
            return content
        if part.get_content_type() == "text/html" and not html:
            html = content
    if html:
        import nh3

        return nh3.clean(html, tags=set())
    return ""


def strip_reply(text):
    """What the member wrote above the quoted message, without their signature."""
    text = (text or "").replace("\r\n", "\n")
    parsed = EmailReplyParser(languages=["en", "de", "fr", "es", "nl"]).read(text=text)
    body = parsed.replies[0].body if parsed.replies else text
    return body.strip()[:MAX_TEXT]


def _rate_limited(user, target):
    if not target.rate:
        return False
    return over_limit_for(user, target.group or f"email-reply:{target.kind}", target.rate)


def handle(ref, message):
    """Post the reply the message carries, or tell its sender why not. Returns the post's URL or None."""
    User = get_user_model()
    user = User.objects.filter(pk=ref.user_id, is_active=True).first()
    sender = email.utils.parseaddr(str(message.get("From", "")))[1].lower()
    if user is None or sender != user.email.lower():
        # Not from the member the address was made for: answer nobody (a forwarded
        # notification must not let a stranger post as the member).
        logger.info("reply to %s from %s ignored: not the addressee", ref.target, sender)
        return None
    text = strip_reply(plain_text(message))
    target = targets.get(ref.kind)
    obj = (target.load([ref.pk]) if target else {}).get(ref.pk)
    if target is None or target.reply is None or obj is None or not targets.may_see(user, obj):
        return refuse(user, message, text, "what you replied to is no longer available to you", None)
    if not text:
        return refuse(user, message, text, "we could not find any text above the quoted message", obj)
    if _rate_limited(user, target):
        return refuse(
            user,
            message,
            text,
            "you have posted a lot in a short time; please wait a little and try again",
            obj,
        )
    try:
        url = target.reply(user, obj, text)
    except targets.ReplyRefused as error:
        return refuse(user, message, text, str(error), obj)
    logger.info("reply by e-mail from user %s posted to %s", user.pk, ref.target)
    return url


def refuse(user, message, text, reason, obj):
    """The polite bounce: once per inbound message (keyed by its Message-ID)."""
    message_id = str(message.get("Message-ID", "")).strip() or timezone.now().isoformat()
    url = absolute_url(obj.get_absolute_url()) if obj is not None and hasattr(obj, "get_absolute_url") else ""
    subject = str(message.get("Subject", "")).strip()

    def build():
        return build_email(
            "reply_refused",
            {"member": user, "reason": reason.rstrip("."), "text": text, "url": url, "subject": subject},
            to=user.email,
        )

    send_once(user, "reply_refused", message_id[-120:], build)
    return None
