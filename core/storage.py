"""Where attachment bytes live: one interface, ``Storage``, addressed by the content's SHA-256,
and its default, a local folder (``ATTACHMENTS_DIR``). Content addressing makes a second upload
of the same file free and a stored file impossible to swap unnoticed (its name is its hash)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class Storage(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data``; returns its SHA-256 (hex), which is its address."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; ``FileNotFoundError`` when there are none."""
        ...


class LocalStorage:
    """Files under ``root/ab/cd/<sha256>`` (two levels keep folders small)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise FileNotFoundError(sha256)  # never a path built from anything else
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary file and renamed: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return sha256

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()
