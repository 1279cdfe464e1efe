"""The sandbox every submission's kernel runs in, built from Debian's `bubblewrap` in two layers.

The outer layer is one bubblewrap sandbox per grading worker, started once, holding the zygote
(autograder/zygote.py), which forks the kernels: the inner layer, new namespaces per kernel.
- who: never the grader's own root. Started as root, the sandbox runs as an unprivileged host
  user (UID_BASE + the worker's slot, through setpriv); otherwise as the grader's own user. Inside,
  every process is uid 60000 with no capabilities;
- namespaces: an empty network (no network at all), its own PIDs, IPC, hostname, cgroups and
  users, per sandbox and again per kernel;
- files: /usr, the Python install, the venv and the `course` package read-only; a generated
  minimal /etc (no shadow, no host names, no secrets); a fresh /tmp; and the scratch, a tmpfs of
  Limits.disk bytes, nosuid and nodev, that the worker reaches through /proc/<pid>/root. Not there
  at all: the repository (sources, solutions/, autograder/), the gradebook, the course folder,
  every other student's files;
- environment: the sandbox starts with a minimal one (the grader's is never copied in, not even
  into bubblewrap's own /proc/1/environ), and only the descriptors it is given;
- limits: address space, file size and CPU time per process (prlimit), and where the machine
  allows it (autograder.cgroups, v1 or v2) a process count and a memory cap for the sandbox;
  output per notebook and the time limits are the executor's (autograder.worker).
"""
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import course

BWRAP = "bwrap"
UID_BASE = 60000
"""Host uids of the sandboxes when the grader is root: UID_BASE + slot."""
INSIDE_UID = 60000
SCRATCH = "/run/scratch"
GRADING = "/run/grading"
ZYGOTE = Path(__file__).with_name("zygote.py")
ETC_FILES = ("ld.so.cache", "localtime", "nsswitch.conf", "alternatives", "fonts")
"""What Python and its libraries read from the host's /etc (none of it secret)."""


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use."""
    memory: int = 3 << 30
    """Bytes of address space per process, and of memory for the whole sandbox (cgroup)."""
    processes: int = 96
    """Processes and threads in the whole sandbox (cgroup pids; a kernel alone uses ~10)."""
    file_size: int = 256 << 20
    """Largest file a process may write."""
    disk: int = 512 << 20
    """Bytes the scratch tmpfs holds: everything the kernel writes, in RAM, then gone."""
    records: int = 96 << 20
    """Bytes for the kernel's records, sockets and log (a tmpfs of their own)."""
    cpu_seconds: int = 600
    """CPU seconds per process (the notebook's wall-clock limit usually comes first)."""
    output: int = 8 << 20
    """Bytes of output messages the executor accepts from one notebook before it stops it."""


LIMITS = Limits()


@dataclass(frozen=True)
class Timeouts:
    """Every limit of time while grading, in seconds: what each one bounds, and why that long."""
    notebook: float = 300
    """One run of one notebook, kernel start included: the notebook, its clean room and its bare
    room each get the whole of it (`grade --notebook-timeout`)."""
    cell: float | None = None
    """One cell (`grade --cell-timeout`); None: nbgrader_config.py's Execute.timeout (60 s)."""
    worker_start: float = 180
    """A new grading worker's imports, before its first notebook's limit starts."""
    sandbox_start: float = 90
    """A new sandbox's zygote importing everything a kernel needs, and a kernel's first answer."""
    zygote_reply: float = 20
    """The zygote answering one request (fork a kernel, kill one) before it is deemed hung."""
    scheduler: float = 10
    """Reaching a Dask scheduler before saying it cannot be reached."""
    accuracy_cell: int = 20
    """One graded cell in the accuracy report's runs (a mutant may loop forever)."""


TIMEOUTS = Timeouts()


class Unavailable(RuntimeError):
    """The sandbox cannot run on this machine; says what to install."""


def host_uid(slot):
    """The host user a worker's sandbox runs as: never root."""
    return UID_BASE + slot if os.geteuid() == 0 else os.geteuid()


def _system_binds():
    binds = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
        path = Path(top)
        if path.is_symlink():
            binds += ["--symlink", os.readlink(path), top]
        elif path.exists():
            binds += ["--ro-bind", top, top]
    return binds


def _etc(fds):
    """A minimal /etc for the sandbox: the sandbox user, localhost, and the few host files the
    dynamic loader and Python read. The generated files go through pipes (bubblewrap copies
    them into the sandbox), so nothing is left on the host's disk; their read ends are
    appended to `fds`."""
    generated = {
        "passwd": f"student:x:{INSIDE_UID}:{INSIDE_UID}:student:{SCRATCH}/work:/bin/sh\n"
                  "nobody:x:65534:65534:nobody:/:/bin/false\n",
        "group": f"student:x:{INSIDE_UID}:\nnogroup:x:65534:\n",
        "hosts": "127.0.0.1 localhost sandbox\n::1 localhost sandbox\n",
        "hostname": "sandbox\n",
    }
    binds = []
    for name, text in generated.items():
        read, write = os.pipe()
        os.write(write, text.encode())  # a few bytes: far below a pipe's buffer
        os.close(write)
        fds.append(read)
        binds += ["--perms", "0644", "--ro-bind-data", str(read), f"/etc/{name}"]
    for name in ETC_FILES:
        if os.path.exists(f"/etc/{name}"):
            binds += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return binds


def _python_paths():
    """(host path, sandbox path) of the interpreter's install, the venv, the course package and
    the zygote, bound read-only."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(course.__file__).resolve().parent}
    return [*((p, p) for p in sorted(paths)), (ZYGOTE, Path("/run/zygote.py"))]


def _python_binds(via=None):
    """bubblewrap's binds of _python_paths, from `via`/<i> instead of the host path if given."""
    binds = []
    for i, (source, dest) in enumerate(_python_paths()):
        binds += ["--ro-bind", f"{via}/{i}" if via else str(source), str(dest)]
        if dest != dest.absolute():
            binds += ["--symlink", str(dest), str(dest.absolute())]
    return binds


def _reachable(argv):
    """Run as root, the sandbox's unprivileged user may be unable to reach the Python install
    (a pyenv under /root, a checkout in a private folder), and bubblewrap resolves its bind
    sources as that user. So `argv` is started in a private mount namespace (nothing of it is
    seen on the host) where those paths are first bound, by root, under a fresh tmpfs on /mnt."""
    script = ["mount -t tmpfs -o mode=755 none /mnt"]
    for i, (source, _) in enumerate(_python_paths()):
        kind = "-d" if source.is_dir() else "-f"
        make = f"mkdir /mnt/{i}" if kind == "-d" else f"touch /mnt/{i}"
        script += [make, f"mount --bind -o ro '{source}' /mnt/{i}"]
    return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-ec",
            " && ".join(script) + ' && exec "$@"', "sandbox", *argv]


def environment():
    """The whole environment of the zygote and of bubblewrap itself (nothing of the grader's)."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": f"{SCRATCH}/work",
        "TMPDIR": "/tmp", "LANG": "C.UTF-8", "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython", "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
    }


@dataclass
class Command:
    """A sandbox's command line and the descriptors it must inherit (close them once started)."""
    argv: list
    fds: list

    def close(self):
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def command(slot, limits=LIMITS, cgroup_procs=(), info_fd=None, program=None):
    """The Command that starts a worker's sandbox running `program` (default: the
    zygote), and the descriptors it must inherit (close them once it has started).
    With `info_fd`, bubblewrap writes the sandbox's pid 1 there as JSON ("child-pid"): its
    /proc/<pid>/root is the sandbox's file system, which is how the worker reaches the scratch."""
    root, fds = os.geteuid() == 0, []
    inner = [BWRAP, "--unshare-all", "--uid", str(INSIDE_UID), "--gid", str(INSIDE_UID),
             "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--hostname", "sandbox",
             *_system_binds(), *_etc(fds), "--proc", "/proc", "--dev", "/dev",
             "--tmpfs", "/tmp", "--size", str(limits.disk), "--perms", "0700",
             "--tmpfs", SCRATCH, "--size", str(limits.records), "--perms", "0700",
             "--tmpfs", GRADING,
             # after the tmpfs: a repository or venv under /tmp must stay visible
             *_python_binds("/mnt" if root else None),
             "--remount-ro", "/", "--chdir", SCRATCH, "--clearenv"]
    for key, value in environment().items():
        inner += ["--setenv", key, value]
    if info_fd is not None:
        inner += ["--info-fd", str(info_fd)]
    inner += ["--", *(program or [sys.executable, "-I", "/run/zygote.py"])]
    limited = ["prlimit", f"--as={limits.memory}", f"--fsize={limits.file_size}",
               f"--cpu={limits.cpu_seconds}", "--core=0", "--", *inner]
    if root:
        uid = str(host_uid(slot))
        limited = _reachable(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                              "--inh-caps=-all", "--bounding-set=-all", "--", *limited])
    if cgroup_procs:
        join = " ".join(f'echo $$ > "{p}" &&' for p in cgroup_procs)
        limited = ["/bin/sh", "-c", f'{join} exec "$@"', "sandbox", *limited]
    return Command(limited, fds)


@functools.lru_cache(maxsize=1)
def check():
    """Raise Unavailable unless a sandbox with a kernel's imports can start here (probed once)."""
    if shutil.which(BWRAP) is None:
        raise Unavailable("bubblewrap is not installed: `apt-get install bubblewrap` (Debian, "
                          "Ubuntu), or grade with --no-sandbox only on trusted submissions")
    probe = command(0, program=[sys.executable, "-I", "-c", "import numpy, ipykernel, course"])
    try:
        done = subprocess.run(probe.argv, capture_output=True, text=True, env=environment(),
                              pass_fds=probe.fds, timeout=120)
    finally:
        probe.close()
    if done.returncode:
        raise Unavailable("bubblewrap cannot start a sandbox with the kernel's packages here: "
                          f"{done.stderr.strip()[-800:]} (user namespaces disabled? the Python "
                          f"install unreadable by uid {host_uid(0)}?)")
