"""The erasure register: who was erased, kept as keyed hashes (HMAC-SHA256), never as values.

``<warehouse>/_erasure_register.json`` lists every erasure request (when, which kind of key,
whether it has been carried out) and, per kind of key, the digests of every key it erased:
the key asked for, and the customer ids and source records of every customer it erased. A
digest is ``HMAC-SHA256(secret, "identity/erasure/<kind>/<value>")``: without the secret
nobody can test whether a given email is in the register, and the file holds no email, phone,
name or record id. The secret comes from the environment (``IDENTITY_ERASURE_KEY``); the file
keeps a digest of a fixed text (``key_check``), so a run with another key is refused instead
of letting erased people back in.

Example:
    >>> register = Register.open(warehouse, "a long secret from the environment", create=True)
    >>> register.request(SubjectKey(EMAIL, "ann@example.com"), now)
    'erasure-20261203T101500Z-5f0c1a2b'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from identity.preflight import UserInputError
from identity.rights.keys import KINDS, SubjectKey

REGISTER_FILE = "_erasure_register.json"
FORMAT = 1
ALGORITHM = "HMAC-SHA256"
KEY_VARIABLE = "IDENTITY_ERASURE_KEY"
# Long enough that the digests cannot be tested by guessing the key.
MIN_KEY_LENGTH = 16
_KEY_CHECK = "identity/erasure/key-check"


class ErasureKeyError(UserInputError):
    """The erasure secret is missing, too short, or not the one the register was made with."""


def register_path(warehouse: Path) -> Path:
    """``<warehouse>/_erasure_register.json``."""
    return Path(warehouse) / REGISTER_FILE


@dataclass
class Register:
    """The erasure register of one warehouse, opened with its secret.

    Attributes:
        path: The register file.
        requests: Every request: ``id``, ``requested_at``, ``kind``, ``digest``, ``applied_at``
            (None until the erasure has been carried out in full).
        digests: Kind -> digests of every key erased.
    """

    path: Path
    secret: bytes = field(repr=False)
    requests: list[dict[str, Any]] = field(default_factory=list)
    digests: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def open(cls, warehouse: Path, secret: str, create: bool = False) -> Register | None:
        """Open the register of ``warehouse``, checking the secret.

        Args:
            warehouse: The warehouse folder.
            secret: The value of ``IDENTITY_ERASURE_KEY`` ("" when unset).
            create: Start an empty register when there is none (an erasure); otherwise a
                warehouse without a register opens as None (nobody was erased: no key needed).

        Returns:
            The register, or None when there is none and ``create`` is false.

        Raises:
            ErasureKeyError: A register exists (or is to be created) and the secret is missing,
                shorter than ``MIN_KEY_LENGTH``, or not the one the register was made with.
        """
        path = register_path(warehouse)
        if not path.exists() and not create:
            return None
        key = check_secret(secret, path)
        if not path.exists():
            return cls(path=path, secret=key)
        document = json.loads(path.read_text("utf-8"))
        if not hmac.compare_digest(document.get("key_check", ""), _digest(key, _KEY_CHECK)):
            raise ErasureKeyError(
                f"{KEY_VARIABLE} is not the key the erasure register {path} was made with: with "
                "another key erased people would come back; set the original key"
            )
        return cls(
            path=path,
            secret=key,
            requests=list(document.get("requests", [])),
            digests={kind: set(document.get("digests", {}).get(kind, [])) for kind in KINDS},
        )

    def digest(self, kind: str, value: str) -> str:
        """The keyed hash of one key."""
        return _digest(self.secret, f"identity/erasure/{kind}/{value}")

    def holds(self, kind: str, values: pd.Series) -> np.ndarray:
        """Per value, whether the register holds it as an erased key of ``kind``."""
        values = pd.Series(values, dtype=object)
        wanted = self.digests.get(kind)
        if not wanted:
            return np.zeros(len(values), dtype=bool)
        present = values.notna()
        distinct = pd.unique(values[present].astype(str))
        erased = [value for value in distinct if self.digest(kind, value) in wanted]
        return (present & values.astype(str).isin(erased)).to_numpy(dtype=bool)

    def add(self, kind: str, values: Iterable[object]) -> int:
        """Register more keys of ``kind``; returns how many were new."""
        held = self.digests.setdefault(kind, set())
        before = len(held)
        held.update(self.digest(kind, str(v)) for v in values if v is not None and not pd.isna(v))
        return len(held) - before

    def request(self, key: SubjectKey, now: datetime) -> str:
        """Register a request for ``key`` and return its id (made of the time and the digest)."""
        digest = self.digest(key.kind, key.value)
        self.digests.setdefault(key.kind, set()).add(digest)
        request_id = f"erasure-{now:%Y%m%dT%H%M%SZ}-{digest[:8]}"
        self.requests.append(
            {
                "id": request_id,
                "requested_at": now.isoformat(timespec="seconds"),
                "kind": key.kind,
                "digest": digest,
                "applied_at": None,
            }
        )
        return request_id

    @property
    def pending(self) -> list[str]:
        """Ids of the requests not carried out in full yet (an erasure that was interrupted)."""
        return [r["id"] for r in self.requests if not r.get("applied_at")]

    def mark_applied(self, now: datetime) -> None:
        """Note every pending request as carried out."""
        for entry in self.requests:
            entry["applied_at"] = entry.get("applied_at") or now.isoformat(timespec="seconds")

    def save(self) -> Path:
        """Write the register atomically (temporary file, fsync, rename)."""
        document = {
            "format": FORMAT,
            "algorithm": ALGORITHM,
            "key_check": _digest(self.secret, _KEY_CHECK),
            "requests": self.requests,
            "digests": {kind: sorted(self.digests.get(kind, set())) for kind in KINDS},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.path


def check_secret(secret: str, path: Path) -> bytes:
    """The secret as bytes, or a one-line refusal when it is missing or too short."""
    if not secret:
        raise ErasureKeyError(
            f"{KEY_VARIABLE} is not set: the erasure register {path} keeps keyed hashes only "
            "and every run needs the same key to keep erased people out; set it and try again"
        )
    if len(secret) < MIN_KEY_LENGTH:
        raise ErasureKeyError(f"{KEY_VARIABLE} must be at least {MIN_KEY_LENGTH} characters long")
    return secret.encode("utf-8")


def _digest(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
