"""The worker's side of the sandbox: its zygote, and kernels for nbclient that the zygote forks.

A Zygote is one worker's sandbox (autograder.sandbox.command) with the zygote process inside
(autograder/zygote.py). It is started once and forks a fresh kernel, in fresh namespaces, for
each notebook; if it stops answering it is killed, with everything in it, and started again.

The worker reaches the sandbox's scratch tmpfs through /proc/<sandbox pid>/root: each kernel gets
a folder there (`Scratch`) holding its working directory (a copy of the submission's data
files), the grader's case inputs, the record file and the ZeroMQ ipc sockets. Every path the
kernel could have changed is opened one component at a time without following links
(autograder.files.read_beneath).

`kernel_manager(...)` returns a jupyter_client kernel manager whose provisioner asks the zygote
for the kernel, so nbgrader's Execute (nbclient) drives it exactly like any kernel.
"""
import asyncio
import contextlib
import ctypes
import functools
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import time
import uuid
from pathlib import Path
from queue import Empty

import psutil
import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

from course import environment, i18n

from . import files, sandbox, seccomp

READY_SECONDS = sandbox.TIMEOUTS.sandbox_start
REPLY_SECONDS = sandbox.TIMEOUTS.zygote_reply
RECONNECT_MS = 10
"""How soon a client socket reconnects to a kernel's channel it lost."""
MAX_MESSAGE = 64 << 20
"""Bytes of the largest single message the worker reads from a kernel; a larger one is dropped
by ZeroMQ unread (the notebook then stops at its cell's time limit). Kernels batch their output:
one message may carry several MB of prints, which the output allowance (LimitedExecute) must
see to stop the notebook with its reason, so the cap is well above that allowance."""
MAX_RECORD_BYTES = 64 << 20
CHANNELS = ("shell", "iopub", "stdin", "control", "hb")
"""A kernel's ZeroMQ channels: one ipc socket each."""
_libc = ctypes.CDLL(None, use_errno=True)
MAX_LOG_BYTES = 16 << 10


class SandboxError(RuntimeError):
    """The sandbox failed (not the submission): it is restarted, and the notebook graded again."""


class Zygote:
    """One worker's sandbox and the zygote inside it."""

    def __init__(self, slot, limits=sandbox.LIMITS, cgroup_procs=(), log=None):
        self.slot, self.limits, self.cgroup_procs = slot, limits, list(cgroup_procs)
        self.log = log
        self.proc = None
        self.halted = False
        """Set while a task's time is up: no new sandbox is started for it."""

    # --- life cycle -------------------------------------------------------------------------

    def start(self):
        read, write = os.pipe()
        sink = open(self.log, "ab") if self.log else subprocess.DEVNULL
        launch = sandbox.command(self.slot, self.limits, self.cgroup_procs, info_fd=write)
        try:
            self.proc = subprocess.Popen(
                launch.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sink,
                env=sandbox.environment(), pass_fds=(write, *launch.fds), text=True, bufsize=1,
                start_new_session=True)
        finally:
            os.close(write)
            launch.close()
            if sink is not subprocess.DEVNULL:
                sink.close()
        with os.fdopen(read) as info:
            ready, _, _ = select.select([info], [], [], READY_SECONDS)
            text = info.read() if ready else ""
        try:
            self.pid = int(json.loads(text)["child-pid"])
        except (ValueError, KeyError):
            self.stop()
            raise SandboxError(f"the sandbox did not start (bubblewrap said: {text[:200]!r}; "
                               f"see {self.log})") from None
        self.root = Path(f"/proc/{self.pid}/root")
        reply = self._read(READY_SECONDS)
        if not reply or "ready" not in reply:
            self.stop()
            raise SandboxError(f"the sandbox's zygote did not start (see {self.log})")
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def ensure(self):
        """Started and answering, restarted if not."""
        if self.halted:
            raise SandboxError("the notebook's time is up")
        if self.alive():
            try:
                self.request({"ping": 0})
                return self
            except SandboxError:
                self.stop()
        return self.start()

    def stop(self):
        """End the sandbox and everything in it (its processes, its scratch tmpfs), and wait
        until they are gone."""
        if self.proc is None:
            return
        try:
            family = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        for process in [*family, *([psutil.Process(self.pid)] if self._exists() else [])]:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        psutil.wait_procs(family, timeout=5)
        self.proc = None

    def _exists(self):
        try:
            return getattr(self, "pid", None) is not None and psutil.pid_exists(self.pid)
        except Exception:
            return False

    # --- the protocol -----------------------------------------------------------------------

    def _read(self, seconds):
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        line = self.proc.stdout.readline() if ready else ""
        return json.loads(line) if line else None

    def request(self, message):
        if not self.alive():
            raise SandboxError("the sandbox is not running")
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SandboxError("the sandbox's zygote is gone") from None
        reply = self._read(REPLY_SECONDS)
        if reply is None:
            self.stop()
            raise SandboxError("the sandbox's zygote stopped answering")
        return reply

    def spawn(self, scratch, connection, argv, env):
        request = {"spawn": scratch.name, "folder": scratch.inside,
                   "grading": scratch.inside_grading, "connection": connection, "argv": argv,
                   "env": env, "seccomp": syscall_filter()}
        if scratch.overlay is not None:  # the bare room's kernel (autograder/bareroom.py)
            request.update(bare=True, overlay=scratch.overlay)
        return self.request(request)["pid"]

    def poll(self, name):
        return self.request({"poll": name})["exit"]

    def kill(self, name):
        if self.alive():
            self.request({"kill": name})


@functools.lru_cache(maxsize=1)
def syscall_filter():
    """The seccomp program every kernel installs (hex), or None on an architecture the filter
    does not know (reported by `unenforced`)."""
    try:
        return seccomp.program().hex()
    except ValueError:
        return None


def unenforced():
    """What this machine's kernels run without, for the summary and every submission's log."""
    if syscall_filter() is None:
        return [f"system-call filter (seccomp: no filter for {seccomp.machine()})"]
    return []


class Scratch:
    """One kernel's folders in the sandbox: work/ (its cwd, on the scratch tmpfs), and grading/
    (cases, record, its log) and conn/ (sockets) on the records tmpfs. `path` and `grading` are
    the worker's views, `inside` and `inside_grading` the zygote's."""

    def __init__(self, zygote):
        self.name = uuid.uuid4().hex[:10]
        self.inside = f"{sandbox.SCRATCH}/{self.name}"
        self.inside_grading = f"{sandbox.GRADING}/{self.name}"
        self.path = Path(f"{zygote.root}{self.inside}")
        self.grading = Path(f"{zygote.root}{self.inside_grading}")
        self.owner = sandbox.host_uid(zygote.slot)
        with self.writing():
            for folder in (self.path, self.path / "work", self.path / "grading",
                           self.path / "conn", self.grading, self.grading / "grading",
                           self.grading / "grading" / "cases", self.grading / "conn"):
                folder.mkdir()
        self.work, self.cases = self.path / "work", self.grading / "grading" / "cases"
        self.conn = self.grading / "conn"
        self.overlay = None
        """For a kernel of the bare room: what its zygote lays over the course package."""

    def strip(self, stubs, hide):
        """Make this the scratch of a bare-room kernel: `stubs` {course file: its stripped
        source} are written beside (never inside) the kernel's folders and bound over those
        files, and the folders `hide` covered, in the kernel's own mount namespace."""
        files_ = []
        with self.writing():
            (self.grading / "bare").mkdir()
            for i, (target, text) in enumerate(sorted(stubs.items())):
                (self.grading / "bare" / f"{i}.py").write_text(text)
                files_.append([f"{self.inside_grading}/bare/{i}.py", str(target)])
        self.overlay = {"files": files_, "hide": [str(h) for h in hide]}

    @contextlib.contextmanager
    def writing(self):
        """Files the worker makes in the scratch belong to the sandbox's user: its tmpfs takes no
        others (a root-owned file could not even be created there)."""
        if os.geteuid() != 0:
            yield
            return
        _libc.setfsgid(self.owner)
        _libc.setfsuid(self.owner)
        try:
            yield
        finally:
            _libc.setfsuid(0)
            _libc.setfsgid(0)

    def add_files(self, folder):
        """Copy the regular files of `folder` (not its notebooks) into work/."""
        with self.writing():
            return files.copy(folder, self.work, ignore=files.NOT_DATA)

    def add_case(self, assignment, exercise, spec):
        with self.writing():
            (self.cases / assignment).mkdir(exist_ok=True)
            (self.cases / assignment / f"{exercise}.json").write_text(json.dumps(spec))

    def record(self):
        """The record file's text, read without following links, or '' if there is none."""
        return self._read("grading/record.jsonl", MAX_RECORD_BYTES)

    def kernel_log(self):
        text = self._read("grading/kernel.log", MAX_LOG_BYTES << 6)
        return text[-MAX_LOG_BYTES:]

    def _read(self, rel, limit):
        try:
            return files.read_beneath(self.grading, rel, limit).decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)
        shutil.rmtree(self.grading, ignore_errors=True)


def kernel_environment(student, lang=None):
    """A kernel's environment: the sandbox's, plus who it grades, the language it speaks (the
    submission's, by default the grader's own, course.i18n: the checker's messages and hints in
    the kernel are then in the language of what the grader says about the same cells) and where
    its case files are."""
    scratch = sandbox.SCRATCH
    return {**sandbox.environment(), "HOME": f"{scratch}/work", environment.STUDENT_ID: student,
            i18n.ENV: lang or i18n.lang(),
            environment.CASES: f"{scratch}/grading/cases",
            environment.RECORD: f"{scratch}/grading/record.jsonl"}


class ZygoteProvisioner(KernelProvisionerBase):
    """A kernel forked by the worker's zygote (jupyter_client's provisioner interface)."""

    def __init__(self, zygote, scratch, student, lang="en", **kwargs):
        super().__init__(**kwargs)
        self.zygote, self.scratch, self.student, self.lang = zygote, scratch, student, lang
        self.pid, self.exit = None, None

    @property
    def has_process(self):
        return self.pid is not None

    async def pre_launch(self, **kwargs):
        km = self.parent
        km.write_connection_file()
        kwargs = await super().pre_launch(**kwargs)
        kwargs["cmd"] = km.format_kernel_cmd(extra_arguments=kwargs.get("extra_arguments"))
        return kwargs

    async def launch_kernel(self, cmd, **kwargs):
        km = self.parent
        connection = dict(km.get_connection_info())
        connection["key"] = connection["key"].decode()
        connection["ip"] = f"{sandbox.SCRATCH}/conn/k"  # the same sockets, as the kernel sees them
        argv = list(kwargs.get("extra_arguments") or [])
        self.pid = self.zygote.spawn(self.scratch, connection, argv,
                                     kernel_environment(self.student, self.lang))
        await self._pin_sockets(connection)
        self.connection_info = km.get_connection_info()
        return self.connection_info

    async def _pin_sockets(self, connection):
        """Connect only to the sockets the kernel bound, never to a path it can change.

        The kernel binds its ipc sockets in conn/, a folder it writes in: it could later swap
        one for a link to a socket of the host. So once each is bound, the worker opens it
        (O_PATH, never following a link, and it must be a socket) and every client connects to
        that open descriptor (ipc:///proc/<worker>/fd/N, a short address whatever the course
        folder's path): every connection and reconnection reaches that very socket, whatever
        the kernel does to conn/ afterwards."""
        self.pinned = []
        try:
            await self._pin_each(connection)
        except BaseException:
            await self.cleanup()
            raise

    async def _pin_each(self, connection):
        deadline = time.monotonic() + READY_SECONDS
        urls = {}
        for channel in CHANNELS:
            port = connection[f"{channel}_port"]
            path = self.scratch.conn / f"k-{port}"
            while not os.path.lexists(path):
                if time.monotonic() > deadline or await self.poll() is not None:
                    raise RuntimeError("the kernel did not open its channels")
                await asyncio.sleep(0.005)
            fd = os.open(path, os.O_PATH | os.O_NOFOLLOW)
            self.pinned.append(fd)
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                raise RuntimeError(f"the kernel's channel {path.name} is not a socket")
            urls[channel] = f"ipc:///proc/{os.getpid()}/fd/{fd}"  # short, whatever the folder
        self.parent.pinned_urls = urls

    async def poll(self):
        if self.exit is None and self.pid is not None:
            try:
                self.exit = self.zygote.poll(self.scratch.name)
            except SandboxError:
                self.exit = -9
        return self.exit

    async def wait(self):
        while await self.poll() is None:
            await asyncio.sleep(0.05)
        return self.exit

    async def send_signal(self, signum):
        if signum in (signal.SIGKILL, signal.SIGTERM):
            await self.kill()

    async def kill(self, restart=False):
        try:
            self.zygote.kill(self.scratch.name)
        except SandboxError:
            pass
        self.exit = -9 if self.exit is None else self.exit

    async def terminate(self, restart=False):
        await self.kill(restart)

    async def cleanup(self, restart=False):
        for fd in getattr(self, "pinned", ()):
            os.close(fd)
        self.pinned = []


class QuickClient(AsyncKernelClient):
    """jupyter_client's kernel client, ready as soon as the kernel answers kernel_info with its
    IOPub channel connected. jupyter_client then drains IOPub until it has been quiet for 0.2 s,
    a fifth of a second on every notebook; nbclient ignores messages that are not about its own
    requests anyway, so 20 ms of quiet is plenty."""

    async def _async_wait_for_ready(self, timeout=None):
        deadline = time.monotonic() + (timeout or READY_SECONDS)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=0.5)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected
                    self._handle_kernel_info_reply(reply)
                    break
                except Empty:
                    pass
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                return

    wait_for_ready = _async_wait_for_ready

    def _make_url(self, channel):
        return pinned_url(self, channel)


def pinned_url(owner, channel):
    """The address of one of a sandboxed kernel's channels: its socket as the descriptor the
    worker holds (ZygoteProvisioner._pin_sockets), never a path in the kernel's folder."""
    urls = getattr(owner, "pinned_urls", None)
    if not urls:
        raise RuntimeError(f"the kernel's {channel} channel is not pinned yet")
    return urls[channel]


def kernel_manager(zygote, scratch, student, private, lang="en"):
    """A jupyter_client kernel manager class whose kernels the zygote forks, reached over ZeroMQ
    ipc sockets in the kernel's scratch. `private`: a folder of the worker's own for the
    connection file (the kernel never sees it); `lang`: the language the kernel speaks."""

    class SandboxedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.client_factory = QuickClient
            self.transport = "ipc"
            self.ip = str(Path(private) / "k")  # names ports only: see _make_url
            self.pinned_urls = None
            self.connection_file = str(Path(private) / "kernel.json")
            self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
            self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)

        def _make_url(self, channel):
            return pinned_url(self, channel)

        def client(self, **kwargs):
            # Messages are bounded before they are read: one larger than MAX_MESSAGE is dropped
            # by ZeroMQ instead of filling the worker's memory. Reconnects (after such a drop)
            # are tried every 10 ms.
            kc = super().client(**kwargs)
            kc.pinned_urls = self.pinned_urls
            kc.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
            kc.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
            return kc

        async def _async_pre_start_kernel(self, **kwargs):
            # Interrupts go as messages on the control channel: a signal would not cross into
            # the kernel's PID namespace.
            self.kernel_spec.interrupt_mode = "message"
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            if self.provisioner is None:
                self.provisioner = ZygoteProvisioner(zygote, scratch, student, lang,
                                                     kernel_id=self.kernel_id,
                                                     kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kwargs)

    return SandboxedKernelManager
