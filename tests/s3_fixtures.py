"""An S3-compatible server for the storage tests: moto's standalone server, started once
per session on a free port of 127.0.0.1, and a fresh bucket for every test that asks.

A test takes `s3_bucket` (or runs with `storage_backend="s3"`, see conftest) and gets the
settings STORAGE_URL=s3://<bucket>/evidence, S3_ENDPOINT_URL, S3_REGION, with dummy
credentials in the environment; nothing ever reaches a real AWS account.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from inspect_app.storage import S3Storage, get_storage

S3_PREFIX = "evidence"
REGION = "us-east-1"
#: how long moto may take to start on a busy machine before the session gives up.
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _moto_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("moto_server")
    if script.exists():
        return [str(script), "-H", "127.0.0.1", "-p", str(port)]
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory):
    """The URL of a moto server running for the whole session; stopped at the end."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            _moto_command(port), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url + "/moto-api/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto_server did not start: {log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing"
    ).client("s3", endpoint_url=endpoint, region_name=REGION)


@dataclass
class Bucket:
    name: str
    client: Any
    config: dict

    def object_keys(self) -> list[str]:
        """Every object key in the bucket, sorted."""
        found: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name):
            found.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(found)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def make_s3_bucket(moto_endpoint, monkeypatch):
    """Make new, empty buckets (with the settings that point an app at one); dummy
    credentials in the environment. The buckets are emptied and removed afterwards."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    client = s3_client(moto_endpoint)
    made: list[Bucket] = []

    def _make() -> Bucket:
        name = f"test-{uuid.uuid4().hex}"
        client.create_bucket(Bucket=name)
        config = {
            "STORAGE_URL": f"s3://{name}/{S3_PREFIX}",
            "S3_ENDPOINT_URL": moto_endpoint,
            "S3_REGION": REGION,
        }
        made.append(Bucket(name, client, config))
        return made[-1]

    yield _make
    for bucket in made:
        for key in bucket.object_keys():
            client.delete_object(Bucket=bucket.name, Key=key)
        client.delete_bucket(Bucket=bucket.name)


@pytest.fixture
def s3_bucket(make_s3_bucket) -> Bucket:
    """A new, empty bucket for this test (the one an `s3` storage_backend app uses)."""
    return make_s3_bucket()


def stored_ids_of(storage) -> list[str]:
    """The ids of every blob the storage holds (a listing, for the tests only)."""
    if isinstance(storage, S3Storage):
        start = f"{storage.prefix}/" if storage.prefix else ""
        pages = storage.client.get_paginator("list_objects_v2").paginate(
            Bucket=storage.bucket, Prefix=start
        )
        return sorted(item["Key"][len(start) :] for p in pages for item in p.get("Contents", []))
    root = Path(storage.root)
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return sorted(p.relative_to(root).as_posix() for p in files)


@pytest.fixture
def stored_ids(app):
    """A function listing every blob of the app's configured storage, folder or bucket."""

    def _ids() -> list[str]:
        with app.app_context():
            return stored_ids_of(get_storage())

    return _ids
