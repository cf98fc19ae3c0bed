"""Where uploads and HLS renditions live: a local directory (the default) behind a small
interface that an S3-compatible back end can also fill.

Keys are ``/``-separated and built by the app from ids only (``media/12/v7/720p/seg_00001.ts``);
a key that could leave the root (``..``, absolute, odd characters) is refused, so a file name
from a client never reaches a path.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


class StorageKeyError(ValueError):
    pass


def check_key(key: str) -> str:
    if not _KEY.match(key or "") or ".." in key.split("/"):
        raise StorageKeyError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under one directory. Publishing a finished tree is one ``rename``: readers see the
    whole tree or none of it."""

    name = "local"

    def __init__(self, root: str) -> None:
        self.root = Path(root).resolve()

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def local_file(self, key: str) -> Path | None:
        """The file holding ``key``, to send as it is (None when there is none)."""
        path = self.path(key)
        return path if path.is_file() else None

    def put_file(self, key: str, local_path: Path) -> None:
        """Take a finished local file as ``key`` (a rename on the same file system)."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(local_path), target)

    @contextmanager
    def local_copy(self, key: str) -> Iterator[str]:
        """A path a process (ffmpeg, the prober) can read the object from."""
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        yield str(path)

    def publish(self, local_dir: Path, prefix: str) -> None:
        """Make the finished tree ``local_dir`` readable under ``prefix`` in one step."""
        target = self.path(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(local_dir, target)  # fails if the prefix exists: a version is written once

    def put_tree(self, local_dir: Path, prefix: str) -> None:
        """Move every file of ``local_dir`` under ``prefix``, beside what is there (a chunk's files)."""
        for source in sorted(Path(local_dir).rglob("*")):
            if source.is_file():
                self.put_file(f"{prefix}/{source.relative_to(local_dir).as_posix()}", source)

    def put_text(self, key: str, text: str) -> None:
        """Replace ``key`` at once (written aside, then renamed): readers get the old or the new."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
        partial.write_text(text)
        os.replace(partial, target)

    @contextmanager
    def ffmpeg_input(self, key: str) -> Iterator[str]:
        """What ffmpeg reads the object from (a path here; a URL for a remote store)."""
        with self.local_copy(key) as path:
            yield path

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def read_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete_prefix(self, prefix: str) -> None:
        path = self.path(prefix)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    def children(self, prefix: str) -> list[tuple[str, float]]:
        """The names directly under ``prefix`` with when each last changed (epoch seconds)."""
        base = self.path(prefix)
        if not base.is_dir():
            return []
        return sorted((child.name, child.stat().st_mtime) for child in base.iterdir())

    def check(self) -> dict:
        """Write, read and delete a small object: the store works, not only exists."""
        key = f"health/{uuid.uuid4().hex}"
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"ok")
        try:
            if path.read_bytes() != b"ok":
                raise OSError("read back different bytes")
        finally:
            path.unlink(missing_ok=True)
        return {"backend": self.name, "path": str(self.root), "freeBytes": shutil.disk_usage(self.root).free}
