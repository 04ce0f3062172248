"""The pseudonymisation key: 32 random bytes in a file only its owner can read.

Why keyed (HMAC-SHA256, RFC 2104) and not a plain hash: author ids are short and guessable —
anyone can hash every X user id and reverse a plain SHA-256 table in minutes. With a secret
key the pseudonym is stable (the same author gets the same pseudonym in every table and every
later batch, so per-author metrics still work) yet not reversible without the key.

The file is created with mode 0600 atomically (``O_CREAT | O_EXCL``), never group- or
world-readable; an existing key file that others can read is refused. Losing the key loses
nothing stored (pseudonyms stay), but new batches would get new pseudonyms for old authors.
Keep it out of backups that leave the machine: with the key, ids can be tested for membership.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from engagelens.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

PREFIX = "anon-"
KEY_SUFFIX = ".privacy-key"


def key_path(store: Store, explicit: str | os.PathLike[str] | None = None) -> Path:
    """The key file: ``explicit``, else the ``privacy_key_file`` setting, else beside the
    store's DuckDB file (``<db>.privacy-key``)."""
    from engagelens import settings

    chosen = explicit or settings.get("privacy_key_file")
    if chosen:
        return Path(chosen)
    if not store.is_duckdb or store.url in ("", ":memory:") or "://" in store.url:
        raise ConfigError("this store has no file to keep a key beside: set privacy_key_file")
    return Path(store.url + KEY_SUFFIX)


def load_key(path: Path, *, create: bool = True) -> bytes:
    """Read the key, creating it (0600) when missing and ``create``."""
    if not path.exists():
        if not create:
            raise ConfigError(f"no privacy key at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it meanwhile: read theirs
            return load_key(path, create=False)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"privacy key {path} is readable by others (mode {mode:o}); run chmod 600 on it"
        )
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise ConfigError(f"privacy key {path} is not hex") from None
    if len(key) < 16:
        raise ConfigError(f"privacy key {path} is shorter than 16 bytes")
    return key


def pseudonym(key: bytes, *parts: str) -> str:
    """``anon-`` and 20 hex (80 bits) of HMAC-SHA256 over the parts joined by U+001F."""
    digest = hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:20]


def is_pseudonym(value: str | None) -> bool:
    return bool(value) and str(value).startswith(PREFIX)


__all__ = sorted(["KEY_SUFFIX", "PREFIX", "is_pseudonym", "key_path", "load_key", "pseudonym"])
