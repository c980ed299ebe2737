"""Only the e-mail provider we use has webhook URLs: the others answered 500 (found by the URL walk)."""

import pytest


@pytest.mark.parametrize("esp", ["amazon_ses", "mailgun", "sendgrid"])
def test_webhooks_of_providers_we_do_not_use_are_not_found(client, db, esp):
    client.raise_request_exception = False
    assert client.post(f"/anymail/{esp}/inbound/").status_code == 404


def test_postmarks_webhooks_still_exist_and_refuse_strangers(client, db):
    assert client.post(
        "/anymail/postmark/tracking/", data="{}", content_type="application/json"
    ).status_code in {
        400,
        401,
        403,
    }
