"""Staff password rules (NIST SP 800-63B: length and a blocklist, no composition rules) and argon2id."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 15
MAX_LENGTH = 1024
# zxcvbn score 3 = at least 10^8 guesses needed, with patterns (repeats, sequences, keyboard walks,
# common passwords with digits added) taken into account; the first 100 characters are plenty to judge.
MIN_SCORE = 3
JUDGED = 100

# argon2-cffi's defaults (RFC 9106 low-memory argon2id); a hash made otherwise is redone at sign-in.
hasher = PasswordHasher()


class PasswordRejected(ValueError):
    pass


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # loaded only when a password is being set

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, email: str | None = None) -> None:
    """Raise PasswordRejected with a message a person can act on; return None if the password is fine."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(
            f"Use at least {MIN_LENGTH} characters (this one has {len(password)}). "
            "A few unrelated words make a strong password that is easy to remember."
        )
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"Use at most {MAX_LENGTH} characters.")
    if password.lower() in _common():
        raise PasswordRejected("This password is on a list of commonly used passwords. Choose another.")
    from zxcvbn import zxcvbn

    hints = [email, email.split("@")[0]] if email else []
    judged = zxcvbn(password[:JUDGED], user_inputs=[*hints, "iop", "intake"])
    if judged["score"] < MIN_SCORE:
        why = judged["feedback"]["warning"] or "It is built from common words or patterns."
        raise PasswordRejected(
            f"This password is too easy to guess. {why} Try a longer phrase of unrelated words."
        )


def hash_password(password: str) -> str:
    return hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy: dict[str, str] = {}


def dummy_hash() -> str:
    """Verified against for unknown accounts, so they take as long to refuse as a wrong password
    (made with the current parameters, so the work matches)."""
    params = repr(hasher)
    if params not in _dummy:
        _dummy[params] = hasher.hash(secrets.token_urlsafe(24))
    return _dummy[params]
