"""Markdown to safe HTML, rendered once on save and stored beside the source.

CommonMark via markdown-it-py with raw HTML disabled, then an allow-list sanitiser (nh3) as
the single gate: whatever the renderer lets through, only these tags, attributes and URL
schemes reach a page, a feed or an e-mail.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def render_markdown(source: str) -> str:
    """Return sanitised HTML for Markdown `source`; the result is safe to store and show."""
    if not source or not source.strip():
        return ""
    return sanitise_html(_md.render(source))


def stored_html(html: str) -> SafeString:
    """Mark HTML that came out of render_markdown() (and only that) as safe for templates.

    The one place user content is marked safe: callers pass a stored `*_html` field.
    """
    return mark_safe(html)  # noqa: S308 - produced by render_markdown, sanitised by nh3
