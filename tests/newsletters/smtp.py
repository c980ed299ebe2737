"""A real SMTP server on 127.0.0.1 for worker tests (aiosmtpd, in a thread of the test process)."""

import asyncio
import logging
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Accepts mail and misbehaves per recipient, as real servers and networks do:

    - an address containing "bounce" is refused at RCPT (550);
    - "busy" gets 451 at RCPT (a temporary refusal) the first `busy_times` times;
    - "cutrcpt" drops the connection at RCPT, before DATA (safe to retry), `cut_times` times;
    - "dropper" is ACCEPTED (recorded) and then the connection drops before the reply;
    - "sleepy" is accepted (recorded) and the reply comes only after `sleep` seconds;
    - `hold` keeps one address's DATA waiting until released, so a test can kill the worker
      while that message is in flight.
    `connections` counts SMTP sessions (EHLO), to check one connection per batch.
    """

    def __init__(self, hold=None, *, busy_times=1, cut_times=1, sleep=3.0):
        self.received = []  # one entry per accepted recipient of each message
        self.messages = []
        self.hold = hold
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.connections = 0
        self.busy_left = Counter()
        self.busy_times, self.cut_times, self.sleep = busy_times, cut_times, sleep
        self.cuts = Counter()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 No such user here"
        if "busy" in address:
            with self.lock:
                self.busy_left[address] += 1
                if self.busy_left[address] <= self.busy_times:
                    return "451 4.2.1 Mailbox busy, try later"
        if "cutrcpt" in address:
            with self.lock:
                self.cuts[address] += 1
                cut = self.cuts[address] <= self.cut_times
            if cut:
                server.transport.abort()
                return "421 gone"  # never reaches the client
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _record(self, envelope):
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
            self.messages.append(envelope.content)
            del self.messages[:-20]

    async def handle_DATA(self, server, session, envelope):
        if self.hold and self.hold in envelope.rcpt_tos:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Gone away"  # the sender died meanwhile: nobody hears this
        if any("dropper" in address for address in envelope.rcpt_tos):
            self._record(envelope)  # the message is queued here...
            server.transport.abort()  # ...and the connection drops before "250"
            return "250 never heard"
        if any("sleepy" in address for address in envelope.rcpt_tos):
            self._record(envelope)
            await asyncio.sleep(self.sleep)
            return "250 Message accepted, eventually"
        self._record(envelope)
        return "250 Message accepted for delivery"

    def counts(self):
        with self.lock:
            return Counter(self.received)


class SMTPServer:
    def __init__(self, recorder):
        self.recorder = recorder
        self.port = free_port()
        self.controller = Controller(recorder, hostname="127.0.0.1", port=self.port)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.recorder.release.set()
        self.controller.stop()


def wait_for(predicate, timeout, message, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s: {message}")
