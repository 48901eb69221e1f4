"""Password hashing (argon2 via pwdlib) and signed access tokens (JWT, HS256)."""

import secrets
from datetime import datetime, timedelta, timezone

import jwt
from pwdlib import PasswordHash

from hedgehog.config import PLACEHOLDER_SECRETS, Settings

ALGORITHM = "HS256"
password_hash = PasswordHash.recommended()  # argon2id
# Verified when the username is unknown, so a failed login takes the same time either way.
_DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(16))


class InsecureSecretError(RuntimeError):
    """The service will not sign tokens with a missing or placeholder secret outside development."""


def hash_password(password: str) -> str:
    return password_hash.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    if hashed is None:
        password_hash.verify(password, _DUMMY_HASH)
        return False
    try:
        return password_hash.verify(password, hashed)
    except Exception:  # a malformed stored hash is a failed login, not a crash
        return False


def secret_is_placeholder(secret: str | None) -> bool:
    return (secret or "").strip().lower() in PLACEHOLDER_SECRETS


def resolve_signing_key(settings: Settings) -> str:
    """The configured secret; in development a placeholder is replaced by a per-process random key
    (tokens then last as long as the process). Anywhere else a placeholder refuses to start."""
    if not secret_is_placeholder(settings.hedgehog_secret_key):
        return settings.hedgehog_secret_key
    if settings.is_development:
        return secrets.token_urlsafe(32)
    raise InsecureSecretError(
        "HEDGEHOG_SECRET_KEY is missing or a placeholder: set it to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(32))'), "
        "or set HEDGEHOG_ENV=development for a local demo"
    )


def create_access_token(user_id: int, role: str, key: str, minutes: int) -> str:
    now = datetime.now(timezone.utc)
    payload = {"sub": str(user_id), "role": role, "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def decode_access_token(token: str, key: str) -> int | None:
    """The user id in a valid, unexpired token, else None."""
    try:
        payload = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
        return int(payload["sub"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
