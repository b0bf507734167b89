"""Real servers on this machine for the alert tests and benchmark: an SMTP server (aiosmtpd) and
a webhook receiver (http.server), each recording what arrived, and each able to misbehave on cue.

``Mailbox`` answers every message 250 unless told otherwise: ``refuse_next(code, n)`` answers the
next n messages with that code (4xx or 5xx), and ``hold_data`` makes the server sit on the DATA
reply until released (to kill a worker mid-send; ``data_held`` says when a message is held).
``WebhookReceiver`` checks the HMAC signature of every POST, can answer a status, and can stall
past the sender's timeout.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    message: EmailMessage
    envelope_to: list[str]
    at: float  # time.monotonic() when the server accepted it

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class _Handler:
    box: Mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        box = self.box
        while box.hold_data.is_set():
            box.data_held.set()  # the whole message is here; only the reply is held back
            time.sleep(0.02)  # holds this server's loop: nothing else is answered meanwhile
        with box.lock:
            if box.refusals:
                code, text = box.refusals.pop(0)
                return f"{code} {text}"
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            box.messages.append(Received(parsed, list(envelope.rcpt_tos), time.monotonic()))
            box.arrived.notify_all()
        return "250 OK"


@dataclass
class Mailbox:
    port: int
    messages: list[Received] = field(default_factory=list)
    refusals: list[tuple[int, str]] = field(default_factory=list)
    hold_data: threading.Event = field(default_factory=threading.Event)
    # Set once a message has been held: its sender has sent it all and waits for the reply.
    data_held: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)
    _controller: Controller | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    def start(self) -> Mailbox:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self.hold_data.clear()
            self._controller.stop()
            self._controller = None

    def refuse_next(self, code: int, count: int = 1, text: str = "try later") -> None:
        with self.lock:
            self.refusals.extend([(code, text)] * count)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Block until ``count`` messages have arrived (or fail with what did)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} messages arrived in {timeout} s")
                self.arrived.wait(left)
            return list(self.messages)

    def env(self, *, public_url: str = "http://127.0.0.1:8501") -> dict[str, str]:
        """The settings that send email alerts here."""
        return {
            "IOP_SMTP_HOST": "127.0.0.1",
            "IOP_SMTP_PORT": str(self.port),
            "IOP_SMTP_SECURITY": "none",
            "IOP_ALERT_FROM": "intake-alerts@clinic.example",
            "IOP_PUBLIC_URL": public_url,
        }


@contextmanager
def running_mailbox(port: int | None = None) -> Iterator[Mailbox]:
    box = Mailbox(port or free_port()).start()
    try:
        yield box
    finally:
        box.stop()


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]
    signature_ok: bool


@dataclass
class WebhookReceiver:
    secret: str
    deliveries: list[Delivery] = field(default_factory=list)
    # Status to answer, one per request, then 200; and seconds to stall before answering.
    statuses: list[int] = field(default_factory=list)
    stall_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    stall = receiver.stall_seconds
                if stall:
                    time.sleep(stall)
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                given = self.headers.get("X-IOP-Signature-256", "")
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    if status == 200:
                        receiver.deliveries.append(
                            Delivery(body, dict(self.headers.items()), hmac.compare_digest(expected, given))
                        )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def running_webhook(secret: str = "made-up-webhook-secret") -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret).start()
    try:
        yield receiver
    finally:
        receiver.stop()
