"""Key → bytes: a persistent per-user cache of validation results, model engine output and formatted code;
storage only.

Entries are authenticated with an HMAC keyed by a secret that lives in the cache folder, readable by its owner
alone. An entry that was torn, edited or planted by anyone without the secret reads as a miss, and so does
everything when the folder or the secret is not the user's own: the cache only ever saves time."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

ENV_DIR = "OPENAPI_PYGEN_CACHE_DIR"
# Part of every entry's MAC, so that another layout's entries never authenticate.
LAYOUT = b"openapi-pygen cache 2\n"
_SECRET = "secret"


def cache_dir() -> Path:
    """$OPENAPI_PYGEN_CACHE_DIR, else the platform's user cache folder (platformdirs)."""
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    import platformdirs  # imported here: only a run that misses the manifest reaches the cache

    return Path(platformdirs.user_cache_dir("openapi-pygen", appauthor=False))


class Cache:
    """Entries under `root/namespace/ab/abcdef…`; every failure to read or write is a miss, never an error."""

    def __init__(self, root: Path | None = None, *, enabled: bool = True) -> None:
        self.root = root if root is not None else cache_dir()
        self.enabled = enabled
        self._key: bytes | None = None

    def get(self, namespace: str, entry: str) -> bytes | None:
        key = self._secret() if self.enabled else None
        if key is None:
            return None
        try:
            raw = self._path(namespace, entry).read_bytes()
        except OSError:
            return None
        mac, _, payload = raw.partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(key, namespace, entry, payload)):
            return None
        return payload

    def put(self, namespace: str, entry: str, payload: bytes) -> None:
        key = self._secret() if self.enabled else None
        if key is None:
            return
        path = self._path(namespace, entry)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(self._mac(key, namespace, entry, payload) + b"\n" + payload)
                os.replace(temporary, path)  # atomic: concurrent runs write the same bytes under the same name
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # read-only home, full disk: run uncached

    def _path(self, namespace: str, entry: str) -> Path:
        return self.root / namespace / entry[:2] / entry

    @staticmethod
    def _mac(key: bytes, namespace: str, entry: str, payload: bytes) -> bytes:
        message = LAYOUT + f"{namespace}\n{entry}\n".encode() + payload
        return hmac.new(key, message, hashlib.sha256).hexdigest().encode()

    def _secret(self) -> bytes | None:
        """The folder's secret, created on first use; None (cache off) unless folder and secret are ours."""
        if self._key is not None:
            return self._key
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not _owned(os.stat(self.root, follow_symlinks=False), directory=True):
                return None
            path = self.root / _SECRET
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
            try:
                handle = os.open(path, flags)
            except FileNotFoundError:
                _create_secret(path)
                handle = os.open(path, flags)
            with os.fdopen(handle, "rb") as stream:
                info = os.fstat(stream.fileno())
                key = stream.read(64)
            # Readable or writable by anyone else, or not ours: it proves nothing.
            if not _owned(info, directory=False) or info.st_mode & 0o077 or len(key) < 32:
                return None
        except OSError:
            return None
        self._key = key
        return key


def _owned(info: os.stat_result, *, directory: bool) -> bool:
    kind = stat.S_ISDIR if directory else stat.S_ISREG
    return bool(kind(info.st_mode)) and (not hasattr(os, "getuid") or info.st_uid == os.getuid())


def _create_secret(path: Path) -> None:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        return  # another run made it first
    with os.fdopen(handle, "wb") as stream:
        stream.write(secrets.token_bytes(32))
