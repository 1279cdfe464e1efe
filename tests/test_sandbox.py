"""The sandbox itself (autograder/sandbox.py, zygote.py, kernels.py): run as root, as CI does,
is every kernel an unprivileged user with nothing of the host writable or readable, and does a
kernel never share a process, a writable folder or a namespace with the next one?"""
import contextlib
import json
import os
import stat
import time
from pathlib import Path

import psutil
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

from autograder import kernels, sandbox

pytestmark = pytest.mark.pipeline

SECRET = "s3cr3t-in-the-graders-environment"


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    os.environ["BACKPROP_SANDBOX_TEST_SECRET"] = SECRET
    zygote = kernels.Zygote(0, log=tmp_path_factory.mktemp("logs") / "sandbox.log").start()
    yield zygote
    zygote.stop()
    os.environ.pop("BACKPROP_SANDBOX_TEST_SECRET")


def run(zygote, *sources, keep=False):
    """Run code cells in a fresh kernel of the sandbox; (the printed text of each cell, the
    kernel's scratch, which still exists if `keep`)."""
    scratch = kernels.Scratch(zygote)
    private = Path(zygote.log).parent / f"conn-{scratch.name}"
    private.mkdir()
    nb = new_notebook(cells=[new_code_cell(s) for s in sources],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    client = NotebookClient(nb, timeout=60, shutdown_kernel="immediate", allow_errors=True,
                            kernel_manager_class=kernels.kernel_manager(zygote, scratch, "ada",
                                                                        private))
    client.execute()
    texts = ["".join(o.get("text", "") or str(o.get("evalue", "")) for o in c.outputs)
             for c in nb.cells]
    if not keep:
        scratch.remove()
    return texts, scratch


def test_the_sandbox_is_never_host_root(zygote):
    """Does the sandbox run as an unprivileged host user (never uid 0, even for a root
    grader), and the kernel as uid 60000 with no capabilities?"""
    assert psutil.Process(zygote.pid).uids().real != 0
    assert all(p.uids().effective != 0 for p in psutil.Process(zygote.pid).children(True))
    (status,), _ = run(zygote, "print(open('/proc/self/status').read())")
    assert "Uid:\t60000\t60000\t60000\t60000" in status
    assert "CapEff:\t0000000000000000" in status and "CapBnd:\t0000000000000000" in status
    assert "NoNewPrivs:\t1" in status


def test_a_setuid_file_the_kernel_writes_is_not_setuid_root_on_the_host(zygote):
    """A kernel copies a shell and sets its setuid bit: on the host the file belongs to the
    sandbox's unprivileged user, on a nosuid, nodev mount, and is gone with the kernel."""
    (out,), scratch = run(zygote, "import os, shutil\nshutil.copy('/bin/sh', 'rootshell')\n"
                                  "os.chmod('rootshell', 0o4755)\nprint(oct(os.stat('rootshell')"
                                  ".st_mode))", keep=True)
    host = scratch.work / "rootshell"
    info = host.lstat()
    assert info.st_uid == sandbox.host_uid(0) != 0
    mounts = Path(f"/proc/{zygote.pid}/mountinfo").read_text().splitlines()
    scratch_mount = next(line for line in mounts if f" {sandbox.SCRATCH} " in line)
    assert "nosuid" in scratch_mount and "nodev" in scratch_mount
    scratch.remove()
    assert not host.exists()
    assert info.st_mode & stat.S_ISUID  # the bit was set: it is the owner and mount that hold


def test_nothing_under_proc_sys_opens_for_writing(zygote):
    """Does no file under /proc/sys (core_pattern, hostname, drop_caches, ...) or
    /proc/sysrq-trigger open for writing in a kernel?"""
    (out,), _ = run(zygote, "import os\nw = []\nfor d, _, fs in os.walk('/proc/sys'):\n"
                            "    for f in fs:\n        try:\n"
                            "            os.close(os.open(os.path.join(d, f), os.O_WRONLY))\n"
                            "            w.append(os.path.join(d, f))\n"
                            "        except OSError:\n            pass\n"
                            "for p in ['/proc/sysrq-trigger']:\n    try:\n"
                            "        os.close(os.open(p, os.O_WRONLY)); w.append(p)\n"
                            "    except OSError:\n        pass\nprint(len(w), w[:5])")
    assert out.startswith("0 []"), out


def test_no_host_secret_is_readable(zygote):
    """Are /etc/shadow and /etc/gshadow absent, and does no process environment the kernel can
    read, nor its own, hold the grader's environment (a token, BACKPROP_SOLUTIONS)?"""
    (out,), _ = run(zygote, "import glob, os\nprint([p for p in ['/etc/shadow', '/etc/gshadow']"
                            " if os.path.exists(p)])\nenvs = [open(p, 'rb').read() for p in "
                            "glob.glob('/proc/*/environ') if os.access(p, os.R_OK)]\n"
                            f"print(len(envs), [e for e in envs if b'{SECRET}' in e or "
                            "b'BACKPROP_SOLUTIONS' in e], "
                            f"'{SECRET}' in str(os.environ), sorted(os.listdir('/etc')))")
    assert out.startswith("[]\n") and " [] False " in out, out
    assert json.loads(out.split(" False ")[1].replace("'", '"')) == sorted(
        ["alternatives", "fonts", "group", "hostname", "hosts", "ld.so.cache", "localtime",
         "nsswitch.conf", "passwd"])


def test_the_kernel_holds_no_descriptor_of_the_grader(zygote, tmp_path):
    """With a file of the grader's open and inheritable, does a kernel hold only its own
    descriptors (no file of the host, no log of the grader)?"""
    secret = tmp_path / "grader-log.txt"
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT)
    os.set_inheritable(fd, True)
    try:
        (out,), _ = run(zygote, "import os\nlinks = []\n"
                                "for n in os.listdir('/proc/self/fd'):\n    try:\n"
                                "        links.append(os.readlink(f'/proc/self/fd/{n}'))\n"
                                "    except OSError:\n        pass  # the listing's own\n"
                                "print(sorted(links))")
    finally:
        os.close(fd)
    targets = eval(out)  # a list of strings the kernel printed
    assert not [t for t in targets if "grader-log" in t or t.startswith(str(tmp_path))]
    assert all(t.startswith(("/dev/null", "/run/scratch/grading/kernel.log", "socket:",
                             "anon_inode:", "pipe:", "/proc/")) for t in targets), targets


NAMESPACES = ("mnt", "pid", "net", "ipc", "uts", "user")


def _kernel_namespaces(zygote):
    """{host pid: {namespace: its inode}} of every kernel the zygote runs now."""
    found = {}
    for process in psutil.Process(zygote.pid).children(recursive=True):
        try:  # a kernel has a pid in three namespaces: the host's, the sandbox's, its own
            levels = next(line for line in Path(f"/proc/{process.pid}/status").read_text()
                          .splitlines() if line.startswith("NSpid:")).split()[1:]
            if len(levels) == 3 and levels[-1] == "1":
                found[process.pid] = {ns: os.readlink(f"/proc/{process.pid}/ns/{ns}")
                                      for ns in NAMESPACES}
        except (OSError, StopIteration):
            pass
    return found


def test_two_kernels_share_no_writable_folder_process_or_namespace(zygote):
    """Does a second kernel see nothing the first wrote (work/, /tmp, /dev/shm, /dev), nor its
    processes; and do two kernels alive at once share no namespace at all?"""
    write = ("import os\nfor p in ['mine.txt', '/tmp/mine.txt', '/dev/shm/mine.txt', "
             "'/dev/mine.txt']:\n    try:\n        open(p, 'w').write('x')\n"
             "    except OSError as e:\n        print('cannot', p)\n"
             "import subprocess\nsubprocess.Popen(['sleep', '300'])")
    look = ("import os\nprint([p for p in ['mine.txt', '/tmp/mine.txt', '/dev/shm/mine.txt', "
            "'/dev/mine.txt'] if os.path.exists(p)], sorted(os.listdir('/run/scratch')), "
            "[p for p in os.listdir('/proc') if p.isdigit()])")
    run(zygote, write)
    (seen,), _ = run(zygote, look)
    assert seen.startswith("[] ['conn', 'grading', 'work'] ['1']"), seen
    assert not [p for p in psutil.process_iter(["cmdline"])
                if p.info["cmdline"] == ["sleep", "300"]]  # gone with its kernel
    # two at once (the zygote could; a worker never does): every namespace their own
    names = ("first", "second")
    for name in names:
        scratch = kernels.Scratch(zygote)
        connection = {"transport": "ipc", "ip": "/run/scratch/conn/k", "shell_port": 1,
                      "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
                      "key": "k", "signature_scheme": "hmac-sha256"}
        zygote.spawn(scratch, connection, [], kernels.kernel_environment(name))
    deadline = time.monotonic() + 30
    while len(namespaces := _kernel_namespaces(zygote)) < 2:
        assert time.monotonic() < deadline, namespaces
    first, second = list(namespaces.values())[:2]
    assert all(first[ns] != second[ns] for ns in NAMESPACES), (first, second)


def test_no_network_and_no_nested_user_namespaces(zygote):
    """Is there no network at all, and may a kernel not make user namespaces of its own?"""
    (out,), _ = run(zygote, "import socket, subprocess\ntry:\n"
                            "    socket.create_connection(('1.1.1.1', 80), timeout=2)\n"
                            "    print('CONNECTED')\nexcept OSError as e:\n"
                            "    print('no network')\n"
                            "print(subprocess.run(['unshare', '-Ur', 'true']).returncode)")
    assert {"no network", "1"} <= set(out.splitlines()), out
    assert "CONNECTED" not in out


def test_a_dead_sandbox_is_started_again(zygote):
    """If the sandbox is killed (everything in it dies, its scratch with it), does ensure()
    start a new one that grades?"""
    old = zygote.pid
    os.kill(zygote.proc.pid, 9)
    zygote.proc.wait()
    zygote.ensure()
    assert zygote.pid != old
    (out,), _ = run(zygote, "print(6 * 7)")
    assert out.strip() == "42"
    deadline = time.monotonic() + 10  # the old sandbox dies with its bubblewrap (a moment)
    while psutil.pid_exists(old) and psutil.Process(old).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the old sandbox outlived its bubblewrap"
        time.sleep(0.1)


def test_the_notebook_executor_sees_the_limits(zygote):
    """Are the sandbox's own limits the ones Limits states (so the docs' figures are true)?"""
    (out,), _ = run(zygote, "import resource, shutil\n"
                            "print(resource.getrlimit(resource.RLIMIT_AS)[0], "
                            "resource.getrlimit(resource.RLIMIT_FSIZE)[0], "
                            "shutil.disk_usage('.').total, "
                            "shutil.disk_usage('/run/scratch/grading').total)")
    address, size, disk, records = map(int, out.split())
    limits = sandbox.LIMITS
    assert (address, size) == (limits.memory, limits.file_size)
    assert disk == limits.disk and records == limits.records


SIGNALS = {
    "killpg(0, SIGSTOP)": "os.killpg(0, signal.SIGSTOP)",
    "kill(0, SIGSTOP)": "os.kill(0, signal.SIGSTOP)",
    "kill(-1, SIGSTOP)": "os.kill(-1, signal.SIGSTOP)",
    "killpg(getpgrp(), SIGKILL)": "os.killpg(os.getpgrp(), signal.SIGKILL)",
    "a child's killpg(0, SIGKILL)": "import subprocess\nsubprocess.run(['kill', '-9', '0'])",
    "kill(-1, SIGKILL) from a new group": "os.setpgid(0, 0)\nos.kill(-1, signal.SIGKILL)",
}


@pytest.mark.parametrize("label", sorted(SIGNALS))
def test_a_kernel_signals_nothing_that_outlives_it(zygote, label):
    """Whatever group or process a kernel signals (its group, every process it may see, from
    a child or a new group), do the zygote and the kernel's parent stay running, and does the
    next kernel start?"""
    outside = [psutil.Process(zygote.pid), *psutil.Process(zygote.pid).children()]
    with contextlib.suppress(DeadKernelError):
        run(zygote, "import os, signal\n" + SIGNALS[label])
    time.sleep(0.2)
    for process in outside:
        if process.is_running():
            assert process.status() != psutil.STATUS_STOPPED, (label, process)
    assert psutil.Process(zygote.pid).is_running()
    (out,), _ = run(zygote, "print(6 * 7)")
    assert out.strip() == "42", label


def test_the_grader_connects_only_to_the_sockets_the_kernel_bound(zygote, tmp_path):
    """If a kernel swaps its ZeroMQ socket files for links to a socket of the host (as a link,
    or a new socket bound in their place) and then dies, does the grader never connect to the
    host's socket?"""
    import socket
    host = tmp_path / "host.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(host))
    server.listen(64)
    server.setblocking(False)
    os.chmod(tmp_path, 0o755)
    os.chmod(host, 0o777)
    swap = ("import os, socket\nkept = []\nfor i, name in enumerate(sorted(os.listdir("
            "'/run/scratch/conn'))):\n    path = '/run/scratch/conn/' + name\n"
            "    if name == 'kernel.json':\n        continue\n    os.unlink(path)\n"
            "    if i % 2:\n"
            f"        os.symlink('{host}', path)\n"
            "    else:\n        s = socket.socket(socket.AF_UNIX)\n        s.bind(path)\n"
            "        s.listen(8)\n        kept.append(s)\n"
            "print('swapped')\nos._exit(0)")
    with contextlib.suppress(DeadKernelError):
        run(zygote, swap)
    time.sleep(0.5)
    with pytest.raises(BlockingIOError):
        server.accept()
    server.close()


def test_refused_system_calls_inside_a_kernel(zygote):
    """In a real kernel, do keyctl, ptrace, perf_event_open, bpf, userfaultfd, io_uring, mount,
    unshare and setns fail (EPERM), while the kernel itself works?"""
    from tests.test_seccomp import PROBE, _number
    calls = {name: (_number(name), args) for name, (args, _) in PROBE.items()}
    (out,), _ = run(zygote, "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                            f"calls = {calls!r}\nfor name, (nr, args) in calls.items():\n"
                            "    ctypes.set_errno(0)\n"
                            "    r = libc.syscall(nr, *[ctypes.c_long(a) for a in args])\n"
                            "    print(name, r, ctypes.get_errno())")
    got = {line.split()[0]: (int(line.split()[1]), int(line.split()[2]))
           for line in out.splitlines()}
    assert got == {name: (-1, want) for name, (_, want) in PROBE.items()}


FORBIDDEN = {"02_chain_rule": "course.gradcheck.numerical_gradient",
             "03_sigmoid_neuron": "course.circuits.model.Circuit.forward"}


def _body_line(path):
    """The longest line of a course function's body, as the host's source has it."""
    import inspect

    from course.grading.guard import resolve
    owner, attr = resolve(path)
    lines = inspect.getsource(getattr(owner, attr)).splitlines()
    body = [line.strip() for line in lines[1:] if line.strip() and not line.strip()
            .startswith(("#", '"""', "'"))]
    return max(body, key=len)


@pytest.mark.parametrize("assignment", sorted(FORBIDDEN))
def test_a_bare_kernel_has_no_copy_of_the_forbidden_helper(zygote, assignment, monkeypatch):
    """In a kernel of the bare room, does calling a forbidden helper raise the refusal, and is
    no copy of its code anywhere the kernel can read (any file under the Python install, the
    venv or the course package, any live code object), while the rest of the package works?"""
    from autograder import bareroom
    from autograder.workspace import SOLUTIONS
    monkeypatch.setenv("BACKPROP_SOLUTIONS", str(SOLUTIONS))
    path = FORBIDDEN[assignment]
    stubs = bareroom.stubs(assignment)
    module, _, name = path.rpartition(".")
    line = _body_line(path)
    assert all(line not in text for text in stubs.values())
    import compileall

    import course
    compileall.compile_dir(os.path.dirname(course.__file__), quiet=1)  # as a host without
    # PYTHONDONTWRITEBYTECODE leaves them: compiled copies of the originals
    real = kernels.Scratch

    class Bare(real):
        def __init__(self, zygote_):
            super().__init__(zygote_)
            self.strip(stubs, bareroom.hidden_folders())
    monkeypatch.setattr(kernels, "Scratch", Bare)
    probe = f'''
import gc, importlib, os, sys
from course.grading.guard import resolve
import course.pictures, course.widgets  # the rest of the package imports
owner, attr = resolve({path!r})
try:
    import inspect
    fn = getattr(owner, attr)
    needed = [p for p in inspect.signature(fn).parameters.values() if p.default is p.empty]
    fn(*[None] * len(needed))
except Exception as e:
    print("raised", type(e).__name__, e)
line = {line!r}.encode()
hits = []
roots = {{sys.prefix, sys.base_prefix, os.path.dirname(__import__("course").__file__)}}
for root in roots:
    for d, _, fs in os.walk(root):
        for f in fs:
            try:
                with open(os.path.join(d, f), "rb") as h:
                    if line in h.read():
                        hits.append(os.path.join(d, f))
            except OSError:
                pass
codes = [o for o in gc.get_objects() if type(o).__name__ == "function"
         and o.__name__ == {name!r} and line.decode() in repr(o.__code__.co_consts)]
pyc = [f for d, _, fs in os.walk(os.path.dirname(__import__("course").__file__)) for f in fs
       if f.endswith(".pyc")]
print("hits", hits, len(codes), len(pyc))
'''
    (out,), _ = run(zygote, probe)
    assert f"raised GradingError `{path}` cannot be used" in out, out
    assert "hits [] 0 0" in out, out


def test_the_next_kernel_starts_after_a_fork_bomb(tmp_path):
    """After a kernel filled the sandbox's process cap with sleeping children, is every one of
    them gone (reaped) by the time the zygote says the kernel is killed, so that the next
    kernel can start threads at once?"""
    from autograder import cgroups
    groups = cgroups.make([7], sandbox.LIMITS)
    assert not groups.missing, groups.missing  # as root, as CI runs: the cap is there
    capped = kernels.Zygote(7, cgroup_procs=groups.procs(7), log=tmp_path / "s.log").start()
    try:
        _fork_bomb_then_threads(capped)
    finally:
        capped.stop()
        groups.remove()


def _fork_bomb_then_threads(zygote):
    run(zygote, "import os, time\nkids = 0\ntry:\n    while kids < 1000:\n"
                "        if os.fork() == 0:\n            time.sleep(600)\n            os._exit(0)\n"
                "        kids += 1\nexcept OSError:\n    pass\nprint(kids)")
    (out,), _ = run(zygote, "import threading, time\nts = [threading.Thread(target=time.sleep, "
                            "args=(0.5,)) for _ in range(40)]\nfor t in ts:\n    t.start()\n"
                            "for t in ts:\n    t.join()\nprint('started', len(ts))")
    assert out.strip() == "started 40", out


def test_a_course_folder_with_a_long_path_still_connects(zygote, tmp_path):
    """With the worker's private folder 200 characters deep (a course folder anywhere), does
    the kernel connect (a socket's own path may have only 107 bytes)?"""
    deep = tmp_path / ("d" * 60) / ("e" * 60) / ("f" * 60)
    deep.mkdir(parents=True)
    scratch = kernels.Scratch(zygote)
    nb = new_notebook(cells=[new_code_cell("print(6 * 7)")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    NotebookClient(nb, timeout=60, shutdown_kernel="immediate",
                   kernel_manager_class=kernels.kernel_manager(zygote, scratch, "ada", deep)
                   ).execute()
    scratch.remove()
    assert nb.cells[0].outputs[0]["text"].strip() == "42"
