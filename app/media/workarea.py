"""The local work area of a process: scratch folders of transcodes and uploads being checked.

Both storage back ends work here first (ffmpeg and the prober need files on a disk), then the
store takes the result. With local storage the area lies inside the store's root
(``STORAGE_DIR/work``), so taking a file is one rename.
"""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from app.media.storage import check_key


class WorkArea:
    def __init__(self, root: str) -> None:
        self.root = Path(root).resolve()

    def scratch_dir(self, label: str) -> Path:
        """A new empty folder ``<label>-<random>``."""
        path = self.root / f"{check_key(label)}-{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True)
        return path

    def children(self) -> list[tuple[str, float]]:
        """Each entry with the newest change inside it: a folder still being written is young."""
        if not self.root.is_dir():
            return []
        return sorted((child.name, _newest(child)) for child in self.root.iterdir())

    def remove(self, name: str) -> None:
        path = self.root / check_key(name)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    def free_bytes(self) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(self.root).free


def _newest(path: Path) -> float:
    newest = path.stat().st_mtime
    if path.is_dir():
        for inner in path.rglob("*"):
            try:
                newest = max(newest, inner.stat().st_mtime)
            except FileNotFoundError:
                continue
    return newest
