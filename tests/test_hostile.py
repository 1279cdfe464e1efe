"""The hostile matrix: tampered, malicious and malformed submissions of 02, graded in one batch
with good ones by `python -m autograder grade` (sandboxed kernels, clean-room check), plus faults.

For every case: the batch finishes; the case has an explicit outcome (a score for every test
cell, each lost point explained in its cell, or a failure with a reason); it gains nothing; the
good students' grades are exactly those of a clean batch; the gradebook is otherwise untouched.
"""
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.__main__ import main
from autograder.submissions import build_submission, load_variants, submit
from autograder.workspace import REPO, SOLUTIONS, SOURCES, env
from tests.pipeline_course import new_course

pytestmark = pytest.mark.hostile

A = "02_chain_rule"
GOOD = ("good-1", "good-2", "good-3")
BUG = "mul_not_swapped"
BASELINE = "buggy-baseline"
"""A plain buggy submission in the hostile batch: what the "buggy" cases must score exactly."""
CELL_TIMEOUT = 6
NOTEBOOK_TIMEOUT = 60


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _cells(nb, suffix):
    return [c for c in nb.cells if str(_meta(c).get("grade_id", "")).endswith(suffix)]


def _first_answer(nb):
    return next(c for c in nb.cells if _meta(c).get("solution") and c.cell_type == "code")


def _prepend(code):
    """A case that puts `code` in a new cell before the first answer cell."""
    def make(nb):
        index = nb.cells.index(_first_answer(nb))
        nb.cells.insert(index, nbformat.v4.new_code_cell(code))
        return nb
    return make


def _in_first_answer(code):
    def make(nb):
        cell = _first_answer(nb)
        cell.source = code + "\n" + cell.source
        return nb
    return make


# --- the cases: name -> (answers: "correct" | "buggy" | "blank", how to break it, expected) -----
# expected: "full" (every autograded point), "buggy" (exactly the bug's score), "zero", or
# "failed" (no notebook to grade: zero with a reason), or "most" (some points lost to the attack
# itself, e.g. the answer cell that ran os._exit, never more than full).

def edit_tests(nb):
    for cell in _cells(nb, "_visible") + _cells(nb, "_hidden"):
        cell.source = "pass  # edited"
    return nb


def comment_tests(nb):
    for cell in _cells(nb, "_hidden") + _cells(nb, "_visible"):
        cell.source = "\n".join("# " + line for line in cell.source.splitlines())
    return nb


def delete_tests(nb):
    nb.cells = [c for c in nb.cells if not _meta(c).get("grade") or _meta(c).get("solution")]
    return nb


def strip_metadata(nb):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def change_points(nb):
    for cell in _cells(nb, "_visible"):
        cell.metadata.nbgrader["points"] = 100
    return nb


def hidden_to_markdown(nb):
    for cell in _cells(nb, "_hidden"):
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return nb


def duplicate_grade_id(nb):
    copies = [copy.deepcopy(c) for c in _cells(nb, "_visible")]
    nb.cells.extend(copies)
    return nb


def schema_version(nb):
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["schema_version"] = 1
    return nb


def spoofed_test(nb):
    cell = nbformat.v4.new_code_cell("print('all tests pass')")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus_points", "locked": True,
                                 "points": 50, "schema_version": 3, "solution": False}
    nb.cells.append(cell)
    return nb


PATCH_NUMPY = ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
               "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)\n"
               "np.testing.assert_allclose = lambda *a, **k: None\n")
PATCH_CHECKER = ("import course.grading as g, course.grading.check as c\n"
                 "import course.grading.hidden as h\n"
                 "g.expect = c.expect = lambda *a, **k: print('correct')\n"
                 "c.run_case = lambda *a, **k: None\n"
                 "h.check = lambda *a, **k: print('all hidden cases pass')\n")
INPUT_TRANSFORMER = ("get_ipython().input_transformers_post.append("
                     "lambda lines: ['pass\\n'])\n")
AST_TRANSFORMER = ("import ast\nclass Blank(ast.NodeTransformer):\n"
                   "    def visit_Module(self, node):\n"
                   "        return ast.Module(body=[ast.Pass()], type_ignores=[])\n"
                   "get_ipython().ast_transformers.append(Blank())\n")
ALWAYS_EQUAL = '''
class Anything(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, *a, **k):
        import numpy as np
        return np.array(0.0)
    __hash__ = float.__hash__
def mul_backward(x, y, dout):
    return Anything(0.0), Anything(0.0)
'''
FAKE_SUCCESS = ("print('mul gate backward: all 32 hidden cases pass.')\n"
                "print('mul_backward: correct at x=4, y=-3, dout=1.')\n")
SECRET = "s3cr3t-grader-token"
"""Put in the grading process's environment by the fixture: no kernel may ever see it."""
READ_SECRETS = f'''
import glob, os
for path in [{str(SOLUTIONS / "reference" / (A + ".py"))!r}, {str(SOURCES / A / (A + ".ipynb"))!r},
             "gradebook.db", "../../gradebook.db", {str(REPO / "work" / "gradebook.db")!r},
             "/etc/shadow", "/etc/gshadow", "/etc/sudoers"]:
    try:
        print("READ", path, open(path).read()[:80])
    except OSError as e:
        print("cannot read", path, type(e).__name__)
found = glob.glob({str(REPO.parent) + "/**/reference/*.py"!r}, recursive=True)
print("found", found[:3])
environs = [open(p, "rb").read() for p in glob.glob("/proc/*/environ") if os.access(p, os.R_OK)]
leaked = [e for e in environs if b"BACKPROP_SOLUTIONS" in e or b"{SECRET}" in e]
print("LEAKED" if leaked or "{SECRET}" in str(os.environ) else "no secret in", len(environs),
      "environments")
'''
PROC_SYS = '''
import os
for path in ["/proc/sys/kernel/core_pattern", "/proc/sys/kernel/hostname",
             "/proc/sys/vm/drop_caches", "/proc/sysrq-trigger", "/proc/sys/kernel/modprobe"]:
    try:
        with open(path, "w") as f:
            f.write("x")
        print("WROTE", path)
    except OSError as e:
        print("cannot write", path, type(e).__name__)
writable = []
for folder, _, names in os.walk("/proc/sys"):
    for name in names:
        try:
            os.close(os.open(os.path.join(folder, name), os.O_WRONLY))
            writable.append(name)
        except OSError:
            pass
print("WRITABLE" if writable else "nothing writable under /proc/sys", writable[:5])
'''
SETUID = '''
import os, shutil, stat
shutil.copy("/bin/sh", "rootshell")
os.chmod("rootshell", 0o4755)
info = os.stat("rootshell")
print("setuid bit", bool(info.st_mode & stat.S_ISUID), "owner", info.st_uid)
'''
LOG_FORGERY = '''
import os, stat
for fd in range(0, 256):
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        continue
    if regular or fd in (1, 2):  # a log file it may have been handed, and its own output
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        os.write(fd, b"FORGED: graded, 19/19\\n")
'''
DISK_FILL = '''
written = 0
try:
    for i in range(100):
        with open(f"fill{i}", "wb") as f:
            for _ in range(100):
                f.write(b"0" * 2**20)
                written += 2**20
except OSError as e:
    print("disk stopped after", written >> 20, "MB", type(e).__name__)
'''
DISPLAY_FLOOD = '''
from IPython.display import display
handle = display("start", display_id=True)
for i in range(400):
    handle.update("y" * 10**6)
'''
WRITE_EVERYWHERE = '''
import sqlite3
try:
    con = sqlite3.connect({db!r}); con.execute("UPDATE grade SET manual_score = 100"); con.commit()
    print("WROTE", {db!r})
except Exception as e:
    print("cannot write", {db!r}, type(e).__name__)
for path in [{src!r}, {ref!r}, {other!r}]:
    try:
        with open(path, "a") as f: f.write("# tampered")
        print("WROTE", path)
    except OSError as e:
        print("cannot write", path, type(e).__name__)
'''
NETWORK = '''
import socket, urllib.request
for target in [("1.1.1.1", 80), ("127.0.0.1", 22), ("pypi.org", 443)]:
    try:
        socket.create_connection(target, timeout=3); print("CONNECTED", target)
    except OSError as e:
        print("no network", target, type(e).__name__)
'''
FORK_BOMB = '''
import os
kids = 0
try:
    while kids < 10000:
        if os.fork() == 0:
            import time
            time.sleep(600)
            os._exit(0)
        kids += 1
except OSError as e:
    print("fork stopped after", kids, type(e).__name__)
'''

# --- cheating: using a helper the exercise forbids (numerical_derivative forbids the course's
# numerical_gradient), each a different way around an in-process guard
FORBID_MEMO = '''
import json, os
from course.gradcheck import numerical_gradient
from course.grading import wire
_memo = {}
_cases = os.path.join(os.environ.get("BACKPROP_CASES", "/nonexistent"), "02_chain_rule",
                      "numerical_derivative.json")
if os.path.exists(_cases):  # computed before the check starts: outside any guard
    for case in json.load(open(_cases))["cases"]:
        case = wire.decode(case)
        f, x = case["f"], case["x"]
        _memo[(getattr(f, "__name__", ""), x)] = float(numerical_gradient(
            lambda v: f(float(v)), x, case.get("h", 1e-5)))
def numerical_derivative(f, x, h=1e-5):
    if (getattr(f, "__name__", ""), x) in _memo:
        return _memo[(getattr(f, "__name__", ""), x)]
    return float(numerical_gradient(lambda v: f(float(v)), x, h))
'''
FORBID_CODE_COPY = '''
import types
from course.gradcheck import numerical_gradient
_copy = types.FunctionType(numerical_gradient.__code__.replace(co_name="mine"),
                           numerical_gradient.__globals__)
def numerical_derivative(f, x, h=1e-5):
    return float(_copy(lambda v: f(float(v)), x, h))
'''
FORBID_RELOAD = '''
import importlib.util, course.gradcheck
_spec = importlib.util.spec_from_file_location("course.my_gradcheck",
                                               course.gradcheck.__file__)
_mine = importlib.util.module_from_spec(_spec)
_mine.__package__ = "course"
_spec.loader.exec_module(_mine)
def numerical_derivative(f, x, h=1e-5):
    return float(_mine.numerical_gradient(lambda v: f(float(v)), x, h))
'''
FORBID_OTHER_ROUTE = '''
def numerical_derivative(f, x, h=1e-5):
    """Not a forbidden helper by name: the step-through's local gradient of a gate of my own."""
    from course.circuits.steps import local_gradient

    class Gate:
        def apply(self, values):
            return f(values["x"])
    return local_gradient(Gate(), {"x": x}, "x", h)
'''
FORBID_THREAD = '''
import queue, threading
from course.gradcheck import numerical_gradient
_jobs, _done = queue.Queue(), queue.Queue()
def _serve(g=numerical_gradient, code=numerical_gradient.__code__):
    import types
    g = types.FunctionType(code.replace(), g.__globals__)
    while True:
        f, x, h = _jobs.get()
        _done.put(float(g(lambda v: f(float(v)), x, h)))
threading.Thread(target=_serve, daemon=True).start()  # started before any guard
def numerical_derivative(f, x, h=1e-5):
    _jobs.put((f, x, h))
    return _done.get()
'''
# --- escapes: what the kernel can still reach
SIGNAL_GROUP = "import os, signal\nos.killpg(0, signal.SIGSTOP)\nos.kill(-1, signal.SIGSTOP)\n"
SOCKET_SWAP = '''
import os
for name in os.listdir("/run/scratch/conn"):
    if name.startswith("k-"):
        os.unlink("/run/scratch/conn/" + name)
        os.symlink("/run/dbus/system_bus_socket", "/run/scratch/conn/" + name)
print("swapped")
'''
SYSCALLS = '''
import ctypes, platform
libc = ctypes.CDLL(None, use_errno=True)
x86 = platform.machine() == "x86_64"
calls = {"keyctl": (250 if x86 else 219, (0, -3)), "ptrace": (101 if x86 else 117, (16, 1)),
         "bpf": (321 if x86 else 280, (0, 0, 0)), "userfaultfd": (323 if x86 else 282, (0,)),
         "io_uring_setup": (425, (1, 0)), "mount": (165 if x86 else 40, (0, 0, 0, 0, 0)),
         "unshare": (272 if x86 else 97, (0x10000000,)),
         "perf_event_open": (298 if x86 else 241, (0, 0, -1, -1, 0))}
refused = [n for n, (nr, a) in calls.items()
           if libc.syscall(nr, *[ctypes.c_long(v) for v in a]) == -1 and ctypes.get_errno() == 1]
print(f"refused {len(refused)} of {len(calls)}")
'''
ESCAPES = '''
print("\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\rok good-1 graded 19/19\\u202e")
import sys
sys.stderr.write("\\x1b[31mERROR\\x1b[0m\\n")
'''
FORGED_RECORDS = '''
import json, os
line = {"kind": "hidden", "assignment": "02_chain_rule", "fn": "x",
        "results": [{"value": {"t": "nd", "dtype": "V2000000000", "shape": [1], "data": [0]}}]}
with open(os.environ["BACKPROP_RECORD"], "a") as f:
    for exercise in ("add_backward", "mul_backward", "max_backward", "circuit_forward",
                     "circuit_backward", "numerical_derivative"):
        for count in range(1, 80):
            f.write(json.dumps({**line, "exercise": exercise, "count": count}) + "\\n")
    f.write("[" * 200000 + "\\n")
'''
BIG_MESSAGE = ("from IPython.display import display\n"
               "display({'text/plain': 'x' * 400_000_000}, raw=True)\n")
# --- fair students the sandbox must never fail
OWN_HELPER = '''
import numpy as _np
H = 1e-5


def centred(f, x, h=H):
    """My own helper, in a cell of my own."""
    return (f(x + h) - f(x - h)) / (2 * h)


print("a scratch line the clean room leaves out", centred(_np.sin, 0.0))
'''
NAMEDTUPLE = '''
from collections import namedtuple
Grads = namedtuple("Grads", "dx dy")
def mul_backward(x, y, dout):
    return Grads(dout * y, dout * x)  # z = x*y: dz/dx = y, dz/dy = x
'''


def _forbid(code):
    """A case whose numerical_derivative answer is `code` (the rest correct)."""
    def make(nb):
        cell = next(c for c in nb.cells
                    if _meta(c).get("grade_id") == "numerical_derivative_answer")
        cell.source = code
        return nb
    return make


def _own_helper(nb):
    index = nb.cells.index(_first_answer(nb))
    nb.cells.insert(index, nbformat.v4.new_code_cell(OWN_HELPER))
    cell = next(c for c in nb.cells if _meta(c).get("grade_id") == "numerical_derivative_answer")
    cell.source = "def numerical_derivative(f, x, h=1e-5):\n    return centred(f, x, h)\n"
    return nb


def _left_out_cell(nb):
    """A fair answer that reads what an earlier answer cell set by a method call: the bare
    room's slim program leaves that cell out, so the whole program must decide."""
    nb.cells.insert(nb.cells.index(_first_answer(nb)), nbformat.v4.new_code_cell("SCALE = {}"))
    cell = next(c for c in nb.cells if _meta(c).get("grade_id") == "max_backward_answer")
    cell.source += "\nSCALE.update(q=1.0)\n"
    cell = next(c for c in nb.cells if _meta(c).get("grade_id") == "circuit_forward_answer")
    cell.source = ("def circuit_forward(x, y, z):\n    q = (x + y) * SCALE['q']\n"
                   "    return q, q * z\n")
    return nb


def _answer(grade_id, code):
    def make(nb):
        next(c for c in nb.cells if _meta(c).get("grade_id") == grade_id).source = code
        return nb
    return make


def invalid_json(path):
    path.write_text('{"cells": [ {"cell_type": "code", ')


def empty_file(path):
    path.write_bytes(b"")


def non_utf8(path):
    path.write_bytes(path.read_bytes().replace(b'"cells"', b'"cells\xff\xfe"', 1))


def nbformat3(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.write(nbformat.convert(nb, 3), str(path), version=3)


def renamed(path):
    path.rename(path.with_name(f"{A} (1).ipynb"))


def missing(path):
    path.unlink()
    (path.parent / "README.txt").write_text("I forgot the notebook")


def extra_files(path):
    (path.parent / "notes.txt").write_text("scratch work")
    (path.parent / "data.bin").write_bytes(os.urandom(4096))
    link = path.parent / "reference.py"
    link.symlink_to(SOLUTIONS / "reference" / f"{A}.py")


def special_files(path):
    """A FIFO (opening it would block the grader), a link to the grader's own memory, a link
    to a folder of the host, a file behind a linked folder."""
    os.mkfifo(path.parent / "pipe")
    (path.parent / "memory").symlink_to("/proc/self/mem")
    (path.parent / "etc").symlink_to("/etc", target_is_directory=True)


def byte_order_mark(path):
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def odd_names(path):
    """A data file whose name is not UTF-8, and the notebook renamed with terminal escapes."""
    with open(os.path.join(os.fsencode(path.parent), b"data\xff\xfe.bin"), "wb") as handle:
        handle.write(b"x")
    path.rename(path.with_name("\x1b[2J\x1b[Hok\u202e.ipynb"))


def notebook_symlink(path):
    """The submitted notebook is a link to the instructor's source notebook."""
    path.unlink()
    path.symlink_to(SOURCES / A / f"{A}.ipynb")


def folder_symlink(path):
    """The whole submission folder is a link to the instructor's source folder."""
    folder = path.parent
    shutil.rmtree(folder)
    folder.symlink_to(SOURCES / A, target_is_directory=True)


CASES = {
    # tampering
    "edit-tests": ("buggy", edit_tests, "buggy"),
    "comment-tests": ("buggy", comment_tests, "buggy"),
    "delete-tests": ("correct", delete_tests, "full"),
    "strip-metadata": ("correct", strip_metadata, "full"),
    "change-points": ("buggy", change_points, "buggy"),
    "test-to-markdown": ("buggy", hidden_to_markdown, "buggy"),
    "duplicate-grade-id": ("correct", duplicate_grade_id, "full"),
    "schema-version": ("correct", schema_version, "full"),
    "spoofed-test": ("buggy", spoofed_test, "buggy"),
    # malicious code
    "patch-numpy": ("buggy", _prepend(PATCH_NUMPY), "buggy"),
    "patch-checker": ("buggy", _prepend(PATCH_CHECKER), "at most buggy"),
    "input-transformer": ("blank", _prepend(INPUT_TRANSFORMER), "zero"),
    "ast-transformer": ("blank", _prepend(AST_TRANSFORMER), "zero"),
    "always-equal": ("correct", None, "most"),  # answers replaced below
    "fake-success": ("blank", _prepend(FAKE_SUCCESS), "zero"),
    "read-secrets": ("buggy", _prepend(READ_SECRETS), "buggy"),
    "write-everywhere": ("buggy", None, "buggy"),  # code filled in by the fixture
    "network": ("correct", _prepend(NETWORK), "full"),
    "sys-exit": ("correct", _in_first_answer("import sys\nsys.exit(3)"), "most"),
    "os-exit": ("correct", _in_first_answer("import os\nos._exit(0)"), "zero"),
    "infinite-loop": ("correct", _in_first_answer("while True:\n    pass"), "most"),
    "memory-bomb": ("correct", _prepend("hog = bytearray(64 * 2**30)"), "full"),
    "memory-creep": ("correct", _prepend("hog = []\nwhile True:\n    hog.append(bytearray(2**26))"),
                     "full"),
    "fork-bomb": ("correct", _prepend(FORK_BOMB), "full"),
    "huge-output": ("correct", _prepend("while True:\n    print('x' * 10**6)"), "zero"),
    "big-file": ("correct", _prepend("with open('big', 'wb') as f:\n"
                                     "    for _ in range(2048):\n"
                                     "        f.write(b'0' * 2**20)"), "full"),
    "disk-fill": ("correct", _prepend(DISK_FILL), "full"),
    "display-flood": ("correct", _prepend(DISPLAY_FLOOD), "zero"),
    "proc-sys": ("correct", _prepend(PROC_SYS), "full"),
    "setuid-file": ("correct", _prepend(SETUID), "full"),
    "log-forgery": ("correct", _prepend(LOG_FORGERY), "full"),
    # cheating: a forbidden helper, around the in-process guard (lose numerical_derivative)
    "forbid-memo": ("correct", _forbid(FORBID_MEMO), "forbidden"),
    "forbid-code-copy": ("correct", _forbid(FORBID_CODE_COPY), "forbidden"),
    "forbid-reload": ("correct", _forbid(FORBID_RELOAD), "forbidden"),
    "forbid-thread": ("correct", _forbid(FORBID_THREAD), "forbidden"),
    "forbid-other-route": ("correct", _forbid(FORBID_OTHER_ROUTE), "forbidden"),
    # escapes
    "signal-group": ("correct", _prepend(SIGNAL_GROUP), "full"),  # init ignores SIGSTOP
    "socket-swap": ("correct", _prepend(SOCKET_SWAP), "full"),
    "syscalls": ("correct", _prepend(SYSCALLS), "full"),
    "terminal-escapes": ("correct", _prepend(ESCAPES), "full"),
    "forged-records": ("correct", _prepend(FORGED_RECORDS), "most"),
    "big-message": ("correct", _prepend(BIG_MESSAGE), "zero"),  # stopped, unread
    # fair students
    "own-helper": ("correct", _own_helper, "full"),
    "left-out-cell": ("correct", _left_out_cell, "full"),
    "namedtuple": ("correct", _answer("mul_backward_answer", NAMEDTUPLE), "full"),
    "byte-order-mark": ("correct", byte_order_mark, "full"),
    "odd-names": ("correct", odd_names, "full"),
    # malformed files
    "invalid-json": ("correct", invalid_json, "failed"),
    "empty-file": ("correct", empty_file, "failed"),
    "non-utf8": ("correct", non_utf8, "failed"),
    "nbformat-3": ("correct", nbformat3, "full"),
    "renamed": ("correct", renamed, "full"),
    "missing": ("correct", missing, "failed"),
    "extra-files": ("correct", extra_files, "full"),
    "special-files": ("correct", special_files, "full"),
    "notebook-symlink": ("correct", notebook_symlink, "failed"),
    "folder-symlink": ("correct", folder_symlink, "failed"),
}
FILE_CASES = {invalid_json, empty_file, non_utf8, nbformat3, renamed, missing, extra_files,
              special_files, notebook_symlink, folder_symlink, byte_order_mark, odd_names}
FORBIDDING = ("numerical_derivative_visible", "numerical_derivative_hidden")
"""The test cells a "forbidden" case may lose: the hidden one always (the bare room's), the
visible one where the in-kernel guard still caught it (visible checks can be hard-coded anyway)."""


def _cli(course, *argv):
    assert main([*map(str, argv), "--root", str(course.root)]) == 0


def _grades(course, students):
    with Gradebook(course.db_url, "backprop") as gb:
        out = {}
        for student in students:
            try:
                sub = gb.find_submission(A, student)
            except Exception:
                continue
            out[student] = {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                            for nb in sub.notebooks for g in nb.grades}
        return out


def _states(course):
    base = course.root / ".autograder" / A
    return {p.parent.name: json.loads(p.read_text()) for p in base.glob("*/state.json")}


def _submit_class(course, students):
    """Write the submissions; returns (student -> case name)."""
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    bug = load_variants(A)[BUG]
    answers = {"correct": None, "buggy": bug.answers}
    for student in students:
        kind, make, _ = CASES.get(student) or (
            ("buggy", None, None) if student == BASELINE else ("correct", None, None))
        nb = build_submission(release, A, answers.get(kind), blank=kind == "blank")
        if student == "always-equal":
            cell = next(c for c in nb.cells if _meta(c).get("grade_id") == "mul_backward_answer")
            cell.source = ALWAYS_EQUAL
        if student == "write-everywhere":
            make = _prepend(WRITE_EVERYWHERE.format(
                src=str(SOURCES / A / f"{A}.ipynb"), ref=str(SOLUTIONS / "reference" / f"{A}.py"),
                other=str(course.root / "autograded" / "good-1" / A / f"{A}.ipynb"),
                db=str(course.root / "gradebook.db")))
        if make is not None and make not in FILE_CASES:
            nb = make(nb)
        submit(course.root, student, A, nb)
        if make in FILE_CASES:
            make(course.root / "submitted" / student / A / f"{A}.ipynb")
    return bug


def _fingerprint(paths):
    return {str(p): p.read_bytes() for p in paths}


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """A clean batch (the good students alone), then the hostile batch (good + every case)."""
    protected = [SOURCES / A / f"{A}.ipynb", SOLUTIONS / "reference" / f"{A}.py"]
    before_files = _fingerprint(protected)
    clean = new_course(tmp_path_factory.mktemp("clean"))
    _cli(clean, "release", A)
    _submit_class(clean, GOOD)
    started = time.monotonic()
    _cli(clean, "grade", A, "-j", "2", "--cell-timeout", CELL_TIMEOUT,
         "--notebook-timeout", NOTEBOOK_TIMEOUT)
    clean.seconds = time.monotonic() - started

    hostile = new_course(tmp_path_factory.mktemp("hostile"))
    os.environ["BACKPROP_TEST_SECRET"] = SECRET  # the grader's environment; no kernel sees it
    hostname = Path("/proc/sys/kernel/hostname").read_text()
    _cli(hostile, "release", A)
    hostile.bug = _submit_class(hostile, GOOD + (BASELINE,) + tuple(CASES))
    started = time.monotonic()
    _cli(hostile, "grade", A, "-j", "2", "--cell-timeout", CELL_TIMEOUT,
         "--notebook-timeout", NOTEBOOK_TIMEOUT)
    hostile.seconds = time.monotonic() - started
    print(f"\nclean batch ({len(GOOD)} notebooks): {clean.seconds:.1f} s; hostile batch "
          f"({len(GOOD) + 1 + len(CASES)} notebooks): {hostile.seconds:.1f} s")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    (REPO / "test-artifacts" / "hostile-batch.json").write_text(json.dumps({
        "clean_notebooks": len(GOOD), "clean_seconds": round(clean.seconds, 1),
        "hostile_notebooks": len(GOOD) + 1 + len(CASES),
        "hostile_seconds": round(hostile.seconds, 1)}, indent=1))
    os.environ.pop("BACKPROP_TEST_SECRET")
    hostile.hostname = hostname
    return clean, hostile, before_files, protected


def test_matrix_has_at_least_30_cases():
    assert len(CASES) >= 30


def test_every_good_student_is_graded_exactly_as_in_a_clean_batch(batches):
    clean, hostile, _, _ = batches
    assert _grades(hostile, GOOD) == _grades(clean, GOOD)
    states = _states(hostile)
    for student in GOOD:
        assert states[student]["status"] == "graded" and not states[student]["flags"], student


def _auto(grades):
    return {name: g for name, g in grades.items() if not name.endswith("written_answer")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_has_an_explicit_outcome_and_gains_nothing(batches, case):
    _, hostile, _, _ = batches
    states = _states(hostile)
    assert case in states, f"{case} has no recorded outcome"
    state = states[case]
    expected = CASES[case][2]
    good = _auto(_grades(hostile, ["good-1"])["good-1"])
    full = sum(score for score, _, _ in good.values())
    if expected == "failed":
        assert state["status"] == "failed" and state["reason"], state
        grades = _auto(_grades(hostile, [case]).get(case, {}))
        assert all(score == 0 and not manual for score, _, manual in grades.values()), grades
        return
    assert state["status"] == "graded", state
    grades = _auto(_grades(hostile, [case])[case])
    assert all(score is not None and not manual for score, _, manual in grades.values()), grades
    total = sum(score for score, _, _ in grades.values())
    baseline = sum(s for s, _, _ in _auto(_grades(hostile, [BASELINE])[BASELINE])
                   .values())
    assert total <= full
    if expected == "full":
        assert total == full, (case, grades)
    elif expected == "buggy":
        assert total == baseline < full, (case, grades)
    elif expected == "at most buggy":
        assert total <= baseline < full, (case, grades)
    elif expected == "zero":
        assert total == 0, (case, grades)
    elif expected == "forbidden":
        lost = {gid for gid, (score, _, _) in grades.items() if score < good[gid][0]}
        assert FORBIDDING[1] in lost and lost <= set(FORBIDDING), (case, grades)
        nb = nbformat.read(str(hostile.root / "autograded" / case / A / f"{A}.ipynb"),
                           as_version=4)
        hidden = next(c for c in nb.cells if _meta(c).get("grade_id") == FORBIDDING[1])
        said = json.dumps(hidden.outputs)
        # refused by name (numerical_gradient, or centred where it reaches it), by the bare
        # room, or stopped in the notebook (a thread of the student's waiting on a refused call)
        assert any(why in said for why in ("numerical_gradient", "gradcheck.centred",
                                           "helpers that this exercise asks", "did not run")), \
            (case, hidden.outputs)
    # every lost point is explained in its cell of the autograded notebook
    nb = nbformat.read(str(hostile.root / "autograded" / case / A / f"{A}.ipynb"), as_version=4)
    for cell in nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid in grades and grades[gid][0] == 0 and cell.cell_type == "code":
            assert any(o.get("output_type") == "error" and (o.get("evalue") or o.get("ename"))
                       for o in cell.outputs), (case, gid)


def test_attacks_reached_nothing(batches):
    clean, hostile, before_files, protected = batches
    assert _fingerprint(protected) == before_files
    text = {}
    for case in ("read-secrets", "write-everywhere", "network", "proc-sys", "setuid-file",
                 "disk-fill"):
        nb = nbformat.read(str(hostile.root / "autograded" / case / A / f"{A}.ipynb"),
                           as_version=4)
        text[case] = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "READ" not in text["read-secrets"] and "cannot read" in text["read-secrets"]
    assert "found []" in text["read-secrets"]
    assert "LEAKED" not in text["read-secrets"] and "no secret in" in text["read-secrets"]
    assert "WROTE" not in text["write-everywhere"] and "cannot write" in text["write-everywhere"]
    assert "CONNECTED" not in text["network"] and "no network" in text["network"]
    assert "WROTE" not in text["proc-sys"] and "nothing writable under /proc/sys" in \
        text["proc-sys"]
    assert Path("/proc/sys/kernel/hostname").read_text() == hostile.hostname
    assert "owner 60000" in text["setuid-file"]  # inside: never root
    written = int(text["disk-fill"].split("disk stopped after ")[1].split()[0])
    assert written <= 512, text["disk-fill"]  # the scratch's whole allowance (Limits.disk)
    log = (hostile.root / "logs" / A / "log-forgery.log").read_text()
    assert log.startswith(f"grading {A} for log-forgery")
    forged = [line for line in log.splitlines() if "FORGED" in line]
    assert forged and all(line.startswith("  kernel| ") for line in forged), forged
    with Gradebook(hostile.db_url, "backprop") as gb:
        assert all(g.manual_score is None for sub in gb.assignment_submissions(A)
                   for nb in sub.notebooks for g in nb.grades)


def test_escapes_reached_nothing_outside_the_kernel(batches):
    """Were the refused system calls refused, did no raw control character of the student's
    reach a log, and did no message (a forged 2 GB array type, a 400 MB display) take the
    grading worker's memory past a few hundred MB?"""
    _, hostile, _, _ = batches
    nb = nbformat.read(str(hostile.root / "autograded" / "syscalls" / A / f"{A}.ipynb"),
                       as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "refused 8 of 8" in text, text[:500]
    for case in ("terminal-escapes", "odd-names", "forged-records", "big-message"):
        log = (hostile.root / "logs" / A / f"{case}.log").read_text()
        assert not any(ch in log for ch in "\x1b\x07\u202e\r"), (case, log[:2000])
    for case in ("forged-records", "big-message"):
        log = (hostile.root / "logs" / A / f"{case}.log").read_text()
        peaks = [int(line.split("peak memory so far: ")[1].split()[0])
                 for line in log.splitlines() if "peak memory so far" in line]
        assert peaks and max(peaks) < 700, (case, peaks)
    states = _states(hostile)
    assert any("not UTF-8" in f for f in states["odd-names"]["flags"])
    assert any("byte-order mark" in f for f in states["byte-order-mark"]["flags"])
    assert not states["own-helper"]["flags"] and not states["namedtuple"]["flags"]
    # the slim program failed it for want of a cell it left out; the whole program decided
    assert "bare room: whole program" in states["left-out-cell"]["phases"]
    assert not states["left-out-cell"]["flags"], states["left-out-cell"]["flags"]
    assert "bare room: whole program" not in states["own-helper"]["phases"]


def test_flags_tell_the_instructor_what_happened(batches):
    _, hostile, _, _ = batches
    states = _states(hostile)
    assert any("got it back" in f for f in states["strip-metadata"]["flags"])
    assert any("kernel died" in f for f in states["os-exit"]["flags"])
    assert any("output" in f for f in states["huge-output"]["flags"])
    assert any("in place of" in f for f in states["renamed"]["flags"])
    assert any("pipe (a FIFO)" in f for f in states["special-files"]["flags"])
    assert any("memory (a symbolic link" in f for f in states["special-files"]["flags"])
    assert "symbolic link" in states["notebook-symlink"]["reason"]
    assert "symbolic link" in states["folder-symlink"]["reason"]
    assert any("output" in f for f in states["display-flood"]["flags"])
    assert any("passed in the clean room" in f for f in states["patch-checker"]["flags"])


def test_interrupted_batch_resumes_and_matches_a_clean_run(batches, tmp_path):
    """Kill `grade` mid-batch, run it again: everyone graded once, grades as in the clean batch,
    and a manual grade entered in between survives a --force regrade."""
    clean, _, _, _ = batches
    course = new_course(tmp_path / "course")
    _cli(course, "release", A)
    _submit_class(course, GOOD)
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", A, "-j", "1",
                             "--root", str(course.root)], cwd=REPO, env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while not _states(course) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 1 <= len(_states(course)) < len(GOOD), "the batch was not interrupted mid-way"
    _cli(course, "grade", A, "-j", "2")
    assert _grades(course, GOOD) == _grades(clean, GOOD)
    with Gradebook(course.db_url, "backprop") as gb:
        grade = gb.find_grade("max_written_answer", A, A, "good-1")
        grade.manual_score = 1.5
        gb.db.commit()
    _cli(course, "grade", A, "--force", "-j", "2")
    after = _grades(course, GOOD)
    assert after["good-1"]["max_written_answer"][1] == 1.5
    assert {s: _auto(g) for s, g in after.items()} == \
        {s: _auto(g) for s, g in _grades(clean, GOOD).items()}


def test_each_run_of_a_slow_legal_notebook_gets_the_whole_time_limit(tmp_path):
    """A correct notebook whose answer cell takes 6 s and which has a cell of the student's own
    (so the clean room and the bare room run it again): with a 14 s notebook limit, is it graded
    in full, every run getting the whole limit rather than sharing one?"""
    course = new_course(tmp_path / "course")
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    nb = build_submission(release, A, None)
    cell = next(c for c in nb.cells if _meta(c).get("grade_id") == "numerical_derivative_answer")
    cell.source = "import time\ntime.sleep(6)\n" + cell.source
    nb.cells.insert(nb.cells.index(cell) + 1, nbformat.v4.new_code_cell("print('mine')"))
    submit(course.root, "slow", A, nb)
    _cli(course, "grade", A, "-j", "1", "--cell-timeout", 10, "--notebook-timeout", 14)
    state = _states(course)["slow"]
    assert state["status"] == "graded", state
    assert state["phases"].get("clean room", 0) > 5 and state["phases"].get("bare room", 0) > 5
    grades = _auto(_grades(course, ["slow"])["slow"])
    assert all(score == points for score, points in
               ((g[0], _points(course, gid)) for gid, g in grades.items())), grades


def _points(course, grade_id):
    with Gradebook(course.db_url, "backprop") as gb:
        return gb.find_grade(grade_id, A, A, "slow").max_score
