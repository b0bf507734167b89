"""``python -m intake alerts route add|list|remove``: intake IT sets who is alerted from the
command line. Webhook URLs are credentials, so a list shows them masked; a bad kind or a plain
http:// webhook off this machine is refused with a message that says what to do."""

from __future__ import annotations

import pytest

from intake import cli
from intake.vocab import AuditAction

from .alert_support import audited

HOOK = "https://hooks.chat.example/services/T0001/B0002/made-up-token-xyz"


def add(capsys, *args: str) -> tuple[str, str]:
    """Add a route; its id (ids are the database's: PostgreSQL's do not restart between tests)
    and what was printed after it."""
    assert cli.main(["alerts", "route", "add", *args]) == 0
    said = capsys.readouterr().out
    assert said.startswith("added route ")
    route_id, _, rest = said.removeprefix("added route ").partition(": ")
    return route_id, rest


def test_routes_are_added_listed_masked_and_removed(engine, database_env, capsys):
    assert cli.main(["alerts", "route", "list"]) == 0
    assert capsys.readouterr().err == "no alert routes\n"

    desk, said = add(capsys, "--kind", "urgent", "--email", "Urgent-Desk@Clinic.example")
    assert said == "urgent alerts to email urgent-desk@clinic.example\n"
    chat, said = add(capsys, "--kind", "escalation", "--webhook", HOOK)
    assert said == "escalation alerts to webhook https://hooks.chat.example/…\n"
    relay, _ = add(capsys, "--kind", "same_day", "--webhook", "http://127.0.0.1:9000/hook")

    assert cli.main(["alerts", "route", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.splitlines() == [
        f"{chat}\tescalation\twebhook\thttps://hooks.chat.example/…",
        f"{relay}\tsame_day\twebhook\thttp://127.0.0.1:9000/…",
        f"{desk}\turgent\temail\turgent-desk@clinic.example",
    ]
    assert "made-up-token" not in listed

    assert cli.main(["alerts", "route", "remove", chat]) == 0
    assert capsys.readouterr().out == f"removed route {chat}\n"
    assert cli.main(["alerts", "route", "remove", chat]) == 1
    assert capsys.readouterr().err == f"no alert route {chat}\n"
    assert cli.main(["alerts", "route", "list"]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == [relay, desk]

    added = [e.target for e in audited(engine, AuditAction.ALERT_ROUTE_ADDED)]
    assert added == [f"route:{desk}", f"route:{chat}", f"route:{relay}"]
    removed = [(e.target, e.actor) for e in audited(engine, AuditAction.ALERT_ROUTE_REMOVED)]
    assert removed == [(f"route:{chat}", "cli")]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (["--webhook", "http://hooks.chat.example/services/x"], "webhook URL must start with https://"),
        (["--webhook", "ftp://files.example/hook"], "webhook URL must start with https://"),
        (["--webhook", "hooks.chat.example/services"], "webhook URL: enter a full address"),
        (["--email", "not an address"], "email: enter an address like"),
    ],
)
def test_a_bad_target_is_refused_with_a_clear_message(engine, database_env, capsys, target, message):
    assert cli.main(["alerts", "route", "add", "--kind", "urgent", *target]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert cli.main(["alerts", "route", "list"]) == 0
    assert capsys.readouterr().out == ""


def test_a_bad_kind_or_a_route_given_twice_is_refused(engine, database_env, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["alerts", "route", "add", "--kind", "sometimes", "--email", "desk@clinic.example"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'sometimes'" in err
    assert "urgent" in err and "same_day" in err and "escalation" in err

    with pytest.raises(SystemExit):  # a test alert goes to every route: it is not a route's kind
        cli.main(["alerts", "route", "add", "--kind", "test", "--email", "desk@clinic.example"])
    capsys.readouterr()

    add(capsys, "--kind", "urgent", "--email", "desk@clinic.example")
    assert cli.main(["alerts", "route", "add", "--kind", "urgent", "--email", "DESK@clinic.example"]) == 1
    assert "already there" in capsys.readouterr().err
