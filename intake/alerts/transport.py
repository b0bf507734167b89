"""Sending one alert by SMTP (smtplib) or webhook (httpx), and sorting failures.

``Retry``: worth trying again later (a server down, a 4xx reply, a timeout). ``GiveUp``: it will
not get better by waiting (a 5xx reply, a webhook refusing the request). Error texts are kept
short and hold what the server said, which names at most a staff address or route, never a
participant's details (an alert holds none).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field

import httpx

from intake.alerts.messages import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    AlertContent,
    email_message,
    signature,
    webhook_body,
)
from intake.models import ALERT_ERROR_MAX_CHARS
from intake.settings import SEND_TIMEOUT_SECONDS, Settings
from intake.vocab import Channel

# Webhook replies worth waiting out: timeout, too early, too many requests, and server errors.
RETRY_STATUSES = frozenset({408, 425, 429})


class SendFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason[:ALERT_ERROR_MAX_CHARS])


class Retry(SendFailed):
    pass


class GiveUp(SendFailed):
    pass


def _smtp_failure(code: int, text: bytes | str) -> SendFailed:
    said = text.decode(errors="replace") if isinstance(text, bytes) else text
    reason = f"SMTP {code}: {said}"
    return Retry(reason) if 400 <= code < 500 else GiveUp(reason)


@dataclass
class Sender:
    """Sends alerts one after another, keeping one SMTP connection and one HTTP client open
    across a batch. Use as a context manager."""

    settings: Settings
    _smtp: smtplib.SMTP | None = field(default=None, init=False)
    _http: httpx.Client | None = field(default=None, init=False)

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
        if self._http is not None:
            self._http.close()
            self._http = None

    def send(self, channel: Channel, target: str, content: AlertContent) -> None:
        """Deliver or raise ``Retry`` / ``GiveUp``."""
        if channel is Channel.EMAIL:
            self._send_email(target, content)
        else:
            self._send_webhook(target, content)

    # --- email -------------------------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.iop_smtp_host is None or s.iop_alert_from is None:
            raise Retry("email alerts are not set up: IOP_SMTP_HOST and IOP_ALERT_FROM are not set")
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.iop_smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(
                s.iop_smtp_host, s.smtp_port(), timeout=SEND_TIMEOUT_SECONDS, context=context
            )
        else:
            smtp = smtplib.SMTP(s.iop_smtp_host, s.smtp_port(), timeout=SEND_TIMEOUT_SECONDS)
            if s.iop_smtp_security == "starttls":
                smtp.starttls(context=context)
        if s.iop_smtp_user is not None and s.iop_smtp_password is not None:
            smtp.login(s.iop_smtp_user, s.iop_smtp_password.get_secret_value())
        return smtp

    def _send_email(self, recipient: str, content: AlertContent) -> None:
        s = self.settings
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            message = email_message(
                content,
                sender=s.iop_alert_from or "",
                recipient=recipient,
                public_url=s.iop_public_url or "",
                zone=s.clinic_zone(),
            )
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop_smtp()
            code, text = next(iter(exc.recipients.values()))
            raise _smtp_failure(code, text) from None
        except smtplib.SMTPResponseException as exc:
            self._drop_smtp()
            raise _smtp_failure(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPException, OSError) as exc:
            # Refused, reset, timed out, disconnected, TLS failed: the server may be back later.
            self._drop_smtp()
            raise Retry(f"SMTP {type(exc).__name__}: {exc}") from None

    def _drop_smtp(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    # --- webhook -----------------------------------------------------------------------------

    def _send_webhook(self, url: str, content: AlertContent) -> None:
        s = self.settings
        if s.iop_alert_webhook_secret is None:
            raise Retry("webhook alerts are not set up: IOP_ALERT_WEBHOOK_SECRET is not set")
        body = webhook_body(content, public_url=s.iop_public_url or "", zone=s.clinic_zone())
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(body, s.iop_alert_webhook_secret.get_secret_value()),
            IDEMPOTENCY_HEADER: content.idempotency_key,
        }
        if self._http is None:
            self._http = httpx.Client(timeout=SEND_TIMEOUT_SECONDS, follow_redirects=False)
        try:
            response = self._http.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            raise Retry(f"webhook timed out after {SEND_TIMEOUT_SECONDS} s") from None
        except httpx.HTTPError as exc:
            raise Retry(f"webhook {type(exc).__name__}") from None
        status = response.status_code
        if 200 <= status < 300:
            return
        reason = f"webhook answered HTTP {status}"
        if status >= 500 or status in RETRY_STATUSES:
            raise Retry(reason)
        raise GiveUp(reason + (" (redirects are not followed)" if 300 <= status < 400 else ""))
