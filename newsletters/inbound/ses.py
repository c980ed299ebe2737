"""Amazon SES bounce and complaint notifications (through Amazon SNS), via django-anymail.

Mounted at /anymail/amazon_ses/tracking/ and authenticated like Postmark's webhooks: the SNS
subscription's URL carries ANYMAIL_WEBHOOK_SECRET as basic auth ("https://user:password@host/
anymail/amazon_ses/tracking/"), which anymail checks on every request along with the SNS
headers matching the body. Events reach `newsletters.inbound.webhooks` through anymail's
`tracking` signal, as Postmark's do.

No boto3 here: when SNS asks to confirm a new subscription, the request is authenticated as
above and its SubscribeURL is opened once, but only when it is https on Amazon SNS's own host
(`sns.<region>.amazonaws.com`), so a forged request cannot make the server fetch anything
else. The URL carries a token, so it is never logged (cop_platform.logredact would hide it anyway).
"""

import logging
import re
from urllib.parse import urlsplit
from urllib.request import urlopen

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.base import AnymailBaseWebhookView

logger = logging.getLogger(__name__)

SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")


def is_sns_url(url):
    parts = urlsplit(url or "")
    return parts.scheme == "https" and parts.port is None and bool(SNS_HOST.fullmatch(parts.hostname or ""))


def confirm_subscription(url):
    with urlopen(url, timeout=10) as response:  # noqa: S310 - https on Amazon SNS's host only
        response.read(4096)


class SESTrackingWebhookView(AmazonSESTrackingWebhookView):
    def __init__(self, **kwargs):
        # The SES base view's __init__ only reads boto3's settings (S3 downloads for inbound
        # mail, the SNS client for auto-confirming), neither of which is used here.
        self.auto_confirm_enabled = True
        AnymailBaseWebhookView.__init__(self, **kwargs)

    def auto_confirm_sns_subscription(self, sns_message):
        if not self.basic_auth:  # unreachable with our settings: a random secret when unset
            raise AnymailWebhookValidationFailure("Amazon SNS subscription without a webhook secret")
        topic, url = sns_message.get("TopicArn"), sns_message.get("SubscribeURL")
        if not is_sns_url(url):
            logger.warning(
                "Refused to confirm SNS topic %s: its confirmation address is not Amazon SNS's", topic
            )
            raise AnymailWebhookValidationFailure("SubscribeURL is not on Amazon SNS")
        confirm_subscription(url)
        logger.warning("Confirmed the subscription of SNS topic %s to the SES tracking webhook", topic)
