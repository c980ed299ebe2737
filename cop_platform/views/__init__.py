"""Cross-app pages: site (home feed, search, the 429 page, personal data, Markdown preview, user
cards) and people (profiles, the people directory, avatars). `settings.RATELIMIT_VIEW` names
`cop_platform.views.rate_limited`."""

from .site import account_data, account_delete, home, markdown_preview, rate_limited, search, user_card

__all__ = [
    "account_data",
    "account_delete",
    "home",
    "markdown_preview",
    "rate_limited",
    "search",
    "user_card",
]
