"""Crash-safe learner files: atomic writes, clear errors, legacy files, no stray temp files."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import random
import signal
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import adaptive  # the reference library: legacy files
import pytest

from adaptive_nb import Learner1D as Learner
from adaptive_nb import LearnerFileError
from adaptive_nb._persistence import (
    _TMP_SUFFIX,
    FORMAT_VERSION,
    MAGIC,
    _host_tag,
    _tmp_prefix,
    read_data,
    write_data,
)

ROOT = Path(__file__).resolve().parents[1]

BOUNDS = (-1.0, 1.0)


def square(x: float) -> float:
    return x * x


def filled(npoints: int = 50, f=square) -> Learner:
    learner = Learner(f, BOUNDS)
    xs = [-1 + 2 * i / (npoints - 1) for i in range(npoints)]
    learner.tell_many(xs, [f(x) for x in xs])
    return learner


def snapshot(learner: Learner):
    return dict(learner.data), set(learner.pending_points), learner.loss()


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(_TMP_SUFFIX)]


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False])
def test_round_trip(tmp_path: Path, compress: bool) -> None:
    learner = filled()
    fname = tmp_path / "sub" / "dir" / "learner.p"  # parent folders are created
    learner.save(fname, compress=compress)
    loaded = Learner(square, BOUNDS)
    loaded.load(fname, compress=not compress)  # compression is detected from the file
    assert loaded.data == learner.data
    assert temp_files(fname.parent) == []
    # The spec's files: a gzip-compressed pickle, or a plain one that pickle.load reads.
    raw = fname.read_bytes()
    assert raw.startswith(b"\x1f\x8b") == compress
    with (gzip.open if compress else open)(fname, "rb") as f:
        assert pickle.load(f) == learner.data


def test_copy_from_and_str_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    learner = filled()
    learner.save("relative.p")
    other = Learner(square, BOUNDS)
    other.load("relative.p")
    third = Learner(square, BOUNDS)
    third.copy_from(other)
    assert third.data == learner.data
    with pytest.raises(TypeError, match="copy_from expects a learner"):
        third.copy_from({1: 2})  # type: ignore[arg-type]


def test_lambdas_and_closures_survive(tmp_path: Path) -> None:
    scale = 3.0
    closure = lambda x: scale * x  # noqa: E731
    data = {"f": closure, "g": lambda x: x + 1, "n": 5}
    write_data(tmp_path / "f.p", data, compress=True)
    back = read_data(tmp_path / "f.p")
    assert back["f"](2.0) == 6.0
    assert back["g"](1) == 2
    learner = Learner(closure, BOUNDS)  # and a learner holding one pickles with plain pickle
    learner.tell(0.5, 1.5)
    copy = pickle.loads(pickle.dumps(learner))
    assert copy.function(2.0) == 6.0
    assert copy.data == {0.5: 1.5}


def test_missing_file_is_a_no_op(tmp_path: Path) -> None:
    learner = filled(10)
    before = snapshot(learner)
    learner.load(tmp_path / "never_saved.p")
    assert snapshot(learner) == before


def test_permissions_follow_umask_and_existing_file(tmp_path: Path) -> None:
    fname = tmp_path / "perm.p"
    old = os.umask(0o022)
    try:
        filled(5).save(fname)
        assert fname.stat().st_mode & 0o777 == 0o644  # like open(), not mkstemp's 0o600
        fname.chmod(0o640)
        filled(6).save(fname)
        assert fname.stat().st_mode & 0o777 == 0o640  # replacing keeps the file's mode
    finally:
        os.umask(old)


# -- damaged files -----------------------------------------------------------------------------


def _saved(tmp_path: Path, name: str = "good.p") -> tuple[Path, bytes]:
    fname = tmp_path / name
    filled(200).save(fname)
    return fname, fname.read_bytes()


def _expect_error_and_unchanged(fname: Path, match: str) -> None:
    learner = filled(7)
    learner.tell_pending(0.123)
    before = snapshot(learner)
    with pytest.raises(LearnerFileError, match=match) as info:
        learner.load(fname)
    assert str(fname) in str(info.value)  # the message names the file
    assert snapshot(learner) == before


@pytest.mark.parametrize("compress", [True, False])
def test_truncated_at_many_offsets(tmp_path: Path, compress: bool) -> None:
    fname = tmp_path / "good.p"
    filled(200).save(fname, compress=compress)
    raw = fname.read_bytes()
    # gzip: its length/CRC trailer; plain: pickle's STOP opcode is the last byte.
    for cut in sorted({0, 1, 2, 5, 11, 30, len(raw) // 2, len(raw) - 4, len(raw) - 1}):
        fname.write_bytes(raw[:cut])
        _expect_error_and_unchanged(fname, "truncated|empty|not a learner file")


def test_corrupt_bytes(tmp_path: Path) -> None:
    fname, raw = _saved(tmp_path)  # compressed: deflate and CRC-32 catch flipped bytes
    for pos in (len(raw) // 2, len(raw) - 6, len(raw) - 1):
        flipped = bytearray(raw)
        flipped[pos] ^= 0xFF
        fname.write_bytes(bytes(flipped))
        _expect_error_and_unchanged(fname, "not a learner file, or it is truncated or corrupt")
    fname.write_bytes(b"this is not a learner file at all")
    _expect_error_and_unchanged(fname, "not a learner file")
    fname.write_bytes(gzip.compress(b"garbage")[:-4])  # a truncated gzip file
    _expect_error_and_unchanged(fname, "not a learner file, or it is truncated")


def test_data_of_another_shape(tmp_path: Path) -> None:
    fname = tmp_path / "other.p"
    others: tuple[object, ...] = (None, [1, 2, 3], ({0.0: 1.0}, {}), "text")
    for data in others:
        write_data(fname, data, compress=True)  # what adaptive_nb.utils.save writes
        _expect_error_and_unchanged(fname, "does not hold data of a Learner1D")


# -- files of adaptive_nb 0.1: a versioned header with a SHA-256 before the payload ------------


def _old_format(payload: bytes, *, kind: str = "Learner1D", compressed: bool = False) -> bytes:
    header = json.dumps(
        {
            "learner": kind,
            "compressed": compressed,
            "payload_bytes": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    ).encode()
    return MAGIC + struct.pack(">HI", FORMAT_VERSION, len(header)) + header + payload


def test_old_format_still_loads(tmp_path: Path) -> None:
    learner = filled(30)
    fname = tmp_path / "old.p"
    payload = gzip.compress(pickle.dumps(learner._get_data()))
    fname.write_bytes(_old_format(payload, compressed=True))
    loaded = Learner(square, BOUNDS)
    loaded.load(fname)
    assert loaded.data == learner.data


def test_old_format_damage_is_detected(tmp_path: Path) -> None:
    fname = tmp_path / "old.p"
    raw = _old_format(pickle.dumps(filled(200)._get_data()))
    header_end = raw.index(b"}") + 1
    for cut in (5, len(MAGIC) + 3, header_end - 10, header_end + 1, len(raw) - 1):
        fname.write_bytes(raw[:cut])
        _expect_error_and_unchanged(fname, "truncated|damaged header")
    flipped = bytearray(raw)
    flipped[len(raw) // 2 + header_end // 2] ^= 0xFF
    fname.write_bytes(bytes(flipped))
    _expect_error_and_unchanged(fname, "corrupt")
    start = len(MAGIC) + 6
    fname.write_bytes(raw[:start] + b"{" + b" " * (header_end - start - 1) + raw[header_end:])
    _expect_error_and_unchanged(fname, "damaged header")
    fname.write_bytes(_old_format(pickle.dumps({0.0: 1.0}), kind="Learner2D"))
    _expect_error_and_unchanged(fname, "holds data of a Learner2D, not of a Learner1D")
    newer = raw[: len(MAGIC)] + struct.pack(">H", FORMAT_VERSION + 1) + raw[len(MAGIC) + 2 :]
    fname.write_bytes(newer)
    _expect_error_and_unchanged(fname, f"format version {FORMAT_VERSION + 1}.*Upgrade")


def test_intact_file_that_cannot_be_unpickled_here(tmp_path: Path) -> None:
    fname = tmp_path / "module.p"
    # a pickle of the global `no_such_module_.X`: intact bytes, but unloadable here
    payload = (
        b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00"
        b"\x8c\x0fno_such_module_\x94\x8c\x01X\x94\x93\x94."
    )

    fname.write_bytes(_old_format(payload))
    _expect_error_and_unchanged(fname, "intact but its data cannot be unpickled")


def test_wrong_data_in_a_legacy_file_rolls_back(tmp_path: Path) -> None:
    fname = tmp_path / "legacy_list.p"
    adaptive.utils.save(str(fname), [1, 2, 3])  # no header: only _set_data can tell
    _expect_error_and_unchanged(fname, "does not hold data of a Learner1D")


# -- bad paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fname", [3, None, 2.5, b"bytes.p", ["a.p"]])
def test_bad_fname_types(fname) -> None:
    learner = filled(5)
    with pytest.raises(TypeError, match=r"fname must be a str or os\.PathLike"):
        learner.save(fname)
    with pytest.raises(TypeError, match=r"fname must be a str or os\.PathLike"):
        learner.load(fname)


def test_directory_path(tmp_path: Path) -> None:
    learner = filled(5)
    with pytest.raises(IsADirectoryError, match=r"it is a directory\. Pass a file name"):
        learner.save(tmp_path)
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        learner.load(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    learner = filled(5)
    with pytest.raises(NotADirectoryError, match="blocker' is a file, not a folder"):
        learner.save(blocker / "deeper" / "learner.p")
    with pytest.raises(NotADirectoryError, match="blocker' is a file, not a folder"):
        learner.load(blocker / "learner.p")
    assert blocker.read_text() == "a file, not a folder"


def test_unwritable_folder_keeps_the_old_file(tmp_path: Path) -> None:
    # Tests run as root, so permissions do not stop writes; /proc refuses new files for anyone.
    with pytest.raises(OSError):
        filled(5).save("/proc/adaptive_nb_cannot_write_here.p")
    fname = tmp_path / "keep.p"
    filled(10).save(fname)
    raw = fname.read_bytes()

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("cannot pickle this")

    broken = filled(20)
    broken.data[0.5] = Unpicklable()
    with pytest.raises(RuntimeError, match="cannot pickle this"):
        broken.save(fname)
    assert fname.read_bytes() == raw
    assert temp_files(tmp_path) == []


def test_failed_write_removes_its_temp_file(tmp_path: Path, monkeypatch) -> None:
    fname = tmp_path / "keep.p"
    filled(10).save(fname)
    raw = fname.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        filled(30).save(fname)
    monkeypatch.undo()
    assert fname.read_bytes() == raw
    assert temp_files(tmp_path) == []


# -- temp files left by killed writers ---------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temp_files_are_removed_live_ones_kept(tmp_path: Path) -> None:
    fname = tmp_path / "learner.p"
    prefix = _tmp_prefix(fname)
    host = _host_tag()
    dead = tmp_path / f"{prefix}{host}-{_dead_pid()}-abcdef{_TMP_SUFFIX}"
    alive = tmp_path / f"{prefix}{host}-{os.getpid()}-abcdef{_TMP_SUFFIX}"  # e.g. another thread
    other_host = tmp_path / f"{prefix}elsewhere-{_dead_pid()}-abcdef{_TMP_SUFFIX}"
    other_target = tmp_path / f"{_tmp_prefix(tmp_path / 'x.p')}{host}-{_dead_pid()}-ab{_TMP_SUFFIX}"
    for p in (dead, alive, other_host, other_target):
        p.write_bytes(b"half a file")

    learner = filled(10)
    learner.load(fname)  # load never reads temp files: the target is missing, so a no-op
    assert learner.data == filled(10).data

    learner.save(fname)
    assert not dead.exists()
    assert alive.exists()  # its writer may still be running
    assert other_host.exists()  # a pid on another machine says nothing
    assert other_target.exists()  # only the target's own leftovers are touched


def test_long_file_names(tmp_path: Path) -> None:
    fname = tmp_path / ("x" * 240 + ".p")
    filled(5).save(fname)
    loaded = Learner(square, BOUNDS)
    loaded.load(fname)
    assert loaded.npoints == 5
    assert temp_files(tmp_path) == []


# -- legacy files --------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False])
def test_reference_library_files_load(tmp_path: Path, compress: bool) -> None:
    ref = adaptive.Learner1D(square, BOUNDS)
    adaptive.runner.simple(ref, npoints_goal=40)
    fname = tmp_path / "reference.p"
    ref.save(str(fname), compress=compress)
    ours = Learner(square, BOUNDS)
    ours.load(fname)
    assert ours.data == ref.data


@pytest.mark.parametrize("compress", [True, False])
def test_reference_library_reads_our_files(tmp_path: Path, compress: bool) -> None:
    fname = tmp_path / "ours.p"
    learner = filled(25)
    learner.save(fname, compress=compress)
    ref = adaptive.Learner1D(square, BOUNDS)
    ref.load(str(fname), compress=compress)
    assert ref.data == learner.data
    assert adaptive.utils.load(str(fname), compress=compress) == learner.data


# -- the crash test ------------------------------------------------------------------------------

# A zygote process imports adaptive_nb once and forks a fresh writer on each "fork" line, so that
# 30 real processes can be SIGKILLed in a few seconds (a new interpreter costs ~1 s on a loaded
# machine). The zygote reaps each writer (a zombie's pid would still look alive, and its temp file
# would be kept) and says so.
ZYGOTE = textwrap.dedent(
    """
    import os, sys, time
    from adaptive_nb import Learner1D

    N = 10**7
    fname = sys.argv[1]

    def say(*words):
        # One write(2) per line: a SIGKILL cannot cut a line in two. (print() makes one
        # write per argument and one for the newline when PYTHONUNBUFFERED is set, and a
        # writer killed between them left a partial line that hid the next "reaped".)
        os.write(1, (" ".join(map(str, words)) + "\\n").encode())

    def f(x):
        return 3 * x + 1

    def write_forever():
        learner = Learner1D(f, (0.0, 1.0))
        learner.load(fname)  # resume, as a script would
        k = learner.npoints or START
        while True:
            xs = [i / N for i in range(learner.npoints, k)]
            learner.tell_many(xs, [f(x) for x in xs])
            say("saving")
            t = time.perf_counter()
            learner.save(fname, compress=False)
            say("saved", time.perf_counter() - t)
            k += 100

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                write_forever()
            finally:
                os._exit(1)
        say("child", pid)
        os.waitpid(pid, 0)
        say("reaped")
    """
)
START = 10_000


def _check_file(fname: Path, previous: int) -> int:
    learner = Learner(lambda x: 3 * x + 1, (0.0, 1.0))
    learner.load(fname)  # must never raise
    n = learner.npoints
    assert n >= previous  # the old content or the new one, never older
    assert n >= START
    xs = sorted(learner.data)
    assert xs == [i / 10**7 for i in range(n)]  # a prefix of what was told: not torn
    assert [learner.data[x] for x in xs] == [3 * x + 1 for x in xs]
    return n


@pytest.mark.slow
def test_sigkill_at_random_instants_never_tears_the_file(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    fname = tmp_path / "data" / "learner.p"
    code = ZYGOTE.replace("START", str(START))
    zygote = subprocess.Popen(
        [sys.executable, "-c", code, str(fname)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert zygote.stdin is not None
    assert zygote.stdout is not None

    def read_until(prefix: bytes) -> bytes:
        while True:
            line = zygote.stdout.readline()  # type: ignore[union-attr]
            if line.startswith(prefix):
                return line
            # a writer that died on its own (an exception, not our kill) fails the test here
            assert line, "the zygote died"
            assert not line.startswith(b"reaped"), f"the writer died before {prefix!r}"

    rng = random.Random(1234)
    npoints = 0
    kills = 0
    mid_write = 0  # kills that landed while a temp file existed
    start = time.monotonic()
    try:
        # At least 30 kills, and on until 5 of them landed inside a write: under load a random
        # instant inside a save misses the write more often, and those are the kills that count.
        while kills < 30 or (mid_write < 5 and kills < 120):
            i = kills
            kills += 1
            zygote.stdin.write(b"fork\n")
            zygote.stdin.flush()
            pid = int(read_until(b"child").split()[1])
            # one complete save: leftovers of dead writers are gone
            save_seconds = float(read_until(b"saved").split()[1])
            if i % 3 == 0:  # anywhere: growing the learner, pickling, writing, renaming
                time.sleep(rng.uniform(0.0, 0.05))
            else:  # at a random instant inside a save, where a torn file could happen
                read_until(b"saving")
                time.sleep(rng.uniform(0.0, save_seconds))
            os.kill(pid, signal.SIGKILL)
            read_until(b"reaped")
            leftovers = temp_files(fname.parent)
            assert len(leftovers) <= 1, leftovers  # at most the one of the writer just killed
            mid_write += len(leftovers)
            npoints = _check_file(fname, npoints)
            others = [p.name for p in fname.parent.iterdir() if p not in leftovers]
            assert others == ["learner.p"]
    finally:
        zygote.kill()
        zygote.wait()
        zygote.stdin.close()
        zygote.stdout.close()
    # A save by any live process clears the leftover of the last killed writer.
    final = Learner(lambda x: 3 * x + 1, (0.0, 1.0))
    final.load(fname)
    final.save(fname, compress=False)
    assert temp_files(fname.parent) == []
    assert mid_write >= 5, f"only {mid_write} of {kills} kills landed inside a write"
    elapsed = time.monotonic() - start
    print(f"{kills} kills, {mid_write} mid-write, {elapsed:.1f} s, save {save_seconds:.3f} s")


def test_saving_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "runs" / "run3.p"
    real.parent.mkdir()
    filled(5).save(real)
    link = tmp_path / "latest.p"
    link.symlink_to(real)
    filled(9).save(link)
    assert link.is_symlink()
    loaded = Learner(square, BOUNDS)
    loaded.load(real)
    assert loaded.npoints == 9
    assert temp_files(tmp_path) == temp_files(real.parent) == []


# -- format="npz": numbers only, never unpickled -----------------------------------------------


@pytest.mark.parametrize("f", [square, lambda x: (x, x**3)], ids=["scalar", "vector"])
def test_npz_round_trip_asks_the_same_points(tmp_path: Path, f) -> None:
    import numpy as np

    learner = filled(40, f)
    fname = tmp_path / "share.npz"
    learner.save(fname, format="npz")
    with np.load(fname, allow_pickle=False) as npz:  # readable without adaptive_nb
        assert npz["points"].shape == (40,)
        assert npz["values"].shape[0] == 40
        settings = json.loads(str(npz["settings"]))
    assert settings["learner"] == "Learner1D"
    assert settings["bounds"] == list(BOUNDS)
    loaded = Learner(f, BOUNDS)
    loaded.load(fname, format="npz")
    assert loaded.data.keys() == learner.data.keys()
    for x, y in learner.data.items():
        assert np.array_equal(loaded.data[x], y)
    assert loaded.ask(5) == learner.ask(5)


def test_npz_refuses_what_is_not_numbers(tmp_path: Path) -> None:
    from operator import itemgetter

    from adaptive_nb import DataSaver

    saver = DataSaver(Learner(lambda x: {"y": x, "note": "text"}, BOUNDS), itemgetter("y"))
    saver.tell(0.5, {"y": 0.5, "note": "text"})
    with pytest.raises(TypeError, match=r"numbers only.*format='pickle'"):
        saver.save(tmp_path / "ds.npz", format="npz")
    assert not (tmp_path / "ds.npz").exists()
    with pytest.raises(ValueError, match=r"format must be 'pickle'.*or 'npz'"):
        filled(5).save(tmp_path / "x", format="json")


def test_npz_damage_and_foreign_files(tmp_path: Path) -> None:
    import numpy as np

    from adaptive_nb._persistence import write_npz

    fname = tmp_path / "share.npz"
    filled(100).save(fname, format="npz")
    raw = fname.read_bytes()

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    def expect(match: str) -> None:
        learner = filled(7)
        before = snapshot(learner)
        files = open_files()
        with pytest.raises(LearnerFileError, match=match) as info:
            learner.load(fname, format="npz")
        assert str(fname) in str(info.value)
        assert snapshot(learner) == before
        # closed by now, although the traceback (alive in `info`) still holds numpy's frames
        assert open_files() == files

    for cut in (0, 10, len(raw) // 2, len(raw) - 1):
        fname.write_bytes(raw[:cut])
        expect("not an adaptive_nb .npz file, or it is truncated or corrupt")
    write_npz(fname, np.zeros((3, 2)), np.zeros(3), {"learner": "Learner2D"})
    expect("holds data of a Learner2D, not of a Learner1D")
    np.savez(fname.with_suffix(""), values=np.zeros(2))  # numpy adds .npz
    expect("not an adaptive_nb .npz file")
    # An object array is a pickle inside the .npz: it is refused, never unpickled.
    with fname.open("wb") as f:
        np.savez(f, points=np.array([{"x": 1}], dtype=object), values=np.zeros(1))
    expect("not an adaptive_nb .npz file")
    filled(3).load(tmp_path / "missing.npz", format="npz")  # missing: a no-op, as for pickles
