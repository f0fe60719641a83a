"""One behaviour suite for both storage backends: a local directory and S3 (in moto)."""

import os
import stat
import threading

import boto3
import pytest
from moto import mock_aws

from portal import storage as storage_module
from portal.storage import (
    InvalidKey,
    LocalStorage,
    S3Storage,
    Storage,
    new_key,
    storage_from_settings,
)

BUCKET = "lmia-evidence-test"


@pytest.fixture
def aws_env(monkeypatch):
    """Fake credentials so boto3 never looks for (or uses) real ones."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


@pytest.fixture
def s3_client(aws_env):
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        yield LocalStorage(tmp_path / "store")
    else:
        client = request.getfixturevalue("s3_client")
        yield S3Storage(client, BUCKET, prefix="evidence/")


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(store, key) -> bytes:
    with store.open(key) as stream:
        return stream.read()


def test_both_backends_satisfy_the_protocol(store):
    assert isinstance(store, Storage)


def test_save_and_open_round_trip_is_byte_identical(store, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17) + bytes(range(256))
    key = new_key()
    store.save(key, write(tmp_path, "source.bin", data))
    assert read(store, key) == data


def test_empty_file_round_trips(store, tmp_path):
    key = new_key()
    store.save(key, write(tmp_path, "empty", b""))
    assert store.exists(key)
    assert read(store, key) == b""


def test_open_returns_a_readable_seekable_binary_stream(store, tmp_path):
    key = new_key()
    store.save(key, write(tmp_path, "s", b"%PDF-1.7 hello"))
    with store.open(key) as stream:
        assert stream.read(4) == b"%PDF"
        stream.seek(0)
        assert stream.read() == b"%PDF-1.7 hello"


def test_save_to_an_existing_key_replaces_the_object(store, tmp_path):
    key = new_key()
    store.save(key, write(tmp_path, "v1", b"version one " * 1000))
    store.save(key, write(tmp_path, "v2", b"v2"))
    assert read(store, key) == b"v2"
    assert list(store.keys()) == [key]


def test_delete_removes_and_tolerates_missing(store, tmp_path):
    key = new_key()
    store.save(key, write(tmp_path, "d", b"data"))
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # no error the second time
    store.delete(new_key())  # nor for a key that never existed


def test_exists(store, tmp_path):
    key = new_key()
    assert not store.exists(key)
    store.save(key, write(tmp_path, "e", b"x"))
    assert store.exists(key)


def test_keys_lists_every_stored_key(store, tmp_path):
    assert list(store.keys()) == []
    source = write(tmp_path, "k", b"k")
    saved = {new_key() for _ in range(25)} | {"aa000000", "ab-cd-ef-01"}
    for key in saved:
        store.save(key, source)
    assert set(store.keys()) == saved
    assert len(list(store.keys())) == len(saved)


def test_missing_key_raises_key_error(store):
    with pytest.raises(KeyError):
        store.open(new_key())


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "ab/../../../x",
        "abcdefgh/ijk",
        "..",
        "../abcdefgh",
        "ABCDEF012345",
        "abcdefgH",
        "short",
        "a" * 101,
        "abcdefgh\x00",
        "abcdefgh.txt",
        "/abs/olute/path",
        "",
    ],
)
def test_invalid_keys_are_refused_everywhere(store, tmp_path, key):
    source = write(tmp_path, "src", b"x")
    with pytest.raises(InvalidKey):
        store.save(key, source)
    with pytest.raises(InvalidKey):
        store.open(key)
    with pytest.raises(InvalidKey):
        store.exists(key)
    with pytest.raises(InvalidKey):
        store.delete(key)
    assert list(store.keys()) == []


def test_new_key_is_random_hex_and_valid():
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        assert len(key) == 32
        assert storage_module.check_key(key) == key
        assert int(key, 16) >= 0


# --- LocalStorage specifics --------------------------------------------------------------


def test_local_layout_is_root_prefix_key(tmp_path):
    store = LocalStorage(tmp_path / "root")
    key = "0123456789abcdef"
    store.save(key, write(tmp_path, "f", b"data"))
    assert (tmp_path / "root" / "01" / key).read_bytes() == b"data"


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_local_save_leaves_no_temp_file(tmp_path):
    store = LocalStorage(tmp_path / "root")
    key = new_key()
    store.save(key, write(tmp_path, "f", b"data"))
    store.save(key, write(tmp_path, "g", b"more"))
    assert files_under(tmp_path / "root") == [f"{key[:2]}/{key}"]
    assert store.temp_files() == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_local_failed_save_from_unreadable_source_leaves_nothing(tmp_path):
    store = LocalStorage(tmp_path / "root")
    source = write(tmp_path, "secret", b"data")
    source.chmod(0)
    key = new_key()
    try:
        with pytest.raises(PermissionError):
            store.save(key, source)
    finally:
        source.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert files_under(tmp_path / "root") == []
    assert not store.exists(key)


def test_local_failed_save_from_a_directory_source_leaves_nothing(tmp_path):
    store = LocalStorage(tmp_path / "root")
    (tmp_path / "a-directory").mkdir()
    with pytest.raises(IsADirectoryError):
        store.save(new_key(), tmp_path / "a-directory")
    assert files_under(tmp_path / "root") == []


def test_local_failure_mid_copy_leaves_nothing(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path / "root")

    def half_copy(src, dst, length=0):
        dst.write(src.read(10))
        raise OSError("read error halfway")

    monkeypatch.setattr(storage_module.shutil, "copyfileobj", half_copy)
    key = new_key()
    with pytest.raises(OSError, match="halfway"):
        store.save(key, write(tmp_path, "f", b"x" * 100))
    assert not store.exists(key)
    assert files_under(tmp_path / "root") == []


def test_local_failed_save_from_missing_source_leaves_nothing(tmp_path):
    store = LocalStorage(tmp_path / "root")
    with pytest.raises(FileNotFoundError):
        store.save(new_key(), tmp_path / "nope")
    assert files_under(tmp_path / "root") == []


def test_local_failed_replace_keeps_the_old_object_and_no_temp(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path / "root")
    key = new_key()
    store.save(key, write(tmp_path, "old", b"old contents"))

    def broken_replace(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(storage_module.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        store.save(key, write(tmp_path, "new", b"new contents"))
    monkeypatch.undo()
    assert read(store, key) == b"old contents"
    assert files_under(tmp_path / "root") == [f"{key[:2]}/{key}"]


def test_local_failed_fsync_leaves_no_temp(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path / "root")

    def broken_fsync(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(storage_module.os, "fsync", broken_fsync)
    key = new_key()
    with pytest.raises(OSError, match="I/O error"):
        store.save(key, write(tmp_path, "f", b"data"))
    monkeypatch.undo()
    assert not store.exists(key)
    assert files_under(tmp_path / "root") == []


def test_local_readers_never_see_a_half_written_object(tmp_path):
    """A reader looping during repeated overwrites sees only one complete version or another."""
    store = LocalStorage(tmp_path / "root")
    key = new_key()
    versions = [bytes([n]) * (2 * 1024 * 1024) for n in range(1, 6)]
    sources = [write(tmp_path, f"v{n}", data) for n, data in enumerate(versions)]
    store.save(key, sources[0])
    stop = threading.Event()
    seen, torn = set(), []

    def reader():
        while not stop.is_set():
            data = read(store, key)
            if data in versions:
                seen.add(data[0])
            else:
                torn.append(len(data))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(4):
            for source in sources:
                store.save(key, source)
    finally:
        stop.set()
        thread.join()
    assert torn == []
    assert seen


def test_local_keys_ignore_temp_and_foreign_files(tmp_path):
    root = tmp_path / "root"
    store = LocalStorage(root)
    key = "abcdef0123"
    store.save(key, write(tmp_path, "f", b"x"))
    (root / "ab" / ".tmp-123.part").write_bytes(b"half")
    (root / "ab" / "ABCDEFGHIJ").write_bytes(b"x")
    (root / "zz").mkdir()
    (root / "zz" / "abcdefghij").write_bytes(b"wrong shard")
    (root / "README").write_text("not a shard")
    assert list(store.keys()) == [key]
    assert store.temp_files() == [root / "ab" / ".tmp-123.part"]


def test_local_remove_stale_temp_files(tmp_path):
    root = tmp_path / "root"
    store = LocalStorage(root)
    (root / "ab").mkdir()
    old = root / "ab" / ".tmp-old.part"
    fresh = root / "ab" / ".tmp-fresh.part"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(old, (1, 1))
    assert store.remove_stale_temp_files(older_than_seconds=3600) == 1
    assert store.temp_files() == [fresh]


# --- S3 specifics ------------------------------------------------------------------------


def test_s3_objects_live_under_the_prefix(s3_client, tmp_path):
    store = S3Storage(s3_client, BUCKET, prefix="tenant-files")
    key = new_key()
    store.save(key, write(tmp_path, "f", b"data"))
    names = [o["Key"] for o in s3_client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert names == [f"tenant-files/{key}"]


def test_s3_keys_ignore_other_prefixes_and_paginate(s3_client, tmp_path):
    store = S3Storage(s3_client, BUCKET, prefix="evidence/")
    s3_client.put_object(Bucket=BUCKET, Key="other/abcdefgh", Body=b"x")
    s3_client.put_object(Bucket=BUCKET, Key="evidence/nested/abcdefgh", Body=b"x")
    source = write(tmp_path, "f", b"x")
    saved = {new_key() for _ in range(1005)}  # more than one list_objects_v2 page
    for key in saved:
        store.save(key, source)
    assert set(store.keys()) == saved


def test_s3_errors_other_than_missing_are_not_swallowed(s3_client):
    store = S3Storage(s3_client, "no-such-bucket-here")
    with pytest.raises(Exception) as info:
        store.open(new_key())
    assert not isinstance(info.value, KeyError)


# --- storage_from_settings ---------------------------------------------------------------


def test_settings_default_to_local(tmp_path):
    store = storage_from_settings({"STORAGE_DIR": str(tmp_path / "files")})
    assert isinstance(store, LocalStorage)
    assert store.root == tmp_path / "files"
    store = storage_from_settings({"STORAGE_BACKEND": "local", "STORAGE_DIR": tmp_path})
    assert isinstance(store, LocalStorage)


def test_settings_pick_s3(s3_client, tmp_path):
    store = storage_from_settings(
        {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": BUCKET,
            "S3_PREFIX": "evidence/",
            "S3_REGION": "us-east-1",
        }
    )
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix) == (BUCKET, "evidence/")
    key = new_key()
    store.save(key, write(tmp_path, "f", b"through settings"))
    assert read(store, key) == b"through settings"


def test_settings_pass_the_endpoint_url(aws_env):
    store = storage_from_settings(
        {"STORAGE_BACKEND": "S3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": "http://minio:9000"}
    )
    assert store.client.meta.endpoint_url == "http://minio:9000"
    assert store.prefix == ""


@pytest.mark.parametrize(
    "settings",
    [{}, {"STORAGE_BACKEND": "s3"}, {"STORAGE_BACKEND": "ftp", "STORAGE_DIR": "/tmp/x"}],
)
def test_settings_refuse_incomplete_or_unknown(settings):
    with pytest.raises(ValueError):
        storage_from_settings(settings)
