"""Accessibility in a real browser: axe-core (WCAG 2.1 A and AA rules), run in headless Chromium
over the outputs of every notebook (its solution, so every widget and picture is drawn) in both
languages, and a keyboard-only run of a live circuit.

Only the course's own outputs are judged (`.jp-OutputArea-output`), not JupyterLab's chrome.
axe-core comes from npm, pinned in the Makefile (AXE_VERSION), installed into the venv by
`make install-test`; nothing is fetched while the tests run. Never skipped: a missing axe-core
or Chromium fails and says how to install it.
"""
import json
import sys
import time
from pathlib import Path

import pytest

from autograder.workspace import assignments
from tests.test_browser import ARTIFACTS
from tests.test_browser_circuits import notebook_page

AXE = Path(sys.executable).parent.parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run({include: [['.jp-OutputArea-output']]},
      {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
       resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.html.slice(0, 200))}));
}"""


def axe_violations(page):
    """Every axe violation in the page's output areas: [{id, impact, help, nodes}]."""
    assert AXE.exists(), f"{AXE} is missing: run `make install-test` (npm install axe-core)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("notebook", assignments())
def test_no_serious_accessibility_violation_in_the_outputs(notebook, lang, tmp_path):
    """With every cell of the notebook run, does axe-core find no serious or critical WCAG 2.1
    A/AA violation in its outputs (widgets, circuits, pictures, messages)?"""
    started = time.monotonic()
    with notebook_page(notebook, tmp_path, lang=None if lang == "en" else lang) as page:
        page.wait_for_timeout(1000)  # the last widgets render
        found = axe_violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{notebook}-{lang}.json").write_text(json.dumps(found, indent=1))
    serious = [v for v in found if v["impact"] in SERIOUS]
    count = sum(len(v["nodes"]) for v in serious)
    assert count == 0, f"{notebook} ({lang}): {count} serious or critical: " + "; ".join(
        f"{v['id']} x{len(v['nodes'])} ({v['help']}): {v['nodes'][0]}" for v in serious)
    assert time.monotonic() - started < 300


@pytest.mark.browser
def test_a_live_circuit_works_from_the_keyboard_and_says_what_changed(tmp_path):
    """In 02's live circuit, keyboard only: does Tab reach the x slider (labelled), do the arrow
    keys move it, and does the screen reader's live region then say the new gradient on z?"""
    with notebook_page("02_chain_rule", tmp_path) as page:
        widget = page.locator(".jp-Notebook .jp-CodeCell").filter(
            has_text="live_circuit(XYZ").first.locator(".jp-OutputArea-output").filter(
            has=page.locator(".course-slider")).first
        widget.scroll_into_view_if_needed()
        narration = widget.locator('[role="status"][aria-live="polite"]')
        before = narration.text_content()
        assert "dz = 3.00" in before, before
        # start at the widget's top-left corner (nothing focusable there): Tab moves into it
        box = widget.bounding_box()
        page.mouse.click(box["x"] + 2, box["y"] + 1)
        presses, focused = 0, {"slider": False}
        while not focused["slider"] and presses < 5:
            page.keyboard.press("Tab")
            presses += 1
            focused = page.evaluate("""() => { const e = document.activeElement;
                const row = e.closest('.course-slider');
                return {slider: e.type === 'range' && !!row,
                        label: e.labels && e.labels.length ? e.labels[0].textContent : null};
                }""")
        assert focused["slider"], f"no slider focused after {presses} Tab presses"
        assert focused["label"] == "x"
        for _ in range(20):  # 20 steps of 0.01: x from -2.00 to -1.80
            page.keyboard.press("ArrowRight")
        end = time.monotonic() + 10
        while "dz = 3.20" not in narration.text_content() and time.monotonic() < end:
            time.sleep(0.1)
        after = narration.text_content()
        state = page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName, type: e.type, value: e.value, cls: e.className}; }""")
        assert after != before, f"the narration did not change; focused: {state}"
        assert "dz = 3.20" in after, after  # dz = x + y = -1.80 + 5
