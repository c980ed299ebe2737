"""Logs never hold tokens, and a bad Host header is one line, not a traceback."""

import datetime
import io
import logging
from types import SimpleNamespace

import pytest

from cop_platform.logredact import RedactingGunicornLogger, redact

TOKENS = [
    ("/email/unsubscribe/eyJ1Ijo0LCJsIjoiYWxsIn0:1tXyZ:abcDEF123/", "/email/unsubscribe/[redacted]/"),
    ("/communities/benefits/hotseats/calendar/AbC123xyz.ics", "/communities/benefits/hotseats/calendar/[redacted].ics"),
    ("/communities/benefits/hotseats/7/invitation/tok-en_123:xyz/", "/communities/benefits/hotseats/7/invitation/[redacted]/"),
    ("/accounts/confirm-email/MQ:1tXyZ:abc123/", "/accounts/confirm-email/[redacted]/"),
    ("/accounts/password/reset/key/1a-set-password/", "/accounts/password/reset/key/[redacted]/"),
    ("/communities/benefits/discussions/?page=2&token=secret", "/communities/benefits/discussions/?[redacted]"),
    ("/communities/benefits/", "/communities/benefits/"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "clean"), TOKENS)
def test_tokens_are_removed_from_logged_paths(raw, clean):
    assert redact(raw) == clean


def test_the_gunicorn_access_log_shows_no_token_and_no_query_string():
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = RedactingGunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/email/unsubscribe/eyJ1Ijo0fQ:1tX:abc/?utm=x",
        "PATH_INFO": "/email/unsubscribe/eyJ1Ijo0fQ:1tX:abc/",
        "QUERY_STRING": "utm=x",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://cop.example.org/accounts/confirm-email/MQ:1t:abc/",
        "REMOTE_ADDR": "203.0.113.9",
    }
    resp = SimpleNamespace(status="200 OK", sent=12, headers=[])
    atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, datetime.timedelta(seconds=0))
    line = logger.cfg.access_log_format % atoms
    assert "abc" not in line and "utm" not in line and "1tX" not in line
    assert "/email/unsubscribe/[redacted]/" in line


def test_django_request_warnings_do_not_log_tokens(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/communities/nowhere/hotseats/calendar/SeCrEtToKeN.ics")
    assert caplog.records
    assert all("SeCrEtToKeN" not in record.getMessage() for record in caplog.records)


def test_a_bad_host_header_is_logged_as_one_line(client, db):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("django.security.DisallowedHost")
    logger.addHandler(handler)
    try:
        client.raise_request_exception = False
        response = client.get("/", HTTP_HOST="evil.example")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 400
    logged = stream.getvalue().strip()
    assert logged.count("\n") == 0, logged
    assert "Traceback" not in logged
    assert "evil.example" in logged
