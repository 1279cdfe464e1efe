"""The circuits in a real browser, at the widths students use: JupyterLab from this venv with its
file browser open, headless Chromium, every cell of a solution notebook run (so every live circuit
draws the student's gradients), then every circuit's drawing measured against its output area.

Never skipped: if Chromium or a notebook's circuits are missing, this fails and says so.
"""
import os
import time
from contextlib import contextmanager

import pytest

from autograder.workspace import REPO
from tests.test_browser import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    jupyter_lab,
    run_every_cell,
    wait_for_kernel,
)

WIDTHS = (900, 1400)
"""Window widths (px): a laptop's half screen, and a full one."""


@contextmanager
def notebook_page(notebook, workdir, *, lang=None, width=1400):
    """A page of JupyterLab showing `notebook` (a solution notebook, English or Korean) with the
    file browser open and every cell run; yields the page."""
    from playwright.sync_api import sync_playwright
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: install Debian's chromium"
    folder = workdir / "notebooks"
    folder.mkdir()
    source = (REPO / "solutions" / "notebooks" / f"{notebook}.ipynb" if lang != "ko" else
              REPO / "translations" / "ko" / "source_notebooks" / notebook / f"{notebook}.ipynb")
    (folder / f"{notebook}.ipynb").write_bytes(source.read_bytes())
    ARTIFACTS.mkdir(exist_ok=True)
    with jupyter_lab(folder, workdir, lang=lang) as (base, token), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/{notebook}.ipynb?token={token}")
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=30000)
            wait_for_kernel(page, base, token)
            if not page.locator(".jp-FileBrowser").is_visible():
                page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first.click()
            page.locator(".jp-FileBrowser").wait_for(state="visible", timeout=10000)
            run_every_cell(page)
            yield page
        finally:
            page.screenshot(path=str(ARTIFACTS / f"browser-circuits-{notebook}-{lang or 'en'}"
                                                  ".png"))
            browser.close()


OUTSIDE = """() => {
  const out = [];
  const pictures = document.querySelectorAll(
      '.jp-OutputArea-output svg, .jp-OutputArea-output img');
  for (const el of pictures) {
    const area = el.closest('.jp-OutputArea-output');
    const a = area.getBoundingClientRect(), b = el.getBoundingClientRect();
    if (b.width === 0) { out.push({what: el.tagName, why: 'not drawn (zero width)'}); continue; }
    const title = el.querySelector ? (el.querySelector('title') || {}).textContent : null;
    if (b.left < a.left - 1 || b.right > a.right + 1 || b.top < a.top - 1)
      out.push({what: el.tagName + ' ' + (title || el.getAttribute('alt') || ''),
                picture: [b.left, b.top, b.right], area: [a.left, a.top, a.right]});
  }
  return {count: pictures.length, outside: out};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("notebook, circuits", [
    ("02_chain_rule", 3), ("03_sigmoid_neuron", 4), ("04_staged_backprop", 4),
    ("07_autograd", 1)])
def test_every_circuit_lies_inside_its_output_area(notebook, circuits, tmp_path):
    """At 900 px and at 1400 px window width, file browser open, is every circuit (and every
    picture) drawn inside its output area, none clipped at the right or the top?"""
    started = time.monotonic()
    with notebook_page(notebook, tmp_path) as page:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 1000})
            page.wait_for_timeout(500)  # JupyterLab lays out again on resize
            found = page.evaluate(OUTSIDE)
            drawn = page.locator(".jp-OutputArea-output svg").count()
            assert drawn >= circuits, f"{notebook} at {width} px: {drawn} circuits drawn"
            assert found["outside"] == [], f"{notebook} at {width} px: {found['outside']}"
    assert time.monotonic() - started < 240


def _product_lines(text):
    """Every "a × b = c" in `text` as numbers (the step-through's arithmetic)."""
    import re
    number = r"(-?\d+\.\d+)"
    return [tuple(float(v) for v in m) for m in
            re.findall(rf"{number} × {number} = {number}", text)]


@pytest.mark.browser
@pytest.mark.parametrize("lang, forth, back", [("en", "step ▶", "◀ step back"),
                                               ("ko", "한 단계 ▶", "◀ 한 단계 뒤로")])
def test_stepping_through_02s_backward_pass_shows_the_chain_rule(lang, forth, back, tmp_path):
    """In 02's live circuit at the worked example, does "step" mark the mul gate and show
    dq = z × df = -4.00 × 1.00 = -4.00, the next step the add gate, every product shown right,
    and "step back" return to the first step (English and Korean buttons)?"""
    with notebook_page("02_chain_rule", tmp_path, lang=None if lang == "en" else lang) as page:
        widget = page.locator(".jp-Notebook .jp-CodeCell").filter(
            has_text="live_circuit(XYZ").first.locator(".jp-OutputArea-output").filter(
            has=page.locator(".course-slider")).first
        widget.scroll_into_view_if_needed()
        rule = widget.locator(".step-rule")
        widget.locator("button", has_text=forth).click()
        rule.locator(".rule").first.wait_for(timeout=10000)
        first = rule.inner_text()
        assert "dq = z × df = -4.00 × 1.00 = -4.00" in first, first
        assert widget.locator('svg circle.gate.current[data-wire="f"]').count() == 1
        widget.locator("button", has_text=forth).click()
        said_in = "([el, text]) => el.querySelector('.step-rule').innerText.includes(text)"
        page.wait_for_function(said_in, arg=[widget.element_handle(), "dx = 1 × dq"],
                               timeout=10000)
        second = rule.inner_text()
        assert widget.locator('svg circle.gate.current[data-wire="q"]').count() == 1
        widget.screenshot(path=str(ARTIFACTS / f"step-through-02-{lang}.png"))
        products = _product_lines(first + "\n" + second)
        assert len(products) == 4
        assert all(abs(a * b - c) <= 0.011 for a, b, c in products), products
        said = widget.locator('[role="status"]').text_content()
        assert "dx = 1 × dq = 1.00 × -4.00 = -4.00" in said, said
        widget.locator("button", has_text=back).click()
        page.wait_for_function(said_in, arg=[widget.element_handle(), "dq = z × df"],
                               timeout=10000)


@pytest.mark.browser
@pytest.mark.parametrize("lang, forth", [("en", "step ▶"), ("ko", "한 단계 ▶")])
def test_stepping_through_07s_traced_graph_shows_the_chain_rule(lang, forth, tmp_path):
    """In 07's value graph (the pattern circuit traced by the notebook's Value), does "step"
    mark the output's node and show its rule, d2 = (the other factor) × dout = -10.00 × 1.00,
    and every product shown right over three steps (English and Korean)?"""
    with notebook_page("07_autograd", tmp_path, lang=None if lang == "en" else lang) as page:
        widget = page.locator(".jp-Notebook .jp-CodeCell").filter(
            has_text="value_graph_view(").first.locator(".jp-OutputArea-output").filter(
            has=page.locator(".course-slider")).first
        widget.scroll_into_view_if_needed()
        changed = "([el, old]) => el.querySelector('.step-rule').innerText !== old"
        shown = [widget.locator(".step-rule").inner_text()]
        for _ in range(3):
            widget.locator("button", has_text=forth).click()
            page.wait_for_function(changed, arg=[widget.element_handle(), shown[-1]],
                                   timeout=10000)
            shown.append(widget.locator(".step-rule").inner_text())
        shown = shown[1:]
        assert "× 1.00 = -10.00" in shown[0] and "d2 = " in shown[0], shown[0]
        assert widget.locator("svg circle.gate.current").count() == 1
        products = _product_lines("\n".join(shown))
        assert len(products) >= 4
        assert all(abs(a * b - c) <= 0.011 for a, b, c in products), products
