"""Can this server keep a screen? The database checks that readiness and page setup ask for,
so that ui/ never needs to know what a database error looks like.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from sqlalchemy.exc import SQLAlchemyError

from intake.db import get_engine
from intake.settings import ConfigError

log = logging.getLogger(__name__)

DATABASE_DOWN = "the database (DATABASE_URL) cannot be reached or brought up to date; see the server log"


def database_problem() -> str | None:
    """What stops the database taking a screen, for the people running the site, or None.

    Reaches the database: on the process's first use this also migrates it and checks
    IOP_FIELD_KEY against it (intake.db.get_engine). Better no screen than answers that cannot
    be saved at the end."""
    try:
        with get_engine().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except ConfigError as exc:
        log.error("configuration refused, serving no page: %s", exc)
        return str(exc)
    except SQLAlchemyError as exc:
        # The driver's first line names host and port, never the password; no statement parameters.
        log.error("database unavailable, serving no page: %s", str(exc).splitlines()[0])
        return DATABASE_DOWN
    except Exception:
        log.exception("database could not be brought up, serving no page")
        return DATABASE_DOWN
    return None


def check_field_key() -> None:
    """Raise ConfigError if IOP_FIELD_KEY cannot read this database (the engine's first use
    checks it against the key the database records). A database that cannot be reached is left
    to the page, which says so itself."""
    with suppress(SQLAlchemyError):
        get_engine()
