import html


def text(response):
    """The page as a person reads it: decoded, entities resolved."""
    return html.unescape(response.content.decode())


def words(response):
    """Only the words on the page, tags removed and white space collapsed."""
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
