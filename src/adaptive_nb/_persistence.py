"""Crash-safe, versioned files for learner data.

A file written here is either the complete old file or the complete new one, whatever instant the
writing process dies at: the bytes go to a temporary file in the same folder, are flushed and
fsynced, and only then ``os.replace`` moves them over the target (an atomic rename on POSIX and
Windows). The folder is fsynced too, so the rename itself survives a power cut.

File layout (format version 1)::

    MAGIC (12 bytes) | version: u16 | header length: u32 | header (JSON, utf-8) | payload

The header records the learner class, whether the payload is gzip-compressed, the payload length
and its SHA-256, so a truncated or corrupt file is recognised instead of being silently ignored.
Files written by the reference library (plain or gzipped cloudpickle, no header) still load.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import pickle
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

import cloudpickle

__all__ = ["FORMAT_VERSION", "LearnerFileError", "read_data", "write_data"]

MAGIC = b"ADAPTIVE_NB\x00"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">HI")  # format version, header length
_TMP_PREFIX = ".adaptive_nb-tmp-"
_GZIP_MAGIC = b"\x1f\x8b"


class LearnerFileError(ValueError):
    """A learner file exists but cannot be loaded (truncated, corrupt, or for another learner).

    The learner that tried to load it is left unchanged.
    """


def _fsync_dir(folder: Path) -> None:
    # Without this, a power cut after os.replace can still lose the rename on some filesystems.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows, where directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def encode(data: Any, *, kind: str, compress: bool) -> bytes:
    """Serialise ``data`` into the bytes of a versioned learner file.

    Parameters
    ----------
    data
        Whatever the learner's ``_get_data`` returns.
    kind
        The learner's class name, checked again on load.
    compress
        gzip the payload.

    Returns
    -------
    bytes
        The complete file contents.
    """
    payload: bytes = cloudpickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    if compress:
        # mtime=0 keeps the bytes reproducible for identical data.
        payload = gzip.compress(payload, compresslevel=6, mtime=0)
    header = json.dumps(
        {
            "learner": kind,
            "compressed": compress,
            "payload_bytes": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        },
        sort_keys=True,
    ).encode()
    return MAGIC + _PREFIX.pack(FORMAT_VERSION, len(header)) + header + payload


def write_data(fname: str | os.PathLike[str], data: Any, *, kind: str, compress: bool) -> Path:
    """Write ``data`` to ``fname`` atomically (old file or new file, never a torn one).

    Parameters
    ----------
    fname
        Target path; ``~`` is expanded and missing parent folders are created.
    data
        The learner's data.
    kind
        The learner's class name, stored in the header.
    compress
        gzip the payload.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(fname).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = encode(data, kind=kind, compress=compress)
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        # Includes KeyboardInterrupt: never leave temp files behind on the way out.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return path


def decode(blob: bytes, *, fname: str, kind: str | None) -> Any:
    """Turn the bytes of a learner file back into data, checking every layer.

    Parameters
    ----------
    blob
        The file contents.
    fname
        Used in error messages.
    kind
        The expected learner class name, or ``None`` to accept any.

    Returns
    -------
    Any
        The learner's data.

    Raises
    ------
    LearnerFileError
        When the file is truncated, corrupt, of an unknown version or for another learner.
    """
    if not blob.startswith(MAGIC):
        return _decode_legacy(blob, fname=fname)
    start = len(MAGIC) + _PREFIX.size
    if len(blob) < start:
        msg = f"{fname!r} is truncated (only {len(blob)} bytes); it cannot be loaded."
        raise LearnerFileError(msg)
    version, header_len = _PREFIX.unpack_from(blob, len(MAGIC))
    if version > FORMAT_VERSION:
        msg = (
            f"{fname!r} uses file format version {version}, but this adaptive_nb reads up to "
            f"version {FORMAT_VERSION}. Upgrade adaptive_nb to load it."
        )
        raise LearnerFileError(msg)
    try:
        header = json.loads(blob[start : start + header_len])
        expected_len = int(header["payload_bytes"])
        digest = str(header["sha256"])
    except (ValueError, KeyError, TypeError) as e:
        msg = f"{fname!r} has a damaged header; it cannot be loaded."
        raise LearnerFileError(msg) from e
    payload = blob[start + header_len :]
    if len(payload) != expected_len:
        msg = (
            f"{fname!r} is truncated or was cut short while being copied: expected "
            f"{expected_len} bytes of data, found {len(payload)}. The learner was not changed."
        )
        raise LearnerFileError(msg)
    if hashlib.sha256(payload).hexdigest() != digest:
        msg = f"{fname!r} is corrupt (checksum mismatch). The learner was not changed."
        raise LearnerFileError(msg)
    stored_kind = header.get("learner")
    if kind is not None and stored_kind != kind:
        msg = (
            f"{fname!r} holds data of a {stored_kind}, not of a {kind}. Load it into a "
            f"{stored_kind} (or check the file name)."
        )
        raise LearnerFileError(msg)
    if header.get("compressed"):
        payload = gzip.decompress(payload)
    return cloudpickle.loads(payload)


def _decode_legacy(blob: bytes, *, fname: str) -> Any:
    # Files written by the reference library: a bare (optionally gzipped) cloudpickle.
    try:
        if blob.startswith(_GZIP_MAGIC):
            blob = gzip.decompress(blob)
        return cloudpickle.loads(blob)
    except (EOFError, OSError, pickle.UnpicklingError, zlib.error, ValueError) as e:
        msg = (
            f"{fname!r} is not a learner file, or it is truncated or corrupt ({e}). "
            "The learner was not changed."
        )
        raise LearnerFileError(msg) from e


def read_data(fname: str | os.PathLike[str], *, kind: str | None = None) -> Any:
    """Read learner data written by :func:`write_data` (or by the reference library).

    Parameters
    ----------
    fname
        The file to read; ``~`` is expanded.
    kind
        The expected learner class name, or ``None`` to accept any.

    Returns
    -------
    Any
        The learner's data.

    Raises
    ------
    FileNotFoundError
        When the file does not exist (callers that resume treat this as "nothing saved yet").
    LearnerFileError
        When the file is truncated, corrupt or for another kind of learner.
    """
    path = Path(fname).expanduser()
    blob = path.read_bytes()
    return decode(blob, fname=str(path), kind=kind)
