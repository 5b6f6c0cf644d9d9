"""Crash-safe, versioned files for learner data.

A file written here is either the complete old file or the complete new one, whatever instant the
writing process dies at: the bytes go to a temporary file in the same folder, are flushed and
fsynced, and only then ``os.replace`` moves them over the target (an atomic rename on POSIX and
Windows). The folder is fsynced too, so the rename itself survives a power cut.

File format: what the spec calls learner files, and what the reference library writes and reads:
a cloudpickle of the learner's data, gzip-compressed by default and plain with ``compress=False``,
so ``pickle.load`` (on a plain file) and the reference's ``load`` read them. Damage is detected by
the layers themselves: gzip's length and CRC-32 trailer, and pickle's own structure (a truncated
pickle has no STOP opcode); the learner then checks that the payload has its shape. Files of
adaptive_nb < 0.2 (a header with a SHA-256 before the payload) still load.

Temporary files are hidden siblings of the target named
``.<target name>~<hash>.<host>-<pid>-<random>.adaptive_nb-tmp``. A writer that is SIGKILLed between
creating its temporary file and the rename leaves one behind; the next save to the same target
removes every such leftover whose writer (same host, that pid) is no longer alive, so leftovers
never pile up. ``read_data`` only ever opens the exact path it is given, never a temporary file.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import pickle
import secrets
import socket
import struct
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np

from adaptive_nb.exceptions import LearnerFileError

__all__ = [
    "FORMAT_VERSION",
    "LearnerFileError",
    "read_data",
    "read_npz",
    "write_data",
    "write_npz",
]

MAGIC = b"ADAPTIVE_NB\x00"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">HI")  # format version, header length
_TMP_SUFFIX = ".adaptive_nb-tmp"
_GZIP_MAGIC = b"\x1f\x8b"


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


def encode(data: Any, *, compress: bool) -> bytes:
    """Serialise ``data`` into the bytes of a learner file.

    Parameters
    ----------
    data
        Whatever the learner's ``_get_data`` returns.
    compress
        gzip the pickle.

    Returns
    -------
    bytes
        The complete file contents.
    """
    payload: bytes = cloudpickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    if compress:
        # mtime=0 keeps the bytes reproducible for identical data.
        payload = gzip.compress(payload, compresslevel=6, mtime=0)
    return payload


def _tmp_prefix(path: Path) -> str:
    # Names are capped at 255 bytes on most filesystems: keep a readable head of the target name
    # plus a hash of all of it, so long targets still get short, unambiguous temp names.
    name = path.name
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:10]
    return f".{name[:80]}~{digest}."


def _host_tag() -> str:
    # The host is part of the name because a shared (NFS) folder can be written from several
    # machines, where a pid says nothing about liveness.
    return socket.gethostname().replace(".", "_").replace("-", "_")[:40] or "host"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive but someone else's; anything else: assume alive
        return True
    return True


def _remove_stale_tmp_files(path: Path) -> None:
    """Delete temp files of ``path`` left by writers (on this host) that died mid-save."""
    prefix = _tmp_prefix(path)
    host = _host_tag()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_TMP_SUFFIX)):
            continue
        tag = name[len(prefix) : -len(_TMP_SUFFIX)]  # "<host>-<pid>-<random>"
        parts = tag.split("-")
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        if not _pid_alive(int(parts[1])):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _target(fname: str | os.PathLike[str]) -> Path:
    path = Path(fname).expanduser()
    if path.is_symlink():
        # Write through the link (as editors do): replacing the link itself with a regular file
        # would silently detach it from the file it points to.
        path = Path(os.path.realpath(path))
    return path


def _check_target(path: Path) -> None:
    if path.is_dir():
        msg = (
            f"Cannot save to {str(path)!r}: it is a directory. Pass a file name, "
            f"e.g. {str(path / 'learner.pickle')!r}."
        )
        raise IsADirectoryError(msg)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                msg = (
                    f"Cannot save to {str(path)!r}: {str(parent)!r} is a file, not a folder. "
                    "Choose a path whose parent folders are folders (or do not exist yet)."
                )
                raise NotADirectoryError(msg)
            break


def write_data(fname: str | os.PathLike[str], data: Any, *, compress: bool) -> Path:
    """Write ``data`` to ``fname`` atomically (old file or new file, never a torn one).

    Parameters
    ----------
    fname
        Target path; ``~`` is expanded and missing parent folders are created.
    data
        The learner's data.
    compress
        gzip the pickle.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    IsADirectoryError, NotADirectoryError
        When ``fname`` is a folder, or one of its parents is a file.
    OSError
        When the folder is not writable or the disk is full; the old file is then untouched.
    """
    return _write_atomically(_target(fname), encode(data, compress=compress))


def _write_atomically(path: Path, blob: bytes) -> Path:
    _check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp_files(path)
    try:
        # Keep the permissions of the file being replaced; new files get 0o666 & ~umask like open().
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = None
    base = f"{_tmp_prefix(path)}{_host_tag()}-{os.getpid()}-"
    while True:
        tmp = path.parent / f"{base}{secrets.token_hex(6)}{_TMP_SUFFIX}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue
        except OSError as e:
            # The error would name our hidden temp file; the user knows only their own path.
            msg = f"Cannot save to {str(path)!r}: {e.strerror or e}. The old file is untouched."
            raise type(e)(e.errno, msg) from e
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
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
        The expected learner class name, checked against the header of files written by
        adaptive_nb 0.1; ``None`` accepts any. (Today's files carry no kind: the learner checks
        the data's shape when it digests it.)

    Returns
    -------
    Any
        The learner's data.

    Raises
    ------
    LearnerFileError
        When the file is truncated, corrupt, of an unknown version or for another learner.
    """
    if len(blob) < len(MAGIC) and blob and MAGIC.startswith(blob):
        msg = f"{fname!r} is truncated (only {len(blob)} bytes); it cannot be loaded."
        raise LearnerFileError(msg)
    if not blob.startswith(MAGIC):
        return _decode_pickle(blob, fname=fname)
    # A file of adaptive_nb 0.1: MAGIC | version u16 | header length u32 | JSON header | payload.
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
    if len(blob) < start + header_len:
        msg = (
            f"{fname!r} is truncated inside its header ({len(blob)} bytes); it cannot be "
            "loaded. The learner was not changed."
        )
        raise LearnerFileError(msg)
    try:
        header = json.loads(blob[start : start + header_len])
        expected_len = int(header["payload_bytes"])
        digest = str(header["sha256"])
        compressed = bool(header["compressed"])
    except (ValueError, KeyError, TypeError) as e:
        msg = f"{fname!r} has a damaged header; it cannot be loaded. The learner was not changed."
        raise LearnerFileError(msg) from e
    if version < 1:
        msg = f"{fname!r} has an invalid format version {version}; it cannot be loaded."
        raise LearnerFileError(msg)
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
            f"{stored_kind} (or check the file name). The learner was not changed."
        )
        raise LearnerFileError(msg)
    try:
        if compressed:
            payload = gzip.decompress(payload)
        return cloudpickle.loads(payload)
    except Exception as e:
        # The bytes are intact (checksum), so this is the environment: typically a module or
        # class the data refers to cannot be imported here.
        msg = (
            f"{fname!r} is intact but its data cannot be unpickled here "
            f"({type(e).__name__}: {e}). Import or install what it refers to and retry."
        )
        raise LearnerFileError(msg) from e


def _decode_pickle(blob: bytes, *, fname: str) -> Any:
    # The format written today and by the reference library: a bare (optionally gzipped)
    # cloudpickle. Unpickling garbage can raise almost anything (KeyError, IndexError,
    # UnicodeDecodeError, ...), so every Exception is reported as an unreadable file.
    if not blob:
        msg = f"{fname!r} is empty (a save was interrupted?); it cannot be loaded."
        raise LearnerFileError(msg)
    try:
        if blob.startswith(_GZIP_MAGIC):
            blob = gzip.decompress(blob)
        return cloudpickle.loads(blob)
    except Exception as e:
        msg = (
            f"{fname!r} is not a learner file, or it is truncated or corrupt "
            f"({type(e).__name__}: {e}). The learner was not changed."
        )
        raise LearnerFileError(msg) from e


def read_data(fname: str | os.PathLike[str], *, kind: str | None = None) -> Any:
    """Read learner data written by :func:`write_data` (or by the reference library).

    Parameters
    ----------
    fname
        The file to read; ``~`` is expanded.
    kind
        As for :func:`decode`.

    Returns
    -------
    Any
        The learner's data.

    Raises
    ------
    FileNotFoundError
        When the file does not exist (callers that resume treat this as "nothing saved yet").
    IsADirectoryError, NotADirectoryError
        When ``fname`` is a folder, or one of its parents is a file.
    LearnerFileError
        When the file is truncated, corrupt or for another kind of learner.
    """
    path = Path(fname).expanduser()
    if path.is_dir():
        msg = f"Cannot load {str(path)!r}: it is a directory, not a file saved by a learner."
        raise IsADirectoryError(msg)
    try:
        blob = path.read_bytes()
    except NotADirectoryError:
        _check_target(path)  # raises with a message that names the culprit
        raise
    return decode(blob, fname=str(path), kind=kind)


NPZ_FORMAT = "adaptive_nb-npz-1"


def write_npz(
    fname: str | os.PathLike[str],
    points: np.ndarray[Any, Any],
    values: np.ndarray[Any, Any],
    settings: dict[str, Any],
) -> Path:
    """Write numeric learner data as a NumPy ``.npz`` that loads without pickle, atomically.

    Parameters
    ----------
    fname
        Target path (no suffix is added); parent folders are created.
    points, values
        Numeric arrays with one row per point.
    settings
        JSON-serialisable description of the learner (its class, bounds, ...).

    Returns
    -------
    Path
        The path written.
    """
    header = json.dumps({"format": NPZ_FORMAT, **settings}, sort_keys=True)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        points=np.asarray(points, dtype=float),
        values=np.asarray(values, dtype=float),
        settings=np.array(header),
    )
    return _write_atomically(_target(fname), buffer.getvalue())


def read_npz(
    fname: str | os.PathLike[str],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], dict[str, Any]]:
    """Read a file written by :func:`write_npz`; never unpickles anything.

    Parameters
    ----------
    fname
        The file to read.

    Returns
    -------
    points, values, settings
        As given to :func:`write_npz`.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    LearnerFileError
        When it is not such a file, or is truncated or corrupt.
    """
    path = Path(fname).expanduser()
    try:
        # Our own handle: np.load leaks the one it opens when the zip directory is damaged.
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as npz:
            points, values, header = npz["points"], npz["values"], str(npz["settings"])
        settings = json.loads(header)
    except FileNotFoundError:
        raise
    except Exception as e:  # zipfile, zlib, KeyError, ValueError (object arrays), JSON ...
        msg = (
            f"{str(path)!r} is not an adaptive_nb .npz file, or it is truncated or corrupt "
            f"({type(e).__name__}: {e}). The learner was not changed."
        )
        raise LearnerFileError(msg) from e
    if not isinstance(settings, dict) or settings.pop("format", None) != NPZ_FORMAT:
        msg = f"{str(path)!r} is a .npz file but not one written by learner.save(format='npz')."
        raise LearnerFileError(msg)
    if len(points) != len(values):
        msg = f"{str(path)!r} is damaged: {len(points)} points but {len(values)} values."
        raise LearnerFileError(msg)
    return points, values, settings
