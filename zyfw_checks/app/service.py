"""Heavy work of an app session, run politely: one queue for every session of the server, a worker
process per job with a memory and a time limit, and a way for a session to end its own kernel.

Each browser page has its own kernel (a process). Reading a file, checking it and building a report
run in a forked worker process at a lower CPU priority, so the page's kernel keeps answering clicks
and a worker that grows past its memory limit or its time limit is stopped without harming the
kernel. At most ``max_running`` workers run at once across all kernels of the server: a kernel takes
one of the slot files in the server's run folder with an exclusive ``flock`` (released by the
operating system even when a process dies) and waits in line (a ticket file per waiting job,
oldest first) when none is free, telling the page its place and the expected wait.

The server (``zyfw_checks.app.serve``) passes the settings to its kernels in environment variables;
without them (tests, plain ``voila``) jobs still run in a worker with the default limits, and without a
run folder they do not queue.
"""

from __future__ import annotations

import contextlib
import fcntl
import heapq
import json
import math
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_RUN_DIR = "ZYFW_APP_RUN_DIR"
ENV_MAX_RUNNING = "ZYFW_APP_MAX_RUNNING"
ENV_JOB_MEMORY_MB = "ZYFW_APP_JOB_MEMORY_MB"
ENV_JOB_TIMEOUT_S = "ZYFW_APP_JOB_TIMEOUT_S"
ENV_TYPICAL_JOB_S = "ZYFW_APP_TYPICAL_JOB_S"
ENV_WARM = "ZYFW_APP_WARM"  # "1": each page's kernel checks the sample once so its workers inherit the caches

POLL_S = 0.25
KEEP_PLACE_S = 30  # a session's next step keeps its first step's place in line for at most this long
# where the last job's seconds went, in this process (for the benchmarks): the whole job in the worker
# (fork to the last byte received), the work itself, the size of the answer sent back, and unpickling it
LAST: dict[str, float] = {}
RECENT_DURATIONS = 20


class JobError(Exception):
    """A job that could not finish: the message is the Chinese text for the page (the loader's or the
    kit's own message as it is, or ``errors.internal_error_message`` for a bug of the kit)."""

    def __init__(self, message: str, code: str | None = None, internal: bool = False) -> None:
        super().__init__(message)
        self.code = code  # the loader's code (e.g. a per-person summary), when it gave one
        self.internal = internal


class JobCancelled(Exception):  # noqa: N818 - not an error: the user cleared the session
    """The user cleared the session while the job waited or ran."""


@dataclass(frozen=True)
class Limits:
    run_dir: Path | None = None
    max_running: int = 2
    job_memory_mb: int = 3072
    job_timeout_s: int = 300
    typical_job_s: float = 15.0
    nice: int = 10

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Limits:
        env = os.environ if env is None else env
        run = env.get(ENV_RUN_DIR)
        d = cls()
        return cls(
            run_dir=Path(run) if run else None,
            max_running=max(1, int(env.get(ENV_MAX_RUNNING, d.max_running))),
            job_memory_mb=int(env.get(ENV_JOB_MEMORY_MB, d.job_memory_mb)),
            job_timeout_s=int(env.get(ENV_JOB_TIMEOUT_S, d.job_timeout_s)),
            typical_job_s=float(env.get(ENV_TYPICAL_JOB_S, d.typical_job_s)),
        )


# ---------------------------------------------------------------- messages (one home)


def memory_message(limit_mb: int) -> str:
    return (f"这个文件需要的内存超过了每次检查的上限（{limit_mb / 1024:g} GB），已停止处理，本页的其他功能不受影响。"
            "请按年度或季度拆分成几个较小的文件分别检查，或删去与检查无关的列后再试。")


def timeout_message(limit_s: int) -> str:
    return (f"处理时间超过了 {limit_s} 秒的上限，已停止。请按年度或季度拆分成几个较小的文件分别检查；"
            "如果文件并不大，请把情况反馈给维护者。")


def wait_message(ahead: int, running: int, eta_s: float) -> str:
    return (f"正在排队：前面还有 {ahead + running} 位，预计 {max(1, math.ceil(eta_s))} 秒后开始。"
            "请不要关闭本页（关闭即退出排队）。")


# ---------------------------------------------------------------- the line


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_of(path: Path) -> int:
    try:
        return int(path.name.split("-")[1])
    except (IndexError, ValueError):
        return -1


def _live(folder: Path) -> list[Path]:
    """Files named ``<stamp>-<pid>-…`` whose process is alive, oldest first (dead ones removed)."""
    out = []
    for p in sorted(folder.iterdir()):
        if _pid_alive(_pid_of(p)):
            out.append(p)
        else:
            p.unlink(missing_ok=True)
    return out


def recent_durations(run_dir: Path) -> list[float]:
    try:
        lines = (run_dir / "durations.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines[-RECENT_DURATIONS:]:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            out.append(float(json.loads(line)["s"]))
    return out


def _record_duration(run_dir: Path, seconds: float) -> None:
    path = run_dir / "durations.jsonl"
    lines = recent_durations(run_dir)[-(RECENT_DURATIONS - 1):] + [seconds]
    tmp = path.with_name(f"durations.{os.getpid()}.tmp")
    tmp.write_text("".join(json.dumps({"s": round(s, 2)}) + "\n" for s in lines), encoding="utf-8")
    os.replace(tmp, path)


def expected_wait(running_elapsed: list[float], ahead: int, slots: int, typical: float) -> float:
    """Seconds until a job behind ``ahead`` waiting jobs starts, if each job takes ``typical`` seconds."""
    free = [max(typical - e, 1.0) for e in running_elapsed[:slots]]
    free += [0.0] * (slots - len(free))
    heapq.heapify(free)
    for _ in range(ahead):
        heapq.heappush(free, heapq.heappop(free) + typical)
    return free[0]


class Line:
    """The server-wide line for worker slots, kept in files in the run folder."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        run = limits.run_dir
        self.slots = run / "slots"
        self.queue = run / "queue"
        self.running = run / "running"
        for d in (self.slots, self.queue, self.running):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _try_slot(self) -> int | None:
        for i in range(self.limits.max_running):
            fd = os.open(self.slots / f"slot-{i}", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            return fd
        return None

    def state(self, ticket: Path | None = None) -> tuple[int, int, float]:
        """(waiting ahead of ``ticket``, running now, expected seconds until it starts)."""
        now = time.time()
        running = []
        for p in _live(self.running):
            with contextlib.suppress(OSError, ValueError):
                running.append(now - float(p.read_text(encoding="utf-8") or now))
        ahead = sum(1 for p in _live(self.queue) if ticket is None or p.name < ticket.name)
        durations = recent_durations(self.limits.run_dir)
        typical = sum(durations) / len(durations) if durations else self.limits.typical_job_s
        return ahead, len(running), expected_wait(running, ahead, self.limits.max_running, typical)

    @contextlib.contextmanager
    def place(self, on_wait: Callable[[int, int, float], None] | None, cancel: threading.Event,
              since_ns: int | None = None):
        """Wait in line for a slot; inside the block this process holds it.

        The line is kept in the order of ``since_ns`` (default: now): a session's next step (the check after
        its reading) can keep the place its first step had, so people get their results in the order they
        came instead of everyone's results arriving together after everyone's reading."""
        stamp = time.time_ns() if since_ns is None else min(int(since_ns), time.time_ns())
        ticket = self.queue / f"{stamp:020d}-{os.getpid()}-{threading.get_ident()}"
        ticket.touch(mode=0o600)
        fd = None
        try:
            told = None
            while True:
                if cancel.is_set():
                    raise JobCancelled
                ahead, running, eta = self.state(ticket)
                if ahead < self.limits.max_running:
                    fd = self._try_slot()
                    if fd is not None:
                        break
                if on_wait is not None and (ahead, running, round(eta)) != told:
                    told = (ahead, running, round(eta))
                    on_wait(ahead, running, eta)
                time.sleep(POLL_S)
        finally:
            ticket.unlink(missing_ok=True)
        mark = self.running / f"{time.time_ns():020d}-{os.getpid()}-{threading.get_ident()}"
        mark.write_text(str(time.time()), encoding="utf-8")
        t0 = time.monotonic()
        try:
            yield
            _record_duration(self.limits.run_dir, time.monotonic() - t0)
        finally:
            mark.unlink(missing_ok=True)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


# ---------------------------------------------------------------- the worker process


def _private_mb(pid: int) -> float:
    """Memory the worker does not share with the kernel it was forked from (private pages), in MB."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    kb = 0
    for line in text.splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            kb += int(line.split()[1])
    return kb / 1024


def _die_with_parent() -> None:
    """Linux: the worker is killed when the kernel that forked it ends (its data must not outlive it)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return


def _child(fn: Callable[[], Any], write_fd: int, nice: int, parent: int) -> None:
    """In the forked worker: run ``fn`` and send ("ok", value) or ("error", kind, text) back."""
    try:
        _die_with_parent()
        if os.getppid() != parent:  # the kernel ended between fork and prctl
            os._exit(1)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the process ends with os._exit
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with contextlib.suppress(OSError):
            os.nice(nice)
        try:
            t0 = time.perf_counter()
            value = fn()
            out: tuple = ("ok", value, time.perf_counter() - t0)
        except MemoryError:
            out = ("error", "memory", "")
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the kernel as data
            from zyfw_checks.errors import KitError, internal_error_message

            if isinstance(exc, KitError) or exc.__class__.__name__ == "LoadError":
                out = ("error", "LoadError", str(exc), getattr(exc, "code", None))
            else:  # a bug of the kit: its traceback goes to a file written here, where it happened
                out = ("error", "internal", internal_error_message(exc, "app worker"), type(exc).__name__)
        try:
            data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001
            data = pickle.dumps(("error", type(exc).__name__, str(exc), traceback.format_exc()))
        view = memoryview(data)
        while view:
            n = os.write(write_fd, view[:1 << 20])
            view = view[n:]
        os.close(write_fd)
    finally:
        os._exit(0)


def run_in_worker(fn: Callable[[], Any], limits: Limits, cancel: threading.Event | None = None,
                  on_tick: Callable[[float], None] | None = None, on_start: Callable[[], None] | None = None) -> Any:
    """Run ``fn`` in a forked worker; its return value comes back pickled.

    Raises :class:`JobError` (memory or time limit, the worker died, ``fn`` raised the loader's
    ``LoadError`` or a ``KitError``, whose Chinese message it carries, or any other exception, for which
    it carries ``errors.internal_error_message``: the traceback is in a file the worker wrote), or
    :class:`JobCancelled`.
    ``on_tick(seconds)`` is called about once a second while the worker runs; ``on_start()`` once, in this
    process, right after the fork (what this process starts then is not in the worker).
    """
    cancel = cancel or threading.Event()
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_fd)
        _child(fn, write_fd, limits.nice, parent)
    os.close(write_fd)
    if on_start is not None:
        on_start()
    chunks: list[bytes] = []

    def drain() -> None:
        with os.fdopen(read_fd, "rb", buffering=0) as f:
            while True:
                b = f.read(1 << 20)
                if not b:
                    return
                chunks.append(b)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    t0 = time.monotonic()
    stopped = None
    ticked = 0
    while reader.is_alive():
        reader.join(POLL_S)
        if not reader.is_alive():
            break
        elapsed = time.monotonic() - t0
        if on_tick is not None and int(elapsed) > ticked:
            ticked = int(elapsed)
            on_tick(elapsed)
        if cancel.is_set():
            stopped = JobCancelled()
        elif _private_mb(pid) > limits.job_memory_mb:
            stopped = JobError(memory_message(limits.job_memory_mb))
        elif time.monotonic() - t0 > limits.job_timeout_s:
            stopped = JobError(timeout_message(limits.job_timeout_s))
        if stopped is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            reader.join()
            break
    _, status = os.waitpid(pid, 0)
    if stopped is not None:
        raise stopped
    if not chunks:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            raise JobError(memory_message(limits.job_memory_mb))  # the system's out-of-memory killer
        raise JobError("处理文件的进程意外退出，未能完成。请稍后重试；如果反复出现，请把情况反馈给维护者。")
    t_unpickle = time.perf_counter()
    data = b"".join(chunks)
    out = pickle.loads(data)  # noqa: S301 - bytes from our own forked child
    if out[0] == "ok":
        LAST.clear()
        LAST.update(total_s=time.monotonic() - t0, work_s=out[2], mb=len(data) / 1e6,
                    unpickle_s=time.perf_counter() - t_unpickle)
        return out[1]
    if out[1] == "memory":
        raise JobError(memory_message(limits.job_memory_mb))
    if out[1] == "LoadError":
        raise JobError(out[2], code=out[3])
    if out[1] == "internal":
        raise JobError(out[2], internal=True)
    raise RuntimeError(*out[1:])


def run_job(fn: Callable[[], Any], limits: Limits, on_wait: Callable[[int, int, float], None] | None = None,
            cancel: threading.Event | None = None, on_tick: Callable[[float], None] | None = None,
            since_ns: int | None = None, on_start: Callable[[], None] | None = None) -> Any:
    """Wait for a slot (when the server runs a line), then run ``fn`` in a worker process.

    ``since_ns`` (``time.time_ns()`` of the session's first step) is the job's place in line (see
    :meth:`Line.place`); by default the moment it asks."""
    cancel = cancel or threading.Event()
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: in this process, without limits
        return fn()
    if limits.run_dir is None:
        return run_in_worker(fn, limits, cancel, on_tick, on_start)
    with Line(limits).place(on_wait, cancel, since_ns):
        return run_in_worker(fn, limits, cancel, on_tick, on_start)


# ---------------------------------------------------------------- ending a session


def request_end(limits: Limits | None = None) -> bool:
    """Ask the server to shut this kernel down (the run folder's ``ended/`` holds the request)."""
    limits = limits or Limits.from_env()
    if limits.run_dir is None:
        return False
    ended = limits.run_dir / "ended"
    ended.mkdir(parents=True, exist_ok=True, mode=0o700)
    (ended / str(os.getpid())).touch(mode=0o600)
    return True
