"""Pictures of notebook 04, drawn without Jupyter."""
from matplotlib.figure import Figure

from course.circuits import PATTERN, STAGED
from course.pictures.forks import fork_figure


def _texts(fig):
    return [t.get_text().strip() for t in fig.axes[0].texts if t.get_text().strip()]


def test_fork_figure_shows_each_branch_and_the_lecture_sums():
    """Are x's three branches, y's two and the sums dx = 2.060, dy = 1.592 all drawn?"""
    fig = fork_figure(STAGED, dict(x=3.0, y=-4.0), ("x", "y"))
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    assert "sum = dx = +2.060" in texts and "sum = dy = +1.592" in texts
    assert "via num: +0.512" in texts and "via xpy: +1.583" in texts
    assert sum(t.startswith("via") for t in texts) == 5
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["x → num", "x → sigx", "x → xpy", "dx", "y → sigy", "y → xpy", "dy"]


def test_fork_figure_scales_with_dout_and_takes_any_circuit():
    """Does dout scale every arrow, and does a one-branch wire of another circuit draw too?"""
    texts = _texts(fork_figure(STAGED, dict(x=3.0, y=-4.0), ("x",), dout=-2.0))
    assert "sum = dx = -4.119" in texts
    texts = _texts(fork_figure(PATTERN, dict(x=3.0, y=-4.0, z=2.0, w=-1.0), ("x",)))
    assert texts == ["via xy: -8.000", "sum = dx = -8.000"]
