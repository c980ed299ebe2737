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


class SafeHTML:
    """`body_safe = SafeHTML("body_html")`: the stored, sanitised HTML, ready for a template."""

    def __init__(self, html_field):
        self.html_field = html_field

    def __get__(self, obj, owner=None):
        return self if obj is None else stored_html(getattr(obj, self.html_field))


def render_markdown_fields(obj, kwargs, fields):
    """For a model's save(): render each Markdown `field` into `field_html` and make sure an
    update_fields save writes the HTML it changed. Returns the kwargs to pass on."""
    update_fields = kwargs.get("update_fields")
    rendered = set()
    for name in fields:
        if update_fields is None or name in update_fields:
            setattr(obj, f"{name}_html", render_markdown(getattr(obj, name)))
            rendered.add(f"{name}_html")
    if update_fields is not None:
        kwargs = {**kwargs, "update_fields": {*update_fields, *rendered}}
    return kwargs
