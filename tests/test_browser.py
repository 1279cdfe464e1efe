"""The live widgets in a real browser: JupyterLab from this venv, headless Chromium, every cell
of a notebook run, an x slider dragged, and a gradient read off the page: the live circuit in the
student release of 02, in English and in Korean, and the value graph of 07's solution notebook
(its Value class written).

Never skipped: if Chromium or the notebook's widget cell is missing, this fails and says so.
"""
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from autograder.release import release
from autograder.workspace import REPO, Course, env
from tests.nbgrader_run import make_root, nbgrader

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
NOTEBOOK = "02_chain_rule.ipynb"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return reply.status, reply.read()


@contextmanager
def jupyter_lab(root_dir, workdir, deadline=120, lang=None):
    """A JupyterLab server serving root_dir (its kernels told BACKPROP_LANG=`lang` if given, as
    `make lab LANG=ko` does); yields its base URL and token; stopped by its PID."""
    port, token = free_port(), secrets.token_hex(16)
    log = open(Path(workdir) / "jupyter.log", "w")
    # JupyterLab 4 skips rendering off-screen cells ('contentVisibility'), so whether an output
    # counts as visible would depend on where the last Shift+Enter left the scroll position.
    # Every cell stays attached and rendered: what the test sees no longer depends on scrolling.
    settings = Path(workdir) / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={token}",
         f"--ServerApp.root_dir={root_dir}", f"--LabApp.workspaces_dir={workdir}",
         f"--LabApp.user_settings_dir={Path(workdir) / 'user-settings'}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=workdir, env={**env(), "JUPYTER_RUNTIME_DIR": str(workdir),
                          **({"BACKPROP_LANG": lang} if lang else {})},
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + deadline
        while True:
            assert proc.poll() is None, f"jupyter lab exited: {Path(log.name).read_text()[-2000:]}"
            try:
                if _get(f"{base}/api/status?token={token}")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < end, f"jupyter lab not up after {deadline} s"
            time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def wait_for_kernel(page, base, token, deadline=30):
    """Until the notebook's kernel is up (the server lists it idle) and the page shows it idle.
    (The page says "idle" once before any kernel exists: the server's word settles that.)"""
    end = time.monotonic() + deadline
    while True:
        sessions = json.loads(_get(f"{base}/api/sessions?token={token}")[1])
        if any(s["kernel"]["execution_state"] == "idle" for s in sessions):
            break
        assert time.monotonic() < end, f"no idle kernel after {deadline} s: {sessions}"
        time.sleep(0.2)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=deadline * 1000)


def run_every_cell(page, timeout_ms=30000):
    """Shift+Enter through the notebook one cell at a time, each to completion. (Run All stops at
    the first error, and the release's visible tests fail on purpose until the student answers.)"""
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.first.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    count = cells.count()
    for i in range(count):
        cell = cells.nth(i)
        # Shift+Enter runs and moves on; on the last cell it would add a new one: Ctrl+Enter
        page.keyboard.press("Shift+Enter" if i < count - 1 else "Control+Enter")
        if "jp-CodeCell" in (cell.get_attribute("class") or ""):
            prompt = cell.locator(".jp-InputPrompt")
            end = time.monotonic() + timeout_ms / 1000
            while not re.search(r"\[\d+\]", prompt.inner_text()):
                assert time.monotonic() < end, f"cell {i} did not finish"
                time.sleep(0.05)


def drag_slider(page, slider, fraction):
    """Drag a course slider's thumb (course.widgets.slider: a range input) to `fraction` of its
    track, as a mouse would: press on the thumb where the value is, move, release."""
    slider.scroll_into_view_if_needed()
    track = slider.locator("input[type=range]")
    box = track.bounding_box()
    lo, hi, now = (float(track.get_attribute(k) or track.input_value()) for k in ("min", "max",
                                                                                 "value"))
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + (now - lo) / (hi - lo) * box["width"], y)
    page.mouse.down()
    page.mouse.move(box["x"] + fraction * box["width"], y, steps=8)
    page.mouse.up()


def number(locator):
    """The number a label shows (SVG text has no innerText: read its textContent); the slider
    readouts write minus as U+2212."""
    return float(locator.text_content().split()[0].replace("\u2212", "-"))


def browse_widget(root_dir, notebook, workdir, screenshot, call, wire, expected, lang=None):
    """Open `notebook`, run it, drag the first slider of the widget the cell calling `call`
    shows; returns (slider readouts after, grad on `wire` before, after, the sliders' labels,
    the first cell's text) as displayed, once the grad is `expected(readouts)` (the kernel
    redraws after every intermediate slider value) or 10 s have passed."""
    from playwright.sync_api import sync_playwright
    with jupyter_lab(root_dir, workdir, lang=lang) as (base, token), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = None
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"{base}/lab/tree/{notebook}?token={token}")
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=30000)
            wait_for_kernel(page, base, token)
            run_every_cell(page)
            cell = page.locator(".jp-Notebook .jp-CodeCell").filter(has_text=call)
            assert cell.count() >= 1, f"no cell calling {call}...) on the page"
            cell.first.scroll_into_view_if_needed()
            widget = cell.first.locator(".jp-OutputArea-output").filter(
                has=page.locator("svg text.grad")).filter(has=page.locator(".course-slider"))
            try:
                widget.first.wait_for(timeout=30000)
            except Exception as error:
                shown = cell.first.locator(".jp-OutputArea").inner_text()[:1500]
                raise AssertionError(f"the widget of {call}...) did not render within 30 s; "
                                     f"the cell's output area shows: {shown!r}") from error
            grad = widget.locator(f'svg text.grad[data-wire="{wire}"]')
            before = number(grad)
            sliders = widget.locator(".course-slider")
            drag_slider(page, sliders.first, 0.8)
            end = time.monotonic() + 10
            while True:
                readouts = [float(sliders.nth(i).locator("input[type=number]").input_value())
                            for i in range(sliders.count())]
                after = number(grad)
                if abs(after - expected(readouts)) <= 0.011 or time.monotonic() > end:
                    break
                time.sleep(0.1)
            widget.first.scroll_into_view_if_needed()
            labels = [sliders.nth(i).locator("label").text_content()
                      for i in range(sliders.count())]
            first = page.locator(".jp-Notebook .jp-Cell").first.inner_text()
            return readouts, before, after, labels, first
        finally:
            if page is not None:  # also on failure: the picture says what went wrong
                page.screenshot(path=str(screenshot))
            browser.close()


@pytest.fixture(scope="module")
def release_02(tmp_path_factory):
    """The student release of 02, built by nbgrader into a temporary course root."""
    root = make_root(tmp_path_factory.mktemp("nbgrader"))
    nbgrader(root, "generate_assignment", "02_chain_rule", "--force")
    folder = root / "release" / "02_chain_rule"
    assert "live_circuit(" in (folder / NOTEBOOK).read_text(), (
        "the release of 02 has no live_circuit(...) cell to drive")
    return folder


@pytest.mark.browser
def test_dragging_x_updates_the_gradient_on_z_in_the_browser(release_02, tmp_path):
    """In JupyterLab, after running the release of 02 and dragging x, does the page show
    df/dz = x + y for the new x (the stub backward means numerical gradients are drawn)?"""
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    started = time.monotonic()
    (x, y, *_), before, after, _, _ = browse_widget(release_02, NOTEBOOK, tmp_path,
                                                   ARTIFACTS / "browser-02-live-circuit.png",
                                                   "live_circuit(", "z", lambda r: r[0] + r[1])
    assert before == 3.00  # x + y at the lecture's x=-2, y=5
    assert x > 1.0 and after != before
    assert abs(after - (x + y)) <= 0.011  # both shown to 2 decimals
    assert time.monotonic() - started < 90


@pytest.mark.browser
def test_korean_release_of_02_moves_and_speaks_korean(tmp_path_factory, tmp_path):
    """In JupyterLab serving the Korean release of 02 (as `make lab LANG=ko` does), does dragging
    x still show df/dz = x + y, with the notebook's text and the upstream-gradient slider's label
    in Hangul?"""
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    course = Course(tmp_path_factory.mktemp("nbgrader-ko"), lang="ko")
    [folder] = release(["02_chain_rule"], course=course)
    (x, y, *_), before, after, labels, first = browse_widget(
        folder, NOTEBOOK, tmp_path, ARTIFACTS / "browser-02-korean.png", "live_circuit(", "z",
        lambda r: r[0] + r[1], lang="ko")
    assert before == 3.00 and x > 1.0 and abs(after - (x + y)) <= 0.011
    hangul = re.compile("[\uac00-\ud7a3]")
    assert hangul.search(first), f"the first cell is not in Korean: {first[:200]!r}"
    # the last slider is the upstream gradient's (course.widgets.circuit); its label comes from
    # course/locale/ko.toml
    assert hangul.search(labels[-1]), f"slider labels not in Korean: {labels}"


@pytest.mark.browser
def test_dragging_x_in_the_value_graph_of_07_updates_the_grad_of_y(tmp_path):
    """In JupyterLab, after running 07's solution notebook (its Value class written) and
    dragging x in the pattern circuit's value graph, does the page show dy = 2x for the new x?"""
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    name = "07_autograd.ipynb"
    (folder / name).write_bytes((REPO / "solutions" / "notebooks" / name).read_bytes())
    (x, *_), before, after, _, _ = browse_widget(folder, name, tmp_path,
                                                 ARTIFACTS / "browser-07.png",
                                                 "value_graph_view(", "y", lambda r: 2 * r[0])
    assert before == 6.00  # 2x at the lecture's x = 3
    assert abs(x - 3.0) > 0.2 and after != before  # the slider moved, and the grad with it
    assert abs(after - 2 * x) <= 0.011


@pytest.mark.browser
def test_step_and_start_in_08s_curves_view_train_and_redraw_on_the_page(tmp_path):
    """In JupyterLab, after running 08's solution notebook, does the curves view's Step button
    train one epoch and repaint the picture, and does Start then train to its 30 epochs?"""
    from playwright.sync_api import sync_playwright
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    name = "08_digits.ipynb"
    (folder / name).write_bytes((REPO / "solutions" / "notebooks" / name).read_bytes())
    with jupyter_lab(folder, tmp_path) as (base, token), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/{name}?token={token}")
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=30000)
            wait_for_kernel(page, base, token)
            run_every_cell(page)
            view = page.locator(".jp-Notebook .jp-CodeCell").filter(
                has_text="curves_view(").first.locator(".jp-OutputArea-output").filter(
                has=page.locator("button"))
            view.first.wait_for(timeout=30000)
            view.first.scroll_into_view_if_needed()
            image = view.locator("img").first
            status = view.locator(".widget-html-content").last
            before = image.get_attribute("src")
            view.locator("button", has_text="Step").first.click()
            # the picture is an <img> in an HTML widget (course.widgets.controls.PngPicture):
            # each repaint puts a new <img> in the view, so read the view's, not the old one's
            page.wait_for_function(
                "([view, old]) => view.querySelector('img').getAttribute('src') !== old",
                arg=[view.first.element_handle(), before], timeout=20000)
            assert re.match(r"step 1: loss \d", status.inner_text()), status.inner_text()
            view.locator("button", has_text="Start").first.click()
            end = time.monotonic() + 60
            while "max_steps = 30" not in status.inner_text():
                assert time.monotonic() < end, f"Start stopped at: {status.inner_text()!r}"
                time.sleep(0.2)
        finally:
            page.screenshot(path=str(ARTIFACTS / "browser-08-curves.png"))
            browser.close()
