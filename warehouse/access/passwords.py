"""Password hashing (argon2id) and the password policy. No password is ever stored or logged.

The policy follows NIST SP 800-63B (5.1.1.2): length over composition (at least 10 characters, no
"one digit, one symbol" rules) and a check against passwords known to be common or breached:
`common_passwords.txt` (19,646 entries; its source and licence are in its header), also after
stripping the digits and symbols people add to a common word (`Summer2024`, `password12!`) and
undoing l33t spelling (`p@ssw0rd`), plus keyboard runs and sequences (`qwertyuiop`,
`1234567890`) and passwords built around the login or a word of this service (`admin12345`).

argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes) cost ~50 ms per check on
this hardware, which also slows brute force; `hash_password` embeds its parameters in the PHC
string, so stronger parameters later still verify old hashes and `needs_rehash` upgrades them.
"""

from __future__ import annotations

import re
import secrets
import string
from functools import cache
from importlib import resources

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
    """The password does not meet the policy (length, common or guessable)."""


# Words of this service and of roles: a password built on them is the first thing guessed.
CONTEXT_WORDS = (
    "cornerstone", "cornerstoneqa", "qa", "admin", "administrator", "reviewer", "manager",
    "agent", "lead", "qalead", "support", "helpdesk", "welcome", "changeme", "letmein",
)  # fmt: skip
SEASONS_MONTHS = (
    "spring", "summer", "autumn", "fall", "winter", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december",
)  # fmt: skip
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop")
_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s",
                       "5": "s", "7": "t", "+": "t"})  # fmt: skip


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (loaded once per process)."""
    text = resources.files("warehouse.access").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("# ")
        and line.strip() != "#"
    )  # fmt: skip


def _is_run(text: str) -> bool:
    """A keyboard row or an alphabet/digit sequence, forwards or backwards, or one repeated."""
    if len(text) < 4:
        return False
    if len(set(text)) <= 2:
        return True
    runs = (*KEYBOARD_ROWS, string.ascii_lowercase, string.digits, "0123456789")
    for run in runs:
        for line in (run, run[::-1]):
            if text in line or text in line * 3:
                return True
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return len(steps) == 1 and abs(next(iter(steps))) <= 2


def _guessable_core(password: str) -> str | None:
    """Why a password is guessable (a phrase for the message), or None if it is not."""
    lowered = password.lower()
    common = common_passwords()
    if lowered in common:
        return "it is one of the most common passwords"
    if _is_run(lowered):
        return "it is a keyboard run or a sequence"
    # What is left after the digits, symbols and years people add around a word.
    cores = {
        re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered),
        re.sub(r"[^a-z]+$", "", lowered),
        lowered.translate(_LEET),
        re.sub(r"[^a-z]+$", "", lowered.translate(_LEET)),
        re.sub(r"[^a-z]", "", lowered.translate(_LEET)),
    }
    for core in cores:
        if not core:
            return "it has no letters apart from a sequence"
        if core in common or core in CONTEXT_WORDS or core in SEASONS_MONTHS or _is_run(core):
            return "it is a common word or pattern with digits or symbols added"
    return None


def check_policy(password: str, login: str = "") -> None:
    """Raise WeakPasswordError with an actionable message if `password` is not acceptable."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"The password must have at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"The password must have at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    login = (login or "").lower()
    parts = [login, *re.split(r"[._@-]+", login)] if login else []
    if any(len(part) >= 4 and part in lowered for part in parts):
        raise WeakPasswordError("The password must not contain the login name.")
    if len(set(password)) < 5:
        raise WeakPasswordError(
            "The password is too repetitive: use at least 5 different characters."
        )
    reason = _guessable_core(password)
    if reason:
        raise WeakPasswordError(
            f"This password is too easy to guess ({reason}). A longer phrase of a few "
            "unrelated words is both easier to remember and harder to guess."
        )


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
