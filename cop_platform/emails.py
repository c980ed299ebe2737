"""The one e-mail helper: every message is rendered from a template triple.

`emails/<name>.subject.txt`, `emails/<name>.txt` and `emails/<name>.html` (the HTML extends
`emails/_base.html`). CSS is inlined so that common clients show it; links are absolute to
SITE_URL; bulk mail carries RFC 8058 one-click unsubscribe headers.
"""

import re
from email.utils import make_msgid

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a text template with autoescaping off (for subjects, headers and text parts)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def header_text(value: str) -> str:
    """A value for a mail header: plain text on one line, whatever the user typed."""
    return " ".join(str(value).split())


_SITE_PATH = re.compile(r'(href|src)="(/[^/"][^"]*|/)"')
_MARKDOWN_PATH = re.compile(r"\]\((/[^)\s]*)\)")


def absolute_links(html: str) -> str:
    """Links written as site paths ("/communities/x/") point at SITE_URL in a message."""
    return _SITE_PATH.sub(lambda m: f'{m.group(1)}="{settings.SITE_URL}{m.group(2)}"', html)


def absolute_markdown_links(text: str) -> str:
    """The same for the text part, where links are Markdown: [title](/communities/x/)."""
    return _MARKDOWN_PATH.sub(lambda m: f"]({settings.SITE_URL}{m.group(1)})", text)


def message_domain() -> str:
    """The host name of SITE_URL, for Message-ID and List-Id."""
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def build_email(
    name: str,
    context: dict,
    to: str,
    *,
    reply_to: list[str] | None = None,
    unsubscribe_url: str | None = None,
    list_id: str | None = None,
) -> EmailMultiAlternatives:
    """Render `name` for one recipient and return a message ready to send (not sent).

    Every message gets a List-Id (the template name unless `list_id` is given), so that
    recipients can filter each kind; `unsubscribe_url` is also given to the templates.
    """
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    if unsubscribe_url:
        context["unsubscribe_url"] = absolute_url(unsubscribe_url)
    list_id = list_id or name.replace("_", "-")
    # Subject and text part are plain text: rendered without HTML escaping (a community called
    # "Risk & Issue" must not arrive as "Risk &amp; Issue"); only the HTML part is escaped. The
    # subject is one line, so a name with a line break cannot add a header.
    subject = " ".join(render_plain_text(f"emails/{name}.subject.txt", context).split())
    text = render_plain_text(f"emails/{name}.txt", context)
    html = absolute_links(_inliner.inline(render_to_string(f"emails/{name}.html", context)))

    domain = message_domain()
    headers = {"Message-ID": make_msgid(domain=domain)}
    if list_id:
        headers["List-Id"] = f"<{list_id}.{domain}>"
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{absolute_url(unsubscribe_url)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=reply_to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
