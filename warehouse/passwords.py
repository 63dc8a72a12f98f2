"""Password hashing (argon2id) and the password policy. No password is ever stored or logged.

argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes) cost ~50 ms per check on
this hardware, which also slows brute force; `hash_password` embeds its parameters in the PHC
string, so stronger parameters later still verify old hashes and `needs_rehash` upgrades them.
"""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from warehouse.errors import WarehouseError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 accepts more; a 1 MB "password" is a denial-of-service attempt

_hasher = PasswordHasher()

# A verification against this hash makes a sign-in for an unknown login cost as much as one for a
# known login, so response times do not reveal which logins exist. Random per process.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class WeakPasswordError(WarehouseError):
    """The password does not meet the policy (length, variety)."""


def check_policy(password: str, login: str = "") -> None:
    """Raise WeakPasswordError with an actionable message if `password` is not acceptable."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"password must have at most {MAX_LENGTH} characters")
    if len(login) >= 4 and login.lower() in password.lower():
        raise WeakPasswordError("password must not contain the login name")
    if len(set(password)) < 5:
        raise WeakPasswordError("password is too repetitive (use at least 5 different characters)")


def hash_password(password: str) -> str:
    """The argon2id PHC string for `password` (salted; different every call)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches; False otherwise. Takes as long for a missing hash (None)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A random password for demo accounts (letters and digits, no look-alikes)."""
    alphabet = [c for c in string.ascii_letters + string.digits if c not in "0O1lI"]
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
