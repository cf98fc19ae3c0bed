"""Password hashing with argon2id (argon2-cffi)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_STRONG = PasswordHasher()  # library defaults: RFC 9106 low-memory profile
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # tests only


def _hasher(fast: bool) -> PasswordHasher:
    return _FAST if fast else _STRONG


def hash_password(password: str, fast: bool = False) -> str:
    return _hasher(fast).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _STRONG.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_dummy: dict[bool, str] = {}


def dummy_hash(fast: bool = False) -> str:
    """A hash to verify against when the account does not exist, so login timing stays uniform."""
    if fast not in _dummy:
        _dummy[fast] = _hasher(fast).hash("marquee-timing-equaliser")
    return _dummy[fast]
