import datetime
import smtplib

from communities.models import Activity

# A Monday morning: the weekly digest covers 16-22 November 2026.
MONDAY = datetime.datetime(2026, 11, 23, 7, 0, tzinfo=datetime.UTC)
IN_LAST_WEEK = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def log(community, verb, summary, *, actor=None, when=IN_LAST_WEEK, url="/somewhere/"):
    return Activity.objects.create(
        community=community, actor=actor, verb=verb, summary=summary, url=url, created_at=when
    )


class FlakyConnection:
    """An e-mail connection that refuses some recipients, as an SMTP server would."""

    def __init__(self, refuse=(), temporary=()):
        self.refuse, self.temporary, self.sent = refuse, temporary, []

    def send_messages(self, messages):
        for message in messages:
            to = message.to[0]
            if any(word in to for word in self.temporary):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            if any(word in to for word in self.refuse):
                raise smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 No such user")})
            self.sent.append(message)
        return len(messages)

    def close(self):
        pass
