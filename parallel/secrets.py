"""Encryption at rest for Ed-Fi API client secrets (Fernet, key derived from SECRET_KEY)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = getattr(settings, "PARALLEL_SECRETS_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"parallel-edfi-secret:{key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("The stored client secret cannot be decrypted; enter it again.") from None
