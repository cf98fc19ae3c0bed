"""Storage on any S3-compatible service (AWS S3, MinIO, R2, ...) through boto3.

Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a
profile, an instance role). Keys are those of the local back end under an optional prefix.
A published version is uploaded file by file under a prefix nobody points at yet; the asset's
pointer moves afterwards in one commit, so players still never see half a ladder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from app.media.storage import check_key

UPLOAD_THREADS = 8


@dataclass(frozen=True)
class ObjectAnswer:
    """What S3 answered for a GET or HEAD of an object, to pass on to the client."""

    status: int
    headers: dict
    body: Iterator[bytes] | None


class S3Storage:
    name = "s3"

    def __init__(self, bucket: str, region: str | None, endpoint_url: str | None, key_prefix: str, work_dir: str,
                 timeout: float = 10.0) -> None:
        self.bucket = bucket
        self.key_prefix = key_prefix.strip("/") + "/" if key_prefix.strip("/") else ""
        self.work_dir = Path(work_dir)
        self.client = boto3.client("s3", region_name=region or None, endpoint_url=endpoint_url or None,
                                   config=Config(connect_timeout=timeout, read_timeout=max(timeout, 60),
                                                 retries={"max_attempts": 3, "mode": "standard"},
                                                 s3={"addressing_style": "path"} if endpoint_url else None))

    def _key(self, key: str) -> str:
        return self.key_prefix + check_key(key)

    # ---- writing ------------------------------------------------------------------------------

    def put_file(self, key: str, local_path: Path) -> None:
        """Upload a local file (multipart when large); the local file is removed."""
        self.client.upload_file(str(local_path), self.bucket, self._key(key))
        Path(local_path).unlink(missing_ok=True)

    def publish(self, local_dir: Path, prefix: str) -> None:
        files = [p for p in Path(local_dir).rglob("*") if p.is_file()]
        with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
            list(pool.map(lambda p: self.client.upload_file(
                str(p), self.bucket, self._key(f"{prefix}/{p.relative_to(local_dir).as_posix()}"),
                ExtraArgs={"ContentType": _content_type(p.name)}), files))
        shutil.rmtree(local_dir, ignore_errors=True)

    def put_tree(self, local_dir: Path, prefix: str) -> None:
        self.publish(local_dir, prefix)  # objects are independent: the same upload

    def put_text(self, key: str, text: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=text.encode(),
                               ContentType=_content_type(key))

    @contextmanager
    def ffmpeg_input(self, key: str) -> Iterator[str]:
        """A presigned URL: ffmpeg reads only the byte ranges a chunk needs, not the whole source."""
        yield self.presigned(key, "GET", 12 * 3600)

    def delete_prefix(self, prefix: str) -> None:
        keys = [item["Key"] for item in self._objects(prefix)]
        exact = self._key(prefix)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": k} for k in keys[start:start + 1000] if k == exact or k.startswith(exact + "/")]
            if batch:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    # ---- reading ------------------------------------------------------------------------------

    @contextmanager
    def local_copy(self, key: str) -> Iterator[str]:
        """Download the object into the work area for ffmpeg or the prober; removed afterwards."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        handle, path = tempfile.mkstemp(dir=self.work_dir, prefix="fetch-")
        os.close(handle)
        try:
            try:
                self.client.download_file(self.bucket, self._key(key), path)
            except ClientError as exc:
                if _status(exc) == 404:
                    raise FileNotFoundError(key) from None
                raise
            yield path
        finally:
            os.unlink(path)

    def read_bytes(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except ClientError as exc:
            if _status(exc) == 404:
                raise FileNotFoundError(key) from None
            raise

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if _status(exc) == 404:
                return False
            raise

    def answer(self, key: str, method: str, headers: dict) -> ObjectAnswer:
        """GET or HEAD an object with the client's Range and validators, for the app to relay."""
        args = {"Bucket": self.bucket, "Key": self._key(key)}
        for header, arg in (("Range", "Range"), ("If-None-Match", "IfNoneMatch"),
                            ("If-Modified-Since", "IfModifiedSince")):
            if headers.get(header):
                args[arg] = headers[header]
        try:
            found = (self.client.head_object if method == "HEAD" else self.client.get_object)(**args)
        except ClientError as exc:
            status = _status(exc)
            if status == 304:
                return ObjectAnswer(304, {}, None)
            if status in (404, 403) and not self.exists(key):
                raise FileNotFoundError(key) from None
            if status == 416 or exc.response.get("Error", {}).get("Code") == "InvalidRange":
                size = self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]
                return ObjectAnswer(416, {"Content-Range": f"bytes */{size}"}, None)
            raise
        meta = found["ResponseMetadata"]["HTTPHeaders"]
        relayed = {"Content-Length": str(found["ContentLength"]), "Accept-Ranges": "bytes",
                   "ETag": found.get("ETag", ""), "Last-Modified": meta.get("last-modified", "")}
        if found.get("ContentRange"):
            relayed["Content-Range"] = found["ContentRange"]
        status = 206 if found.get("ContentRange") else 200
        body = None if method == "HEAD" else found["Body"].iter_chunks(64 * 1024)
        return ObjectAnswer(status, {k: v for k, v in relayed.items() if v}, body)

    def presigned(self, key: str, method: str, expires_in: int) -> str:
        operation = "head_object" if method == "HEAD" else "get_object"
        return self.client.generate_presigned_url(operation, Params={"Bucket": self.bucket, "Key": self._key(key)},
                                                  ExpiresIn=max(1, expires_in))

    # ---- listing and health -------------------------------------------------------------------

    def _objects(self, prefix: str):
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            yield from page.get("Contents", [])

    def children(self, prefix: str) -> list[tuple[str, float]]:
        """The names directly under ``prefix``, each with its newest object's time."""
        base = self._key(prefix) + "/"
        newest: dict[str, float] = {}
        for item in self._objects(prefix):
            rest = item["Key"][len(base):] if item["Key"].startswith(base) else None
            if rest:
                name = rest.split("/", 1)[0]
                newest[name] = max(newest.get(name, 0.0), item["LastModified"].timestamp())
        return sorted(newest.items())

    def check(self) -> dict:
        key = f"health/{uuid.uuid4().hex}"
        started = time.monotonic()
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=b"ok")
        try:
            if self.read_bytes(key) != b"ok":
                raise OSError("read back different bytes")
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        return {"backend": self.name, "bucket": self.bucket, "ms": round((time.monotonic() - started) * 1000, 1)}


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def _content_type(name: str) -> str:
    for suffix, kind in ((".m3u8", "application/vnd.apple.mpegurl"), (".ts", "video/mp2t"), (".vtt", "text/vtt"),
                         (".jpg", "image/jpeg"), (".m4s", "video/iso.segment"), (".mp4", "video/mp4")):
        if name.endswith(suffix):
            return kind
    return "application/octet-stream"
