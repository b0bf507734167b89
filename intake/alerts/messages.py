"""What an alert says: a reference, a priority, the time submitted and a link to the review page.

Nothing else, ever: no answers, scores, flags, names or contact details, and nothing that says
what the screen was about beyond "a screen needs you" (42 CFR Part 2 and HIPAA apply). Every
word an alert can carry is in this file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import quote
from zoneinfo import ZoneInfo

from intake.vocab import AlertKind

SIGNATURE_HEADER = "X-IOP-Signature-256"
IDEMPOTENCY_HEADER = "Idempotency-Key"
REVIEW_PATH = "staff_review"

# What each kind says about priority: words staff already see in the queue, nothing clinical.
PRIORITY_WORDS = {
    AlertKind.URGENT: "urgent",
    AlertKind.SAME_DAY: "same-day contact",
    AlertKind.ALL: "new screen",
    AlertKind.ESCALATION: "escalation: not opened in time",
    AlertKind.TEST: "test",
}


@dataclass(frozen=True)
class AlertContent:
    """The whole of what an alert may say."""

    kind: AlertKind
    idempotency_key: str
    reference: str | None
    submitted_at: datetime | None

    def link(self, public_url: str) -> str:
        base = public_url.rstrip("/")
        if self.reference is None:
            return f"{base}/{REVIEW_PATH}"
        return f"{base}/{REVIEW_PATH}?ref={quote(self.reference)}"

    def subject(self) -> str:
        if self.kind is AlertKind.TEST:
            return "IOP intake: test alert"
        if self.kind is AlertKind.ESCALATION:
            return f"IOP intake: a screen still needs you ({self.reference})"
        return f"IOP intake: a screen needs you ({PRIORITY_WORDS[self.kind]}, {self.reference})"

    def lines(self, public_url: str, zone: ZoneInfo) -> list[str]:
        if self.kind is AlertKind.TEST:
            return [
                "This is a test alert from the IOP intake app. No screen is involved.",
                "If you got it, alerts reach you.",
                f"Staff sign-in: {public_url.rstrip('/')}/staff_signin",
            ]
        when = self.submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if self.submitted_at else ""
        head = (
            "A screen still needs you: nobody has opened it yet."
            if self.kind is AlertKind.ESCALATION
            else "A screen needs you."
        )
        return [
            head,
            "",
            f"Reference: {self.reference}",
            f"Priority: {PRIORITY_WORDS[self.kind]}",
            f"Submitted: {when}",
            f"Open it (staff sign-in needed): {self.link(public_url)}",
        ]


def email_message(
    content: AlertContent, *, sender: str, recipient: str, public_url: str, zone: ZoneInfo
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = content.subject()
    # The idempotency key: a resend after a crash is the same message to the receiving server.
    message["Message-ID"] = message_id(content.idempotency_key, sender)
    message["Auto-Submitted"] = "auto-generated"
    # 7bit: plain ASCII lines, so the link stays whole in any mail client (no quoted-printable).
    message.set_content("\n".join(content.lines(public_url, zone)) + "\n", cte="7bit")
    return message


def message_id(key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "iop-intake.invalid"
    return f"<{key}@{domain}>"


def webhook_body(content: AlertContent, *, public_url: str, zone: ZoneInfo) -> bytes:
    """Compact JSON: ``text`` for Slack- and Teams-style incoming webhooks, the fields for tools."""
    body = {
        "text": " ".join(line for line in content.lines(public_url, zone) if line),
        "kind": str(content.kind),
        "reference": content.reference,
        "priority": PRIORITY_WORDS[content.kind],
        "submitted_at": content.submitted_at.isoformat() if content.submitted_at else None,
        "link": content.link(public_url),
        "idempotency_key": content.idempotency_key,
    }
    return json.dumps(body, separators=(",", ":")).encode()


def signature(body: bytes, secret: str) -> str:
    """HMAC-SHA256 of the exact body bytes, as ``sha256=<hex>`` (the receiver recomputes it)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
