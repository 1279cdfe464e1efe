"""`make lab`, the README's first command, really serves the student release."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

import psutil
import pytest

from autograder.workspace import REPO
from tests.test_browser import free_port

pytestmark = pytest.mark.lab


def get_json(url, wait=30):
    """GET a JSON document, waiting up to `wait` seconds for the server to accept connections."""
    deadline = time.time() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as reply:
                return json.load(reply)
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError) or time.time() > deadline:
                raise
            time.sleep(0.5)


def _lab(*make_args):
    """Start `make lab` with `make_args`; returns (process, the contents API's URL pattern)."""
    port = free_port()
    proc = subprocess.Popen(["make", "lab", f"PORT={port}", *make_args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        url, seen, deadline = None, [], time.time() + 240
        while url is None and time.time() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            m = re.search(rf"(http://127\.0\.0\.1:{port}/lab\?token=\w+)", line)
            url = m and m.group(1)
        assert url, "make lab printed no URL:\n" + "".join(seen[-40:])
        token = url.split("token=")[1]
        return proc, f"http://127.0.0.1:{port}/api/contents/%s?token={token}"
    except BaseException:
        stop(proc)
        raise


def test_make_lab_serves_the_release_and_not_the_sources():
    """Does `make lab` print a URL whose server lists the release notebooks, never the sources?"""
    proc, api = _lab()
    try:
        top = get_json(api % "")
        names = {item["name"] for item in top["content"]}
        assert "02_chain_rule" in names and "source" not in names
        folder = get_json(api % "02_chain_rule")
        assert "02_chain_rule.ipynb" in {item["name"] for item in folder["content"]}
        nb = get_json(api % "02_chain_rule/02_chain_rule.ipynb")["content"]
        text = json.dumps(nb)
        assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    finally:
        stop(proc)


def _server_environment(proc):
    """The environment of the Jupyter server `make` started (not of the shell around it)."""
    for child in psutil.Process(proc.pid).children(recursive=True):
        if child.name() not in ("sh", "bash", "dash", "make") and any(
                "jupyter" in part for part in child.cmdline()):
            return child.environ()
    raise AssertionError("make lab started no jupyter process")


def test_make_lab_lang_ko_serves_the_korean_release():
    """Does `make lab LANG=ko` serve the Korean release (the same assignment names, markdown in
    Korean, no solutions), with kernels told BACKPROP_LANG=ko and the server given a real locale
    instead of LANG=ko?"""
    proc, api = _lab("LANG=ko")
    try:
        names = {item["name"] for item in get_json(api % "")["content"]}
        assert "02_chain_rule" in names and not {"source", "source_ko"} & names
        nb = get_json(api % "02_chain_rule/02_chain_rule.ipynb")["content"]
        assert nb["metadata"]["backprop"]["lang"] == "ko"
        text = json.dumps(nb, ensure_ascii=False)
        assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
        assert re.search("[\uac00-\ud7a3]", nb["cells"][0]["source"])  # Hangul
        env = _server_environment(proc)
        assert env["BACKPROP_LANG"] == "ko" and env["LANG"] != "ko"
        assert env["LANG"] in subprocess.run(["locale", "-a"], capture_output=True,
                                             text=True).stdout.replace("utf8", "UTF-8")
    finally:
        stop(proc)


@pytest.mark.parametrize("lang, course, folder", [
    ("ko", "ko", "release_ko"), ("ko_KR.UTF-8", "ko", "release_ko"),
    ("en_US.UTF-8", "en", "release"), ("C.UTF-8", "en", "release")])
def test_lang_chooses_the_edition_from_a_language_or_a_locale(lang, course, folder):
    """Does LANG, as a language or as a Korean or other locale, choose the edition `make lab`
    releases and serves?"""
    plan = subprocess.run(["make", "-n", "lab", f"LANG={lang}"], cwd=REPO, capture_output=True,
                          text=True, check=True).stdout
    assert f"--lang {course}" in plan and f"BACKPROP_LANG={course}" in plan
    assert f"root_dir={REPO}/work/{folder} " in plan


def stop(proc):
    """Stop make and the Jupyter server it started (its whole process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
