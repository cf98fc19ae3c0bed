"""What a streamer keeps on disk so a restart resumes its streams: beside each stream's files,
which files it wants (``.marquee-stream.json``) and libtorrent's resume data (``.marquee-resume``:
the pieces it has, so nothing is checked or fetched again). The metadata itself stays in the
database. No Flask here."""
from __future__ import annotations

import json
import os
from pathlib import Path

import libtorrent as lt

STATE = ".marquee-stream.json"
RESUME = ".marquee-resume"
HASH_LENGTH = 40


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


def write_state(directory: Path, wanted: set[int]) -> None:
    _write(directory / STATE, json.dumps({"wanted": sorted(wanted)}).encode())


def write_resume(directory: Path, params: lt.add_torrent_params) -> None:
    if directory.is_dir():
        _write(directory / RESUME, bytes(lt.write_resume_data_buf(params)))


def saved(root: Path) -> list[tuple[str, Path, set[int]]]:
    """Every stream directory under ``root`` that says what it wants: (info-hash, dir, files)."""
    found = []
    for directory in sorted(root.iterdir()) if root.is_dir() else []:
        name = directory.name
        if len(name) != HASH_LENGTH or any(c not in "0123456789abcdef" for c in name) or not directory.is_dir():
            continue
        try:
            wanted = {int(i) for i in json.loads((directory / STATE).read_text())["wanted"]}
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((name, directory, wanted))
    return found


def resume_params(directory: Path) -> lt.add_torrent_params | None:
    """libtorrent's own record of the stream, or None when there is none or it is unreadable."""
    try:
        return lt.read_resume_data((directory / RESUME).read_bytes())
    except (OSError, RuntimeError, ValueError):
        return None
