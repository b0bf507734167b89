"""Alembic environment: used by intake.db.migrate (connection passed in) and by the alembic CLI."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.types import TypeDecorator

from intake.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations must not import app types that may change later: write the plain column type.
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return repr(obj.impl).replace("DateTime(", "sa.DateTime(").replace("Text(", "sa.Text(")
    return False


def _options(**extra: Any) -> dict[str, Any]:
    return dict(target_metadata=target_metadata, compare_type=True, render_item=render_item, **extra)


def run_offline() -> None:
    from intake.settings import get_settings

    context.configure(url=get_settings().database_url, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from intake.db import make_engine
    from intake.settings import get_settings

    engine = make_engine(get_settings().database_url)
    with engine.execution_options(iop_mode="write").connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


def _run(connection: Any) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(connection=connection, render_as_batch=sqlite, **_options())
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
