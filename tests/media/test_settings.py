"""Media settings that cannot work are refused when the app starts, saying what to fix."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("env, message", [
    ({"MEDIA_LADDER": "720p:fast"}, "MEDIA_LADDER: '720p:fast' is not HEIGHT:BITRATE"),
    ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND='ftp': use local or s3"),
    ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
    ({"MEDIA_S3_DELIVERY": "carrier-pigeon"}, "MEDIA_S3_DELIVERY='carrier-pigeon': use proxy or redirect"),
])
def test_impossible_media_settings_stop_the_start(test_env, env, message):
    done = subprocess.run([sys.executable, "-c", "from app import create_app; create_app('testing')"], cwd=ROOT,
                          env={**test_env, "PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and message in done.stderr, done.stderr[-800:]
