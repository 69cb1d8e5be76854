"""Content hashes, one home: the same bytes always give the same hex digest, wherever it is compared."""

from __future__ import annotations

import hashlib


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of raw bytes (a response body, a normalised text): the cheap "did it change" check."""
    return hashlib.sha256(data).hexdigest()
