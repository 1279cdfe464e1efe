"""`make test` spreads its tiers over the cores with pytest-xdist's `--dist loadgroup`, and
tests/conftest.py puts each module (or, for the SPLIT modules, each assignment) in one group, so
that an expensive module-scoped fixture (a class graded once, an assignment autograded by
nbgrader) is built once, on one worker. Under pytest 9 with pytest-xdist 3.8 the groups were
silently ignored and every such fixture was built on both workers. This runs a tiny suite with
the project's own grouping and checks the groups hold."""
import json
import subprocess
import sys
import textwrap

from autograder.workspace import REPO

FIXTURE = textwrap.dedent("""\
    import json, os
    import pytest

    def _log(event):
        with open(os.environ["GROUPS_LOG"], "a") as f:
            f.write(json.dumps(event) + "\\n")
    """)

PLAIN = FIXTURE + textwrap.dedent("""\
    @pytest.fixture(scope="module")
    def built():
        _log(dict(setup="plain", worker=os.environ.get("PYTEST_XDIST_WORKER")))

    @pytest.mark.parametrize("i", range(6))
    def test_plain(built, i):
        _log(dict(test="plain", worker=os.environ.get("PYTEST_XDIST_WORKER")))
    """)

SPLIT = FIXTURE + textwrap.dedent("""\
    @pytest.fixture(scope="module", params=["01_perceptron", "02_chain_rule", "03_sigmoid_neuron"])
    def built(request):
        _log(dict(setup=request.param, worker=os.environ.get("PYTEST_XDIST_WORKER")))
        return request.param

    @pytest.mark.parametrize("i", range(3))
    def test_split(built, i):
        _log(dict(test=built, worker=os.environ.get("PYTEST_XDIST_WORKER")))

    # a function as a parameter: its repr differs between workers, its group name must not
    @pytest.mark.parametrize("name, f", [("ident", lambda v: v), ("neg", lambda v: -v)])
    def test_function_parameter(name, f):
        assert f(1) in (1, -1)
    """)


def test_each_group_runs_on_one_worker_and_builds_its_fixture_once(tmp_path):
    """Run with `-n 2 --dist loadgroup` and the project's conftest hook: do both workers agree
    on the groups, is every module-scoped fixture built once, and does every test of a group run
    on the worker that built it?"""
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_collection_modifyitems  # noqa: F401\n")
    (tmp_path / "test_plain.py").write_text(PLAIN)
    (tmp_path / "test_accuracy.py").write_text(SPLIT)  # a SPLIT module: a group per assignment
    log = tmp_path / "log.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p",
         "no:cacheprovider", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "GROUPS_LOG": str(log),
             "HOME": str(tmp_path)}, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    events = [json.loads(line) for line in log.read_text().splitlines()]
    setups = [e for e in events if "setup" in e]
    assert all(str(e["worker"]).startswith("gw") for e in events), events  # under xdist
    assert sorted(e["setup"] for e in setups) == [
        "01_perceptron", "02_chain_rule", "03_sigmoid_neuron", "plain"], setups
    where = {e["setup"]: e["worker"] for e in setups}
    tests = [e for e in events if "test" in e]
    assert len(tests) == 6 + 9
    assert all(e["worker"] == where[e["test"]] for e in tests), events
