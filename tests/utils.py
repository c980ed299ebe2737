import html


def text(response):
    """The page as a person reads it: decoded, entities resolved."""
    return html.unescape(response.content.decode())
