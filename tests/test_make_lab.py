"""`make lab`, the README's first command, really serves the student release."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

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


def test_make_lab_serves_the_release_and_not_the_sources():
    """Does `make lab` print a URL whose server lists the release notebooks, never the sources?"""
    port = free_port()
    proc = subprocess.Popen(["make", "lab", f"PORT={port}"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
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
        api = f"http://127.0.0.1:{port}/api/contents/%s?token={token}"
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
