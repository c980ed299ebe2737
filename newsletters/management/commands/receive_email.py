"""Read one RFC 5322 message on stdin and handle it: a bounce, a complaint or a reply.

For a self-hosted mail server, e.g. Postfix's master.cf:

    cop  unix  -  n  n  -  -  pipe
      flags=Rq user=cop argv=/srv/cop/.venv/bin/python /srv/cop/manage.py receive_email --recipient ${recipient}

Exits 0 when the message was handled or deliberately ignored (so the mail server does not bounce
it back), 75 (EX_TEMPFAIL: the mail server keeps it and tries again) when the database could not
be reached. Idempotent for bounces and complaints; a reply is posted once per delivery.
"""

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from newsletters.inbound import parse, receive

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Handle one inbound e-mail (bounce, complaint or reply) read on stdin."

    def add_arguments(self, parser):
        parser.add_argument("--recipient", help="The envelope recipient (Postfix's ${recipient}).")

    def handle(self, *args, recipient=None, **options):
        raw = sys.stdin.buffer.read()
        try:
            outcome = receive(parse(raw), envelope_recipient=recipient, source="dsn")
        except DatabaseError as error:
            self.stderr.write(f"temporary failure: {error}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(outcome)
