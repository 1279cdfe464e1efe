"""The zygote: one process inside a grading worker's sandbox that imports everything a kernel needs
once (Python, numpy, matplotlib, ipykernel, the course package), then forks a fresh kernel for
each notebook, every one in new namespaces of its own.

Runs inside the outer bubblewrap sandbox (autograder/sandbox.py) as `python zygote.py`, with the
standard library, ctypes and the kernel's packages only: the repository is not in the sandbox.

For each kernel the zygote forks a child C, which unshares user, mount, PID, network, IPC and UTS
namespaces and forks the kernel K, pid 1 of the new PID namespace (so killing C, or K, ends
every process the student started). Before any student code runs, K:
- mounts a fresh /proc (its own processes only), with /proc/sys and friends read-only;
- mounts a fresh /tmp and /dev/shm, and a fresh /dev holding only null, zero, full, random,
  urandom and tty, so nothing written there outlives it;
- sees its own folder of the scratch tmpfs at /run/scratch, read-only but for work/, and its
  grading/ and conn/ from a second, smaller tmpfs (so it can neither replace those folders with
  links nor stop its own records by filling work/), and nothing of any other kernel;
- forbids further user namespaces, drops every capability, sets no_new_privs, lowers its own
  OOM priority below the zygote's, closes every inherited descriptor, reseeds its random state;
- leads a session and process group of its own (a signal to its group reaches nothing outside);
- installs the grader's seccomp filter (autograder/seccomp.py), inherited by all it starts.

Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
  {"spawn": ID, "folder": "/run/scratch/ID", "grading": "/run/grading/ID", "connection": {...},
   "argv": [...], "env": {...}, "seccomp": hex of the filter or null}
      -> {"spawned": ID, "pid": pid of C}
      with "bare": true (and "overlay": {"files": [[stripped module, course file]], "hide":
      [__pycache__ folders]}), forked by the bare zygote: a process forked before the course
      package was imported, so that a bare kernel imports only the stripped package
  {"kill": ID} -> {"killed": ID}     {"poll": ID} -> {"polled": ID, "exit": code or null}
  {"ping": 0} -> {"pong": 0}
On end of input every kernel is killed and the zygote exits.
"""
import ctypes
import json
import os
import pkgutil
import signal
import sys
import time

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
CAPABILITY_VERSION_3 = 0x20080522
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
READ_ONLY_PROC = ("sys", "sysrq-trigger", "irq", "bus", "fs")
"""Parts of /proc that let root change the machine: read-only in every kernel."""
SCRATCH = "/run/scratch"
UID = 60000
"""The user every kernel runs as (mapped to the sandbox's own user, never to host root)."""

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source and source.encode(), target.encode(),
                       fstype and fstype.encode(), ctypes.c_ulong(flags),
                       data and data.encode()), f"mount {target}")


def _bind(source, target, read_only=False):
    _mount(source, target, None, MS_BIND | MS_REC)
    if read_only:
        _read_only(target)


def _read_only(target):
    """Remount a bind read-only, keeping the flags it is locked with (else EPERM)."""
    flags = os.statvfs(target).f_flag
    keep = ((MS_NOSUID if flags & os.ST_NOSUID else 0) | (MS_NODEV if flags & os.ST_NODEV else 0)
            | (MS_NOEXEC if flags & os.ST_NOEXEC else 0))
    _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | keep)


def _write(path, text):
    with open(path, "w") as handle:
        handle.write(text)


# --- preparing the kernel process, before any student code -----------------------------------

def _map_user(uid, gid):
    """In the new user namespace, be UID (the only user there, the sandbox's `uid` outside),
    with no groups."""
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{UID} {uid} 1")
    _write("/proc/self/gid_map", f"{UID} {gid} 1")


def _binds_below_tmp():
    """(mount point, O_PATH descriptor) of every mount below /tmp, parents first: the sandbox's
    read-only binds of a checkout or a venv that lives under /tmp, which a fresh /tmp would
    hide from the kernel."""
    kept = []
    with open("/proc/self/mountinfo") as table:
        for line in table:
            point = line.split()[4].encode().decode("unicode_escape")  # \040 is a space
            if point.startswith("/tmp/"):
                kept.append((point, os.open(point, os.O_PATH)))
    return sorted(kept)


def _mounts(folder, grading):
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for name in READ_ONLY_PROC:
        if os.path.exists(f"/proc/{name}"):
            _bind(f"/proc/{name}", f"/proc/{name}", read_only=True)
    kept = _binds_below_tmp()
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    for point, fd in kept:  # the same read-only binds again, on the fresh /tmp
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(point, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(point), exist_ok=True)
            open(point, "w").close()
        _bind(f"/proc/self/fd/{fd}", point, read_only=True)
        os.close(fd)
    # a fresh /dev: the device files of the sandbox's /dev bound into a new tmpfs
    os.mkdir("/tmp/.dev")
    _bind("/dev", "/tmp/.dev")
    _mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=1m")
    for name in DEVICES:
        if os.path.exists(f"/tmp/.dev/{name}"):
            open(f"/dev/{name}", "w").close()
            _bind(f"/tmp/.dev/{name}", f"/dev/{name}")
    os.mkdir("/dev/shm")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=64m")
    os.symlink("/proc/self/fd", "/dev/fd")
    _check(_libc.umount2(b"/tmp/.dev", MNT_DETACH), "umount /tmp/.dev")
    os.rmdir("/tmp/.dev")
    # its own folder at /run/scratch: read-only, but for the folders it writes in (each a
    # mount of its own, which the read-only remount of the folder above them leaves writable);
    # grading/ and conn/ come from a second tmpfs, so filling work/ cannot stop the records
    _bind(folder, SCRATCH)
    _bind(os.path.join(SCRATCH, "work"), os.path.join(SCRATCH, "work"))
    for name in ("grading", "conn"):
        _bind(os.path.join(grading, name), os.path.join(SCRATCH, name))
    _read_only(SCRATCH)
    os.chdir(os.path.join(SCRATCH, "work"))


def _overlay(overlay):
    """The bare room's course package: each stripped module bound over the original file, and
    an empty folder over every __pycache__ of the package (its compiled originals), so that no
    copy of a forbidden helper is left anywhere the kernel can read."""
    for source, target in overlay.get("files", []):
        _bind(source, target, read_only=True)
    for folder in overlay.get("hide", []):
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
               "mode=555,size=4k")


def _lock_down():
    """No capabilities, no new privileges; first to go when memory runs out."""
    _write("/proc/self/oom_score_adj", "1000")
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(_libc.capset(header, data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _seccomp(program):
    """Install the grader's seccomp filter (autograder/seccomp.py: the system calls a notebook
    never needs) on this process and so on everything it starts; needs no_new_privs."""
    if not program or len(program) % 8:
        raise OSError("no valid seccomp filter was given: the kernel does not start without one")
    code = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.cast(code, ctypes.c_void_p))
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0),
           "seccomp")


def _kernel(request):
    """Become the kernel: runs in K (pid 1 of its namespace), never returns."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # C is already gone
        os._exit(1)
    # A session and process group of its own: a signal to "my group" (killpg(0), kill(0, ...))
    # crosses PID namespaces, and the zygote's group would otherwise be the kernel's too
    os.setsid()
    folder = request["folder"]
    try:  # no user namespaces below this one (where the kernel may set it: its own namespace's)
        _write("/proc/sys/user/max_user_namespaces", "0")
    except OSError:
        pass
    _mounts(folder, request["grading"])
    if request.get("overlay"):
        _overlay(request["overlay"])
    _libc.sethostname(b"sandbox", 7)
    # the kernel's own connection file (its paths as the kernel sees them)
    conn = os.path.join(SCRATCH, "conn", "kernel.json")
    _write(conn, json.dumps(request["connection"]))
    log = os.open(os.path.join(SCRATCH, "grading", "kernel.log"),
                  os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.closerange(3, 1 << 16)
    _lock_down()
    if request.get("seccomp") is not None:
        _seccomp(bytes.fromhex(request["seccomp"]))
    os.environ.clear()
    os.environ.update(request["env"])
    _reseed()
    sys.argv = ["ipykernel_launcher", "-f", conn, *request.get("argv", [])]
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from ipykernel.kernelapp import IPKernelApp
    _flush_by_size()
    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:])
    app.start()
    os._exit(0)


FLUSH_BYTES = 1 << 20
"""Printed text a kernel holds before sending it on: ipykernel sends what was printed every
0.2 s, which a print loop makes hundreds of MB, one message the worker drops unread (it reads
no message over 64 MB). Flushed by size, a runaway print loop reaches the worker as messages it
counts, and is stopped with its reason ("more than 8 MB of output"). A courtesy for the
instructor's reason, not a defence: the student's code can undo it, and the worker's own bounds
hold either way."""


def _flush_by_size():
    from ipykernel.iostream import OutStream
    write = OutStream.write

    def write_and_flush(self, string):
        written = write(self, string)
        with self._buffer_lock:
            held = sum(buffer.tell() for buffer in self._buffers.values())
        if held > FLUSH_BYTES:
            self.flush()
        return written
    OutStream.write = write_and_flush


def _reseed():
    """Forked kernels would otherwise share the zygote's random state."""
    import random

    import numpy
    random.seed()
    numpy.random.seed()


def _child(request):
    """C: new namespaces, then K; waits for K and exits with its status. Never returns."""
    try:
        uid, gid = os.geteuid(), os.getegid()  # before: unmapped, they read as 65534
        _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET
                             | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
        _map_user(uid, gid)
        pid = os.fork()
        if pid == 0:
            try:
                _kernel(request)
            except BaseException as exc:  # the kernel could not start: say why in its log
                try:
                    os.write(2, f"the sandboxed kernel could not start: {exc!r}\n".encode())
                finally:
                    os._exit(70)
        _, status = os.waitpid(pid, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    except BaseException as exc:
        try:
            os.write(2, f"the sandbox for a kernel could not be made: {exc!r}\n".encode())
        finally:
            os._exit(71)


# --- the zygote itself ------------------------------------------------------------------------

def _descendants(pid):
    """Every process below `pid` (this PID namespace sees the kernels' own namespaces too)."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    parents[int(name)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = [], [pid]
    while frontier:
        below = [child for child, parent in parents.items() if parent in frontier]
        found += below
        frontier = below
    return found


def _end(entry, seconds=10.0):
    """Kill a kernel's C, its K and everything K started, and return once all of them are gone
    (reaped, not merely dying): until then their pids still count against the sandbox's process
    cap, and the next kernel could not start a thread."""
    family = [entry["pid"], *_descendants(entry["pid"])]
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if entry["exit"] is None:
        try:
            os.waitpid(entry["pid"], 0)
        except ChildProcessError:
            pass
    deadline = time.monotonic() + seconds
    while any(os.path.exists(f"/proc/{pid}") for pid in family[1:]):
        if time.monotonic() > deadline:
            break
        time.sleep(0.002)


def preload_base():
    """Import once what every kernel imports but the course package: a forked kernel starts in
    a fraction of the time."""
    import matplotlib
    matplotlib.use("Agg")
    import ipykernel.debugger  # noqa: F401  (debugpy: most of a kernel's start)
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel.zmqshell  # noqa: F401
    import IPython  # noqa: F401
    import ipywidgets  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401
    from matplotlib import font_manager
    font_manager.fontManager.findfont("DejaVu Sans")  # the font cache, built once


def preload_course():
    import course
    for module in pkgutil.walk_packages(course.__path__, "course."):
        __import__(module.name)


def serve(requests, replies, bare=None):
    """Answer requests until end of input. `bare`: (its requests' pipe, its replies' pipe) of
    the bare zygote, which serves the requests marked "bare"."""
    children, bare_ids = {}, set()

    def reply(message):
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    def reap():
        for entry in children.values():
            if entry["exit"] is None:
                try:
                    pid, status = os.waitpid(entry["pid"], os.WNOHANG)
                except ChildProcessError:
                    pid, status = entry["pid"], 0
                if pid:
                    entry["exit"] = os.waitstatus_to_exitcode(status)

    for line in requests:
        request = json.loads(line)
        reap()
        ident = next((request[k] for k in ("spawn", "kill", "poll") if k in request), None)
        if bare is not None and (request.get("bare") or ident in bare_ids):
            bare_ids.add(ident)
            bare[0].write(line if line.endswith("\n") else line + "\n")
            bare[0].flush()
            replies.write(bare[1].readline())
            replies.flush()
            if "kill" in request:
                bare_ids.discard(ident)
            continue
        if "spawn" in request:
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                _child(request)
            children[request["spawn"]] = {"pid": pid, "exit": None}
            reply({"spawned": request["spawn"], "pid": pid})
        elif "kill" in request:
            entry = children.pop(request["kill"], None)
            if entry:
                _end(entry)
            reply({"killed": request["kill"]})
        elif "poll" in request:
            entry = children.get(request["poll"])
            reply({"polled": request["poll"], "exit": entry["exit"] if entry else -9})
        else:
            reply({"pong": 0})
    for entry in children.values():
        if entry["exit"] is None:
            try:
                os.kill(entry["pid"], signal.SIGKILL)
            except ProcessLookupError:
                pass


def _fork_bare():
    """The bare zygote: a child forked before the course package is imported, which forks the
    kernels of the bare room (whose course package lacks the exercise's forbidden helpers: no
    copy of them may be in its memory). (its requests' pipe, its replies' pipe)."""
    to_bare, from_bare = os.pipe(), os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(to_bare[1])
        os.close(from_bare[0])
        serve(os.fdopen(to_bare[0]), os.fdopen(from_bare[1], "w"))
        os._exit(0)
    os.close(to_bare[0])
    os.close(from_bare[1])
    return os.fdopen(to_bare[1], "w"), os.fdopen(from_bare[0])


def main():
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever else is printed goes to the worker's log, not the protocol
    preload_base()
    bare = _fork_bare()
    preload_course()
    reply = {"ready": os.getpid()}
    replies.write(json.dumps(reply) + "\n")
    replies.flush()
    serve(sys.stdin, replies, bare)


if __name__ == "__main__":
    main()
