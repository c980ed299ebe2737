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
    """Accepts mail, refuses addresses containing "bounce" (550), and can hold one address's
    DATA until released, so a test can kill the worker while that message is in flight."""

    def __init__(self, hold=None):
        self.received = []  # one entry per accepted recipient of each message
        self.messages = []
        self.hold = hold
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold and self.hold in envelope.rcpt_tos:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Gone away"  # the sender died meanwhile: nobody hears this
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
            if len(self.messages) < 5:
                self.messages.append(envelope.content)
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
