"""The records between the grading process and its workers (autograder/records.py): does each
survive its trip through JSON (the local pool's pipe) unchanged, is an unknown key refused
rather than ignored, and do both executors offer what a Batch uses?"""
import inspect

import pytest

from autograder.cluster import DaskPool
from autograder.pool import Executor, Pool
from autograder.records import Reply, Task


def test_a_task_and_a_reply_survive_json():
    """Is a Task or a Reply read back from its JSON equal to what was written?"""
    task = Task("02_chain_rule", "ada", "02_chain_rule", input="/s/ada.ipynb", output="/o",
                log="/l", read_db="sqlite:///x", data_folder="/d", cell_timeout=30.0,
                renamed="graded x in place of y", tries=1)
    assert Task.from_json(task.to_json()) == task
    reply = Reply("ok", seconds=1.5, flags=["a flag"], phases={"cells": 0.4})
    assert Reply.from_json(reply.to_json()) == reply and reply.ok
    failed = Reply.failed("the grading worker died", grader_failed=True)
    assert not failed.ok and Reply.from_json(failed.to_json()).grader_failed


def test_an_unknown_key_is_refused():
    """Is a reply with a key no field declares (an old name such as "retry") refused?"""
    with pytest.raises(ValueError, match="retry"):
        Reply.from_json('{"status": "failed", "retry": true}')


@pytest.mark.parametrize("executor", [Pool, DaskPool])
def test_both_executors_offer_what_a_batch_uses(executor):
    """Do the local pool and the Dask pool both define every method of the Executor protocol,
    and set its attributes?"""
    for name in ("submit", "cancel", "close"):
        assert callable(getattr(executor, name, None)), name
    source = inspect.getsource(executor.__init__)
    assert all(f"self.{attribute}" in source for attribute in ("results", "missing")), source
    assert set(inspect.signature(executor.submit).parameters) == {"self", "task"}
    assert {"results", "read_db", "missing"} <= set(Executor.__annotations__)
