"""Executing a notebook that shows every widget, as `nbgrader autograde` does (its Execute
preprocessor with this repository's nbgrader_config.py, in a real kernel): nothing waits for a
click, the training view's Start does not block the kernel, and no widget state is stored."""
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.preprocessors import Execute
from traitlets.config.loader import PyFileConfigLoader

from autograder.workspace import REPO

CELLS = [
    "import asyncio, time\nimport numpy as np\n"
    "from course.circuits import XYZ\n"
    "from course.widgets import live_circuit, perceptron_widget, sigmoid_widget, training_view",
    "live_circuit(XYZ, inputs=dict(x=-2.0, y=5.0, z=-4.0))",
    "perceptron_widget()",
    "sigmoid_widget()",
    # A 'network' whose loss halves each step: enough to drive the view.
    "state = {'loss': 1.0}\n"
    "def step(n):\n    state['loss'] *= 0.5 ** n\n    return state['loss'] + 1e-3\n"
    "view = training_view(step, lambda P: P[:, 0] * (1 - P[:, 1]), steps_per_tick=1,"
    " max_steps=40)\n"
    "t0 = time.perf_counter()\nview.start()\nstarted_in = time.perf_counter() - t0\nview",
    # The kernel runs this cell while training goes on in the background.
    "print('started in', round(started_in, 3), 'steps so far', view.done)\n"
    "for _ in range(300):\n    if not view.running:\n        break\n    await asyncio.sleep(0.05)\n"
    "print('finished', view.done, view.running)",
]


def widget_notebook():
    nb = new_notebook(cells=[new_code_cell(src) for src in CELLS])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def repo_config():
    """The repository's nbgrader_config.py, loaded the way nbgrader loads it."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()


def shown_widgets(nb):
    return [o for c in nb.cells for o in c.get("outputs", [])
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]


def test_autograde_execution_stores_no_widget_state_and_never_waits(tmp_path):
    """Does nbgrader's Execute, configured by this repository, run the widget notebook to the end
    without widget metadata, with Start returning at once and training finishing in the
    background while later cells run?"""
    nb = widget_notebook()
    Execute(config=repo_config()).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert "widgets" not in nb.metadata
    assert len(shown_widgets(nb)) == 4  # every widget was really displayed
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    printed = "".join(o.text for o in nb.cells[-1].outputs if o.output_type == "stream")
    started, finished = (line.split() for line in printed.splitlines())
    assert float(started[2]) < 0.5 and int(started[-1]) < 40  # Start returned before the end
    assert finished == ["finished", "40", "False"]


def test_default_nbclient_would_store_widget_state(tmp_path):
    """Without the setting, would the same notebook carry the widgets' state (so the setting
    above is what keeps autograded notebooks small)?"""
    nb = widget_notebook()
    nb.cells = nb.cells[:2]
    NotebookClient(nb, resources={"metadata": {"path": str(tmp_path)}}).execute()
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(s["model_name"] == "HTMLModel" for s in state.values())


def test_config_appends_the_widget_setting():
    """Is store_widget_state switched off for nbgrader's Execute in nbgrader_config.py?"""
    assert repo_config().Execute.store_widget_state is False
    assert "c.Execute.store_widget_state = False" in Path(REPO, "nbgrader_config.py").read_text()
