"""The sandbox every submission's kernel runs in: bubblewrap (Debian's `bubblewrap` package).

One kernel = one sandbox, started by nbclient through `kernel_manager(...)`:
- namespaces: no network (its own, empty), its own PIDs, IPC, hostname and user (uid 60000+slot
  inside, every capability dropped);
- files: the system, the Python install, the venv and the `course` package read-only; a tmpfs /tmp;
  one writable scratch folder (a copy of the submission's files, the grader's case inputs and the
  record file). Not there at all: the repository (sources, solutions/, autograder/), the gradebook,
  the course folder and every other student's files;
- limits: address space, file size and CPU time per process (prlimit), and where this machine lets
  the grader create cgroups (v1 pids and memory controllers), a process count and a memory cap for
  the whole sandbox;
- the executor talks to the kernel over ZeroMQ ipc sockets in the scratch folder: a kernel with no
  network cannot be reached over TCP, and cells are sent one at a time, so a hidden test is never
  on the kernel's disk.
"""
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import course

BWRAP = "bwrap"
CGROUP_ROOT = Path("/sys/fs/cgroup")
UID_BASE = 60000


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use."""
    memory: int = 3 << 30
    """Bytes of address space per process, and of memory for the whole sandbox (cgroup)."""
    processes: int = 96
    """Processes and threads in the whole sandbox (cgroup pids; the kernel alone uses ~10)."""
    file_size: int = 256 << 20
    """Largest file a process may write."""
    cpu_seconds: int = 600
    """CPU seconds per process (the notebook's wall-clock limit usually comes first)."""
    output: int = 8 << 20
    """Bytes of output the executor accepts from one notebook before it stops it."""


LIMITS = Limits()


class Unavailable(RuntimeError):
    """The sandbox cannot run on this machine; says what to install."""


@functools.lru_cache(maxsize=1)
def check():
    """Raise Unavailable unless bubblewrap can start a sandbox here (probed once)."""
    if shutil.which(BWRAP) is None:
        raise Unavailable("bubblewrap is not installed: `apt-get install bubblewrap` (Debian, "
                          "Ubuntu), or grade with --no-sandbox only on trusted submissions")
    probe = subprocess.run([BWRAP, "--unshare-all", "--cap-drop", "ALL", "--die-with-parent",
                            *_system_binds(), "--proc", "/proc", "--dev", "/dev", "true"],
                           capture_output=True, text=True)
    if probe.returncode:
        raise Unavailable(f"bubblewrap cannot create a sandbox here: {probe.stderr.strip()} "
                          "(user namespaces disabled?)")


def _system_binds():
    binds = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc"):
        path = Path(top)
        if path.is_symlink():
            binds += ["--symlink", os.readlink(path), top]
        elif path.exists():
            binds += ["--ro-bind", top, top]
    return binds


def _python_binds():
    """The interpreter's install, the venv, and the course package, read-only at their paths."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(course.__file__).resolve().parent}
    binds = []
    for path in sorted(paths):
        binds += ["--ro-bind", str(path), str(path)]
        if path != path.absolute():
            binds += ["--symlink", str(path), str(path.absolute())]
    return binds


def _cgroups(slot, limits):
    """cgroup.procs files of this slot's cgroups (created and limited), or [] if not possible."""
    procs = []
    for controller, settings in (("pids", {"pids.max": limits.processes}),
                                 ("memory", {"memory.limit_in_bytes": limits.memory})):
        group = CGROUP_ROOT / controller / "backprop-grading" / f"slot-{slot}"
        try:
            group.mkdir(parents=True, exist_ok=True)
            for name, value in settings.items():
                (group / name).write_text(str(value))
            procs.append(str(group / "cgroup.procs"))
        except OSError:
            continue
    return procs


class Scratch:
    """One sandbox's folder on the host: work/ (the kernel's cwd), grading/ (cases, records),
    conn/ (connection file, sockets). Short path under /tmp: a unix socket path has 107 bytes."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="bp-"))
        for sub in ("work", "grading/cases", "conn", "home"):
            (self.root / sub).mkdir(parents=True)
        self.work, self.cases = self.root / "work", self.root / "grading" / "cases"
        self.record, self.conn = self.root / "grading" / "record.jsonl", self.root / "conn"
        self.home = self.root / "home"

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def environment(scratch, student):
    """The kernel's whole environment (bwrap clears everything else, BACKPROP_SOLUTIONS too)."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(scratch.home), "TMPDIR": "/tmp", "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
        "BACKPROP_STUDENT_ID": student,
        "BACKPROP_CASES": str(scratch.cases), "BACKPROP_RECORD": str(scratch.record),
    }


def wrap(argv, scratch, env, slot=0, limits=LIMITS):
    """The command that runs argv (a kernel) in a sandbox around `scratch`."""
    uid = str(UID_BASE + slot)
    inner = [BWRAP, "--unshare-all", "--uid", uid, "--gid", uid, "--cap-drop", "ALL",
             "--die-with-parent", "--hostname", "sandbox", *_system_binds(),
             "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
             # after the tmpfs: a repository or venv under /tmp must stay visible
             *_python_binds(),
             "--bind", str(scratch.root), str(scratch.root), "--chdir", str(scratch.work),
             "--clearenv"]
    for key, value in env.items():
        inner += ["--setenv", key, value]
    inner += ["--", *argv]
    limited = ["prlimit", f"--as={limits.memory}", f"--fsize={limits.file_size}",
               f"--cpu={limits.cpu_seconds}", "--core=0", "--", *inner]
    procs = _cgroups(slot, limits)
    if not procs:
        return limited
    join = " ".join(f'echo $$ > "{p}" &&' for p in procs)
    return ["/bin/sh", "-c", f'{join} exec "$@"', "sandbox", *limited]


def kernel_manager(scratch, student, slot=0, limits=LIMITS):
    """A jupyter_client kernel manager class whose kernels start in this sandbox, over ipc."""
    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(scratch.conn / "k")
            self.connection_file = str(scratch.conn / "kernel.json")

        def format_kernel_cmd(self, extra_arguments=None):
            # A signal to the launched process would not reach the kernel inside the sandbox's
            # PID namespace: interrupts go as messages on the control channel instead.
            self.kernel_spec.interrupt_mode = "message"
            argv = super().format_kernel_cmd(extra_arguments)
            return wrap(argv, scratch, environment(scratch, student), slot, limits)

    return SandboxedKernelManager
