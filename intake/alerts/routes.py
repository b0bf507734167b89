"""Alert routes: which email addresses and webhooks hear of which kind of screen.

A webhook URL is a credential (anyone holding a Slack or Teams incoming-webhook URL can post to
that channel), so lists show it masked: scheme and host only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.db import rows_changed
from intake.models import ROUTE_TARGET_MAX_CHARS, AlertRoute
from intake.settings import Settings
from intake.staff import normalize_email
from intake.vocab import ROUTE_KINDS, AlertKind, AuditAction, Channel

# Plain http only to this machine: a local relay or a test server. Anything else must be HTTPS.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class RouteExists(ValueError):
    pass


class RouteNotFound(LookupError):
    pass


@dataclass(frozen=True)
class RouteView:
    id: int
    kind: AlertKind
    channel: Channel
    target: str

    @property
    def shown_target(self) -> str:
        return self.target if self.channel is Channel.EMAIL else mask_url(self.target)


def mask_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"


def check_kind(kind: str) -> AlertKind:
    if kind not in ROUTE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ROUTE_KINDS)}")
    return AlertKind(kind)


def check_webhook_url(url: str) -> str:
    url = url.strip()
    if len(url) > ROUTE_TARGET_MAX_CHARS:
        raise ValueError(f"webhook URL: at most {ROUTE_TARGET_MAX_CHARS:,} characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if host is None:
        raise ValueError("webhook URL: enter a full address such as https://hooks.example.org/...")
    if parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK_HOSTS):
        return url
    raise ValueError("webhook URL must start with https:// (plain http only to this machine)")


def check_target(channel: Channel, target: str) -> str:
    if channel is Channel.EMAIL:
        try:
            return normalize_email(target)
        except ValueError:
            raise ValueError("email: enter an address like intake-team@clinic.example") from None
    return check_webhook_url(target)


def add_route(
    session: Session, kind: str, channel: Channel, target: str, actor: object, *, now: datetime | None = None
) -> RouteView:
    now = clock.resolve(now)
    kind = check_kind(kind)
    target = check_target(channel, target)
    existing = session.scalar(
        select(AlertRoute.id).where(
            AlertRoute.kind == kind, AlertRoute.channel == channel, AlertRoute.target == target
        )
    )
    if existing is not None:
        raise RouteExists(f"that {channel} route for {kind} alerts is already there")
    route = AlertRoute(
        kind=kind, channel=channel, target=target, created_at=now, created_by=audit.actor_of(actor)
    )
    session.add(route)
    session.flush()
    audit.record(
        session, actor, AuditAction.ALERT_ROUTE_ADDED, f"route:{route.id}", at=now, kind=kind, channel=channel
    )
    return _view(route)


def remove_route(session: Session, route_id: int, actor: object, *, now: datetime | None = None) -> None:
    now = clock.resolve(now)
    if rows_changed(session, delete(AlertRoute).where(AlertRoute.id == route_id)) == 0:
        raise RouteNotFound(f"no alert route {route_id}")
    audit.record(session, actor, AuditAction.ALERT_ROUTE_REMOVED, f"route:{route_id}", at=now)


def list_routes(session: Session) -> list[RouteView]:
    rows = session.scalars(
        select(AlertRoute).order_by(AlertRoute.kind, AlertRoute.channel, AlertRoute.target)
    )
    return [_view(r) for r in rows]


def _view(route: AlertRoute) -> RouteView:
    return RouteView(route.id, AlertKind(route.kind), Channel(route.channel), route.target)


def setup_warnings(routes: list[RouteView], settings: Settings) -> list[str]:
    """What keeps these routes from working with these settings (their alerts wait and retry)."""
    channels = {r.channel for r in routes}
    warnings = []
    if not channels:
        warnings.append(
            "No alert routes yet: new screens alert nobody. Add one on the Alerts page or with "
            "python -m intake alerts route add."
        )
    if AlertKind.URGENT not in {r.kind for r in routes} and channels:
        warnings.append(
            "No route for urgent screens: urgent screens alert nobody (unless an every-screen route)."
        )
    if Channel.EMAIL in channels and settings.iop_smtp_host is None:
        warnings.append("Email routes exist but IOP_SMTP_HOST is not set: email alerts wait and retry.")
    if Channel.WEBHOOK in channels and settings.iop_alert_webhook_secret is None:
        warnings.append(
            "Webhook routes exist but IOP_ALERT_WEBHOOK_SECRET is not set: webhook alerts wait and retry."
        )
    if channels and settings.iop_public_url is None:
        warnings.append("IOP_PUBLIC_URL is not set: alerts cannot link to the review page.")
    return warnings
