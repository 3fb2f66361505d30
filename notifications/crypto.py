"""Encryption at rest for the chat robots' webhook addresses and secrets (a webhook address carries its
robot's key, so it is as secret as the secret itself).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under the keys of NOTIFICATIONS_ROBOT_KEYS:
the first key encrypts, every key decrypts (MultiFernet), so a key is rotated by putting the new one first,
running `manage.py robots_rotate_key`, and then dropping the old one (docs/notifications.md). With no key
set, one is derived from SECRET_KEY so that development needs no setup; production sets its own.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"notifications.robots:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def robot_fernet() -> MultiFernet:
    keys = tuple(key.strip() for key in settings.NOTIFICATIONS_ROBOT_KEYS if key.strip())
    return _fernet(keys, settings.SECRET_KEY)


def encrypt_text(value: str) -> str:
    return robot_fernet().encrypt(value.encode()).decode() if value else ""


def decrypt_text(token: str) -> str:
    """The plain text, or "" when no configured key opens it (a lost key: the admin enters the robot again)."""
    if not token:
        return ""
    try:
        return robot_fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token and read back as plain text. Not searchable, by design."""

    def from_db_value(self, value, expression, connection):
        return decrypt_text(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt_text(value) if value else value
