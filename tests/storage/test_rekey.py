"""``python -m intake rekey``: every encrypted column moves to the newest key of IOP_FIELD_KEY, in
batches, resumably and audited; after it the old key can leave IOP_FIELD_KEY."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Text, func, or_, select, type_coerce, update

from intake import cli
from intake.audit import browse
from intake.crypto import encrypted_tables
from intake.db import dispose_engine, read_session, write_session
from intake.drafts import load_draft, save_draft
from intake.models import Contact
from intake.notes import add_note
from intake.rekey import rekey
from intake.review import contact_details
from intake.settings import ConfigError
from intake.staff import add_staff, list_staff
from storage.test_keys import PASSWORD, new_key, start
from tests.support.factories import CONTACT, T0, submit


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request, tmp_path):
    """An empty database of its own: these tests restart engines under other keys."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db' / 'iop.db'}"
    else:
        url = request.getfixturevalue("pg_database_factory")()
    yield url
    dispose_engine(url)


def raw_tokens() -> list[tuple[str, str]]:
    """(table.column, stored token) for every value of every encrypted column."""
    found = []
    with read_session() as session:
        for table, _pk, columns in encrypted_tables():
            for column in columns:
                tokens = session.scalars(select(type_coerce(column, Text)).where(column.is_not(None)))
                found += [(f"{table.name}.{column.name}", t) for t in tokens]
    return found


def rows_with_encrypted_data() -> int:
    with read_session() as session:
        return sum(
            session.scalar(
                select(func.count()).select_from(table).where(or_(*[c.is_not(None) for c in columns]))
            )
            for table, _pk, columns in encrypted_tables()
        )


def under(key: str, token: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def fill(count: int = 3) -> dict:
    """Staff, screens with contacts and notes, and drafts: something in every encrypted column."""
    codes, references = [], []
    with write_session() as session:
        members = [add_staff(session, f"nurse{i}@example.org", "intake", PASSWORD)[0] for i in range(count)]
        for i in range(count):
            reference = submit(session, "iop", contact={**CONTACT, "name": f"Person {i}"})
            add_note(session, reference, members[0], f"Called, left a message ({i})")
            references.append(reference)
            codes.append(
                save_draft(
                    session,
                    respondent="self",
                    answers={"auditc.1": i},
                    step="alcohol",
                    consent_version="2026-01",
                    consented_at=T0,
                )
            )
    return {"references": references, "codes": codes}


def rekey_audits() -> list[dict]:
    with read_session() as session:
        return [r.detail for r in browse(session, {"action": "rekey"}).rows]


def test_rekey_moves_every_value_to_the_new_key_and_the_old_key_can_go(settings_env, fresh_url, capsys):
    old, new = new_key(), new_key()
    start(settings_env, fresh_url, old)
    made = fill()
    tokens = raw_tokens()
    tables = {name.split(".")[0] for name, _ in tokens}
    assert {"staff", "contacts", "notes", "drafts"} <= tables
    assert all(under(old, t) for _, t in tokens)
    total = rows_with_encrypted_data()

    start(settings_env, fresh_url, f"{new},{old}")
    assert cli.main(["rekey", "--batch-size", "2"]) == 0
    out = capsys.readouterr().out
    assert f"{total} rows re-encrypted under the newest key, 0 already under it, 0 values" in out
    assert "complete: the database now records the newest key" in out
    after = raw_tokens()
    assert len(after) == len(tokens) and all(under(new, t) and not under(old, t) for _, t in after)

    start(settings_env, fresh_url, new)  # the old key dropped: starts, and everything reads
    with write_session() as session:
        assert contact_details(session, made["references"][0], "cli").name == "Person 0"
        assert load_draft(session, made["codes"][2], "client").answers == {"auditc.1": 2}
    with read_session() as session:
        assert all(m.secret_readable for m in list_staff(session))
    (detail,) = rekey_audits()
    assert detail == {
        "rewritten": total,
        "current": 0,
        "unreadable": 0,
        "batches": detail["batches"],
        "complete": True,
    }


def test_rekey_is_resumable_and_skips_what_is_already_moved(settings_env, fresh_url):
    old, new = new_key(), new_key()
    start(settings_env, fresh_url, old)
    fill(4)
    total = rows_with_encrypted_data()
    start(settings_env, fresh_url, f"{new},{old}")

    first = rekey(None, batch_size=2, max_batches=3)  # as if interrupted after three batches
    assert not first.complete and 0 < first.rewritten < total
    moved = sum(under(new, t) for _, t in raw_tokens())
    assert 0 < moved < len(raw_tokens())
    with pytest.raises(ConfigError, match="IOP_FIELD_KEY does not hold the key"):
        start(settings_env, fresh_url, new)  # too early to drop the old key

    start(settings_env, fresh_url, f"{new},{old}")
    second = rekey(None, batch_size=2)
    assert second.complete
    assert (second.rewritten, second.current) == (total - first.rewritten, first.rewritten)
    assert all(under(new, t) for _, t in raw_tokens())
    start(settings_env, fresh_url, new)
    assert [d["complete"] for d in rekey_audits()] == [True, False]  # newest first


def test_a_value_no_key_reads_is_left_as_it_is_and_reported(settings_env, fresh_url, capsys):
    old, new = new_key(), new_key()
    start(settings_env, fresh_url, old)
    fill(2)
    stray = Fernet(new_key().encode()).encrypt(b"Somebody Else").decode()
    with write_session() as session:
        screen_id = session.scalars(select(Contact.screen_id).order_by(Contact.screen_id)).first()
        session.execute(
            update(Contact).where(Contact.screen_id == screen_id).values(name=type_coerce(stray, Text))
        )
    start(settings_env, fresh_url, f"{new},{old}")
    assert cli.main(["rekey"]) == 1
    captured = capsys.readouterr()
    assert "1 values no key of IOP_FIELD_KEY can read" in captured.out
    assert "contacts: 1 values cannot be read with any key of IOP_FIELD_KEY" in captured.err
    assert stray not in captured.out + captured.err
    tokens = raw_tokens()
    assert ("contacts.name", stray) in tokens
    assert all(under(new, t) for _, t in tokens if t != stray)
    start(settings_env, fresh_url, new)  # everything readable moved: the old key can still go


def test_rekey_refuses_a_batch_size_that_is_not_a_positive_number(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["rekey", "--batch-size", "0"])
    assert exited.value.code == 2
    assert "--batch-size" in capsys.readouterr().err
