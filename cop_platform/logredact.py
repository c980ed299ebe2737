"""Keep secrets out of logs: tokens in paths, query strings, and tracebacks for bad Host headers.

Unsubscribe links, calendar feeds, invitations, e-mail confirmations and password resets carry
their secret in the URL. Whoever reads a log could otherwise use them. `redact()` replaces
those path segments and any query string; it is applied to gunicorn's access log
(`--logger-class cop_platform.logredact.RedactingGunicornLogger`, see docker-compose.yml) and
to Django's request logs (the `redact` filter in settings.LOGGING).
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

MARK = "[redacted]"
_RULES = [
    # A segment after these words is a secret.
    re.compile(r"(?<=/unsubscribe/)[^/?#\s\"]+"),
    re.compile(r"(?<=/invitation/)[^/?#\s\"]+"),
    re.compile(r"(?<=/invitations/)[^/?#\s\"]+"),
    re.compile(r"(?<=/confirm-email/)[^/?#\s\"]+"),
    re.compile(r"(?<=/reset/key/)[^/?#\s\"]+"),
    re.compile(r"(?<=/calendar/)[^/?#\s\"]+?(?=\.ics\b)"),
    re.compile(r"(?<=/feed/)[^/?#\s\"]+?(?=\.ics\b)"),
    # Any segment shaped like a Django signed value ("payload:timestamp:signature").
    re.compile(r"(?<=/)[A-Za-z0-9_\-.=]+:[A-Za-z0-9_\-.=:]+(?=[/?#\s\"]|$)"),
    # Query strings may hold anything (tokens, e-mail addresses): never logged.
    re.compile(r"(?<=\?)[^\s\"#]+"),
]


def redact(text):
    text = str(text)
    for rule in _RULES:
        text = rule.sub(MARK, text)
    return text


class RedactTokens(logging.Filter):
    """A logging filter that redacts a record's message (after formatting its arguments)."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class OneLine(logging.Filter):
    """Drop the traceback: for errors whose message says everything (a bad Host header is a
    scanner, not a bug), so that each is one line instead of forty."""

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.msg, record.args = " ".join(record.getMessage().split())[:300], ()
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with tokens and query strings removed from the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        raw = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {redact(raw)} {environ.get('SERVER_PROTOCOL')}"
        atoms["U"] = redact(environ.get("PATH_INFO", ""))
        atoms["q"] = ""
        atoms["f"] = redact(environ.get("HTTP_REFERER", "-"))
        for key in list(atoms):
            if key.startswith("{") and key.endswith("}i"):
                atoms[key] = redact(atoms[key]) if key != "{cookie}i" else MARK
        return atoms
