"""A real classroom on JupyterHub, as root: Unix users, PAM logins, each student's JupyterLab
spawned as that user, nbgrader's exchange between them, and this course's pipeline.

One instructor and three students are created with useradd (removed after, also on failure).
The hub runs deploy/hub/jupyterhub_config.py from the hub environment (`make install-hub`) on
loopback ports, with a temporary state folder and exchange. The instructor installs the course
(install-course) and releases 02 with nbgrader; each student logs in with a password, and
through their own server (the hub's proxy, their own token) fetches the assignment with
nbgrader's Assignments API, writes answers through the contents API, and submits. The instructor
collects through the exchange, grades with the sandboxed pipeline (as root), releases feedback;
each student fetches theirs, and the grades are exported for Canvas. Between the steps, each
student tries to read what is not theirs.
"""
import csv
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from autograder.install import install_course
from autograder.submissions import build_submission, load_variants
from autograder.workspace import REPO, env
from tests.test_browser import free_port

pytestmark = pytest.mark.hub

A = "02_chain_rule"
COURSE_ID = "backprop"
HUB_VENV = Path(os.environ.get("HUB_VENV", REPO / ".venv-hub"))
DEPLOY = REPO / "deploy" / "hub"
BUDGET = 180
"""Seconds the whole classroom may take on an idle 2-core machine; on a busy one, the budget
grows with the load the machine had when the test started (at most fourfold)."""


def _run(argv, **kwargs):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=kwargs.pop("timeout", 300),
                          **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n" \
                                 f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


class Classroom:
    """The Unix side: users, their group, the folders every user reaches."""

    def __init__(self, shared):
        tag = secrets.token_hex(3)
        self.group = f"bph{tag}"
        self.instructor = f"bph{tag}i"
        self.students = [f"bph{tag}s{i}" for i in (1, 2, 3)]
        self.passwords = {u: secrets.token_urlsafe(12) for u in self.users}
        self.shared = shared
        self.exchange = shared / "exchange"
        self.etc = shared / "etc-jupyter"
        self.created = []

    @property
    def users(self):
        return [self.instructor, *self.students]

    def home(self, user):
        return Path(pwd.getpwnam(user).pw_dir)

    @property
    def course(self):
        return self.home(self.instructor) / "course"

    def create(self):
        _run(["groupadd", self.group])
        self.created.append(("group", self.group))
        for user in self.users:
            # Homes only their owner may enter (Debian's useradd makes them 0755 otherwise).
            _run(["useradd", "--create-home", "-K", "HOME_MODE=0700", "--shell", "/bin/bash",
                  "--groups", self.group, user])
            self.created.append(("user", user))
        _run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in self.passwords.items()))

    def remove(self):
        uids = set()
        for kind, name in self.created:
            if kind == "user":
                uids.add(pwd.getpwnam(name).pw_uid)
        # Whatever still runs as one of these users was started by this test: end it by its id.
        for proc in psutil.process_iter(["uids"]):
            if proc.info["uids"] and proc.info["uids"].real in uids:
                try:
                    proc.kill()
                except psutil.NoSuchProcess:
                    pass
        for kind, name in reversed(self.created):
            argv = ["userdel", "--remove", "--force", name] if kind == "user" else \
                ["groupdel", name]
            subprocess.run(argv, capture_output=True, timeout=60)

    def as_user(self, user, *argv, cwd=None, check=True):
        """Run `argv` as `user` (runuser), with the hub environment's PATH and nothing else of
        root's environment."""
        environ = {"PATH": f"{HUB_VENV / 'bin'}:/usr/bin:/bin", "HOME": str(self.home(user)),
                   "USER": user, "LANG": "C.UTF-8", "JUPYTER_CONFIG_PATH": str(self.etc)}
        cmd = ["runuser", "-u", user, "--", "env", "-i",
               *(f"{k}={v}" for k, v in environ.items()), *map(str, argv)]
        if check:
            return _run(cmd, cwd=cwd)
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)

    def nbgrader(self, *args):
        return self.as_user(self.instructor, "nbgrader", *args, cwd=self.course)

    def attempts(self, user, checks):
        """{label: outcome} of reading each (label, "list"|"read", path) as `user`."""
        script = (
            "import json, os, sys\n"
            "out = {}\n"
            "for label, how, path in json.loads(sys.argv[1]):\n"
            "    try:\n"
            "        os.listdir(path) if how == 'list' else open(path, 'rb').read(1)\n"
            "        out[label] = 'read'\n"
            "    except OSError as e:\n"
            "        out[label] = type(e).__name__\n"
            "print(json.dumps(out))\n")
        proc = self.as_user(user, "python", "-c", script, json.dumps(checks))
        return json.loads(proc.stdout)


@contextmanager
def classroom():
    shared = Path(tempfile.mkdtemp(prefix="hub-classroom-"))
    shared.chmod(0o755)  # every user passes through it to the exchange and the config
    room = Classroom(shared)
    try:
        room.create()
        yield room
    finally:
        room.remove()
        shutil.rmtree(shared, ignore_errors=True)


class Hub:
    """JupyterHub started from deploy/hub/jupyterhub_config.py, on loopback ports."""

    def __init__(self, room, state):
        self.room, self.state = room, state
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        self.proc = None

    def config(self):
        environment = {"JUPYTER_CONFIG_PATH": str(self.room.etc)}
        return "\n".join([
            "c = get_config()  # noqa",
            f"load_subconfig({str(DEPLOY / 'jupyterhub_config.py')!r})  # noqa",
            f"c.JupyterHub.bind_url = {self.url!r}",
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'",
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'",
            f"c.JupyterHub.db_url = 'sqlite:///{self.state}/jupyterhub.sqlite'",
            f"c.JupyterHub.cookie_secret_file = '{self.state}/cookie_secret'",
            f"c.ConfigurableHTTPProxy.pid_file = '{self.state}/proxy.pid'",
            f"c.PAMAuthenticator.allowed_groups = {{{self.room.group!r}}}",
            f"c.Spawner.environment = {{**c.Spawner.environment, **{environment!r}}}",
            "c.JupyterHub.services = [{'name': 'classroom-test', "
            f"'api_token': {self.token!r}}}]",
            "c.JupyterHub.load_roles = [{'name': 'classroom-test', 'services': "
            "['classroom-test'], 'scopes': ['admin:users', 'admin:servers', 'tokens', "
            "'access:servers', 'read:users']}]",
        ]) + "\n"

    def start(self):
        (self.state / "jupyterhub_config.py").write_text(self.config())
        self.log = open(self.state / "hub.log", "w")
        self.proc = subprocess.Popen(
            [str(HUB_VENV / "bin" / "jupyterhub"), "-f", "jupyterhub_config.py"],
            cwd=self.state, stdout=self.log, stderr=subprocess.STDOUT,
            env={"PATH": f"{HUB_VENV / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8",
                 "HOME": str(self.state)})
        end = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, f"jupyterhub exited:\n{self.logtext()}"
            try:
                if self.api("GET", "/")[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < end, f"the hub did not answer in 60 s:\n{self.logtext()}"
            time.sleep(0.3)

    def logtext(self):
        return (self.state / "hub.log").read_text()[-5000:]

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # the hub stops every user's server and the proxy
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def request(self, method, path, token=None, body=None, form=None, opener=None,
                headers=None):
        """(status, body text) of a request through the hub's proxy."""
        data, hdrs = None, dict(headers or {})
        if token:
            hdrs["Authorization"] = f"token {token}"
        if body is not None:
            data, hdrs["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with (opener or urllib.request.build_opener()).open(req, timeout=60) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def api(self, method, path, body=None):
        return self.request(method, f"/hub/api{path}", self.token, body)

    def login(self, user, password):
        """Log in through the hub's form as a browser would: (status, cookies set)."""
        jar = CookieJar()

        class Stay(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None  # see the redirect itself

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Stay)
        status, page = self.request("GET", "/hub/login", opener=opener)
        assert status == 200, page[:500]
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/hub/login", opener=opener,
                                 form={"username": user, "password": password, "_xsrf": xsrf})
        return status, {c.name for c in jar}

    def user_token(self, user):
        status, reply = self.api("POST", f"/users/{user}/tokens",
                                 {"note": "classroom test", "expires_in": 900})
        assert status in (200, 201), reply
        return json.loads(reply)["token"]

    def spawn(self, user):
        status, reply = self.api("POST", f"/users/{user}/server")
        assert status in (201, 202), reply

    def wait_ready(self, user, token, deadline):
        while True:
            if self.request("GET", f"/user/{user}/api/status", token)[0] == 200:
                return
            assert time.monotonic() < deadline, \
                f"{user}'s server did not start:\n{self.logtext()}"
            time.sleep(0.5)


def _notebook_of(hub, user, token, path):
    status, reply = hub.request("GET", f"/user/{user}/api/contents/{urllib.parse.quote(path)}",
                                token)
    assert status == 200, reply
    return json.loads(reply)


def _assignments(hub, user, token, action, method="POST"):
    path = f"/user/{user}/assignments" + (f"/{action}" if action else "")
    if method == "GET":
        status, reply = hub.request("GET", f"{path}?course_id={COURSE_ID}", token)
    else:
        status, reply = hub.request("POST", path, token,
                                    form={"course_id": COURSE_ID, "assignment_id": A})
    assert status == 200, reply
    answer = json.loads(reply)
    assert answer["success"], answer
    return answer["value"]


def _preconditions():
    assert os.geteuid() == 0, "the hub test creates Unix users and starts JupyterHub: run as root"
    for tool in ("jupyterhub", "jupyterhub-singleuser", "configurable-http-proxy", "nbgrader"):
        assert (HUB_VENV / "bin" / tool).exists(), \
            f"{HUB_VENV / 'bin' / tool} is missing: run `make install-hub`"
    probe = subprocess.run(["runuser", "-u", "nobody", "--", str(HUB_VENV / "bin" / "python"),
                            "-c", "import course, nbgrader, jupyterhub"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, (
        f"other users cannot run the hub environment {HUB_VENV} ({probe.stderr.strip()[-300:]}): "
        "every folder above it must be readable by all (a checkout under /root is not); "
        "build it elsewhere with `make install-hub HUB_VENV=/opt/backprop-hub` and set HUB_VENV")


def test_a_class_on_jupyterhub(tmp_path):
    """Through a real JupyterHub, does every student fetch, answer and submit 02, get exactly
    their own grade and feedback back, and never read another's submission, home, or the
    instructor's sources and references; and are the grades exported for Canvas, all within
    the time budget?"""
    _preconditions()
    slowdown = min(4.0, max(1.0, os.getloadavg()[0] / os.cpu_count()))
    started = time.monotonic()
    phases = []
    mark = lambda label: phases.append(f"{label} {time.monotonic() - started:.0f}s")  # noqa: E731
    state = tmp_path / "hub"
    state.mkdir(mode=0o700)
    with classroom() as room:
        s1, s2, s3 = room.students
        # The exchange and the students' nbgrader settings (deploy's, on a temporary exchange).
        _run([DEPLOY / "setup-exchange.sh", room.instructor, room.exchange, COURSE_ID])
        room.etc.mkdir(mode=0o755)
        (room.etc / "nbgrader_config.py").write_text(
            f"c = get_config()  # noqa\nload_subconfig({str(DEPLOY / 'nbgrader_config.py')!r})"
            f"  # noqa\nc.Exchange.root = {str(room.exchange)!r}\n")
        (room.etc / "nbgrader_config.py").chmod(0o644)
        hub = Hub(room, state)
        try:
            hub.start()
            mark("hub up")
            # PAM: a wrong password is refused; each user's own logs them in.
            status, cookies = hub.login(s1, "not-" + room.passwords[s1])
            assert status == 403 and "jupyterhub-hub-login" not in cookies
            for user in room.users:
                status, cookies = hub.login(user, room.passwords[user])
                assert status == 302 and "jupyterhub-hub-login" in cookies, (user, status)
            tokens = {s: hub.user_token(s) for s in room.students}
            for s in room.students:
                hub.spawn(s)  # they start while the instructor releases

            # The instructor's course: an empty folder of theirs, installed by root.
            room.as_user(room.instructor, "mkdir", room.course)
            install_course(room.course, [A])
            room.nbgrader("generate_assignment", A)
            room.nbgrader("release_assignment", A)
            mark("released")

            deadline = time.monotonic() + 120
            for s in room.students:
                hub.wait_ready(s, tokens[s], deadline)
            servers = {p.info["username"] for p in psutil.process_iter(["username", "cmdline"])
                       if "jupyterhub-singleuser" in " ".join(p.info["cmdline"] or [])}
            assert set(room.students) <= servers  # each student's server runs as that user
            mark("servers up")

            # Students: fetch, answer through the contents API, submit.
            bug_name, bug = next((n, v) for n, v in load_variants(A).items() if v.kind == "bug")
            answers = {s1: {}, s2: bug.answers, s3: None}
            for s in room.students:
                listed = _assignments(hub, s, tokens[s], "", method="GET")
                assert [a["assignment_id"] for a in listed] == [A], listed
                _assignments(hub, s, tokens[s], "fetch")
                model = _notebook_of(hub, s, tokens[s], f"{A}/{A}.ipynb")
                nb = nbformat.from_dict(model["content"])
                if answers[s] is not None:
                    nb = build_submission(nb, A, answers[s])
                status, reply = hub.request(
                    "PUT", f"/user/{s}/api/contents/{A}/{A}.ipynb", tokens[s],
                    body={"type": "notebook", "format": "json", "content": nb})
                assert status == 200, reply
                _assignments(hub, s, tokens[s], "submit")

            # Nobody reads what is not theirs.
            mark("submitted")
            inbound = room.exchange / COURSE_ID / "inbound"
            names = sorted(p.name for p in inbound.iterdir())
            assert len(names) == 3 and all(n.count("+") == 3 for n in names), names
            guessed = inbound / "+".join(next(n for n in names if n.startswith(s2)).split("+")[:3])
            checks = [
                ["inbound listing", "list", str(inbound)],
                ["another's submission, name without its random part", "read",
                 str(guessed / f"{A}.ipynb")],
                ["another student's home", "list", str(room.home(s2))],
                ["another student's notebook", "read", str(room.home(s2) / A / f"{A}.ipynb")],
                ["instructor's source", "read", str(room.course / "source" / A / f"{A}.ipynb")],
                ["instructor's references", "read",
                 str(room.course / ".backprop" / "solutions" / "reference" / f"{A}.py")],
                ["gradebook", "read", str(room.course / "gradebook.db")],
            ]
            expected = {label: "PermissionError" for label, _, _ in checks}
            expected["another's submission, name without its random part"] = "FileNotFoundError"
            assert room.attempts(s1, checks) == expected

            # Instructor: collect through the exchange; grade, sandboxed, as root.
            room.nbgrader("collect", A)
            mark("collected")
            _run([sys.executable, "-m", "autograder", "grade", A, "--root", room.course,
                  "-j", "2"], env=env(), timeout=400)
            uid = pwd.getpwnam(room.instructor)
            _run(["chown", "-R", f"{uid.pw_uid}:{uid.pw_gid}", room.course])
            mark("graded")
            with Gradebook(f"sqlite:///{room.course / 'gradebook.db'}", COURSE_ID) as gb:
                got = {s: {g.name: (g.score, g.max_score) for nb in
                           gb.find_submission(A, s).notebooks for g in nb.grades
                           if g.cell_type == "code"} for s in room.students}
            assert got[s1] and all(v == m for v, m in got[s1].values()), got[s1]
            assert {g for g, (v, m) in got[s2].items() if v < m} == set(bug.fails), bug_name
            assert sum(v for v, _ in got[s3].values()) == 0, got[s3]
            room.nbgrader("generate_feedback", A)
            room.nbgrader("release_feedback", A)
            mark("feedback released")

            # Students: each fetches their own feedback, and only that.
            for s in room.students:
                _assignments(hub, s, tokens[s], "fetch_feedback")
                folder = _notebook_of(hub, s, tokens[s], f"{A}/feedback")["content"]
                assert len(folder) == 1, folder
                pages = _notebook_of(hub, s, tokens[s], folder[0]["path"])["content"]
                assert [p["name"] for p in pages] == [f"{A}.html"], pages
                page = _notebook_of(hub, s, tokens[s], pages[0]["path"])["content"]
                own = (room.course / "feedback" / s / A / f"{A}.html").read_text()
                assert page == own and "hidden.check(" not in page, s
            assert len({(room.course / "feedback" / s / A / f"{A}.html").read_text()
                        for s in room.students}) == 3
        finally:
            hub.stop()
            print("phases:", ", ".join(phases))

        # Grades for Canvas, matched through the roster's Canvas ids.
        roster = tmp_path / "roster.csv"
        roster.write_text("id,first_name,last_name,email,canvas_id\n" + "".join(
            f"{s},S{i},Student,{s}@x.edu,{5000 + i}\n" for i, s in enumerate(room.students, 1)))
        _run([sys.executable, "-m", "autograder", "export", A, "--root", room.course,
              "--format", "canvas", "--roster", roster, "--out", tmp_path / "export"], env=env())
        with open(tmp_path / "export" / f"{A}_canvas.csv", newline="") as f:
            header, points, *rows = list(csv.reader(f))
        assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
        assert points[0] == "Points Possible"
        totals = {row[1]: float(row[5]) for row in rows}
        assert totals == {str(5000 + i): sum(v for v, _ in got[s].values())
                          for i, s in enumerate(room.students, 1)}
    elapsed = time.monotonic() - started
    print(f"classroom on JupyterHub: {elapsed:.0f} s (load at the start: {slowdown:.1f} per core)")
    assert elapsed < BUDGET * slowdown, \
        f"took {elapsed:.0f} s (budget {BUDGET} s x {slowdown:.1f} for the machine's load)"
