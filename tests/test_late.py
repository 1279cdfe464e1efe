"""Late submissions lose what the policy says (autograder/late.py), applied by nbgrader's own
AssignLatePenalties: exact at the edges, reported by collect, exported, shown in feedback, and
never applied twice."""
import contextlib
import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.__main__ import main
from autograder.late import LatePolicy, describe_deadline, parse_deadline
from autograder.submissions import build_submission
from tests.nbgrader_run import nbgrader
from tests.pipeline_course import new_course

A = "02_chain_rule"
DEADLINE = datetime(2025, 3, 1, 12, 0, 0)
HOUR, DAY = 3600, 86400


@pytest.mark.parametrize("policy, seconds, lost", [
    ("none", 10 * DAY, 0.0),
    ("zero", 1, 1.0), ("zero", 0, 0.0),
    ("per-hour:5", 1, 0.05), ("per-hour:5", HOUR, 0.05), ("per-hour:5", HOUR + 1, 0.10),
    ("per-day:10", 1, 0.10), ("per-day:10", DAY, 0.10), ("per-day:10", DAY + 1, 0.20),
    ("per-day:10,grace:15m", 15 * 60, 0.0), ("per-day:10,grace:15m", 15 * 60 + 1, 0.10),
    ("per-day:10,cap:30", 3 * DAY, 0.30), ("per-day:10,cap:30", 3 * DAY + 1, 0.30),
    ("per-day:10,cap:30", 30 * DAY, 0.30), ("per-hour:2.5,cap:100", 50 * HOUR, 1.0),
])
def test_policies_take_exactly_what_they_say_at_the_edges(policy, seconds, lost):
    """1 s late, exactly at the grace limit, at and beyond the cap: exactly the fraction lost?"""
    assert LatePolicy.parse(policy).fraction(seconds) == pytest.approx(lost, abs=1e-12)
    assert LatePolicy.parse(policy).penalty(17.0, seconds) == pytest.approx(17.0 * lost)


@pytest.mark.parametrize("text", ["per-week:3", "per-day", "per-day:10,cap", "zero,grace:3y",
                                  "per-day:10,cap:150", "sometimes"])
def test_a_policy_that_means_nothing_is_refused_with_how_to_write_one(text):
    with pytest.raises(ValueError, match="late policy"):
        LatePolicy.parse(text)


@pytest.mark.parametrize("text, utc", [
    ("2025-03-01T23:59+09:00", datetime(2025, 3, 1, 14, 59)),
    ("2025-03-01 23:59:30Z", datetime(2025, 3, 1, 23, 59, 30)),
    ("2025-03-01 23:59 Asia/Seoul", datetime(2025, 3, 1, 14, 59)),
    ("2025-07-01 12:00 America/New_York", datetime(2025, 7, 1, 16, 0)),  # EDT, not EST
    ("2025-03-01 23:59 UTC", datetime(2025, 3, 1, 23, 59)),
    ("2025-03-01 23:59 utc", datetime(2025, 3, 1, 23, 59)),
])
def test_deadlines_with_an_offset_or_a_named_zone_are_exact(text, utc):
    """Is a deadline with an ISO offset, Z or an IANA zone the moment it names, printed in UTC
    and as given?"""
    when = parse_deadline(text)
    assert when.astimezone(UTC).replace(tzinfo=None) == utc
    assert describe_deadline(when).startswith(f"{utc:%Y-%m-%d %H:%M:%S} UTC (")


@pytest.mark.parametrize("text, why", [
    ("2025-03-01 23:59 KST", "'KST' is an abbreviation, unknown or ambiguous"),
    ("2025-03-01 23:59 EST", "'EST' is an abbreviation"),
    ("2025-03-01 23:59 IST", "'IST' is an abbreviation"),
    ("2025-03-01 23:59 Asia/Nowhere", "no IANA time zone"),
    ("01/03/2025 23:59", "order of day and month is ambiguous"),
    ("3.1.2025 23:59", "order of day and month is ambiguous"),
    ("2025-03-01 23:59", "no offset or zone"),
    ("tomorrow", "not an ISO 8601 date-time"),
    ("2025-02-30T12:00Z", "not an ISO 8601 date-time"),
])
def test_ambiguous_or_unzoned_deadlines_are_refused_with_the_accepted_form(text, why):
    """Is a deadline whose zone or day order could be read two ways (or not at all) refused,
    naming the problem and showing the form to write?"""
    with pytest.raises(ValueError, match=why) as refused:
        parse_deadline(text)
    assert "2025-03-01T23:59+09:00" in str(refused.value)


def _cli(course, *argv):
    assert main([*map(str, argv), "--root", str(course.root)]) == 0


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class of three, on time, 1 s late and 25 h late, collected with per-day:10 and graded
    (sandboxed), then regraded with --force."""
    tmp = tmp_path_factory.mktemp("late")
    course = new_course(tmp / "course")
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    data = nbformat.writes(build_submission(release, A)).encode()
    when = {"ontime": DEADLINE - timedelta(hours=1), "second": DEADLINE + timedelta(seconds=1),
            "dayplus": DEADLINE + timedelta(hours=25)}
    archive = tmp / "downloads.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for student, stamp in when.items():
            if student == "second":  # a zip dates entries to 2 s: the LMS's field, to the second
                name = f"{A}_{student}_attempt_{stamp:%Y-%m-%d-%H-%M-%S}.ipynb"
                zf.writestr(zipfile.ZipInfo(name, DEADLINE.timetuple()[:6]), data)
            else:
                zf.writestr(zipfile.ZipInfo(f"{student}_{A}.ipynb", stamp.timetuple()[:6]), data)
    (tmp / "roster.csv").write_text("id,first_name,last_name,email\n" + "".join(
        f"{s},{s},X,{s}@x.edu\n" for s in when))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _cli(course, "collect", A, archive, "--roster", tmp / "roster.csv", "--deadline",
             DEADLINE.isoformat() + "+00:00", "--late-policy", "per-day:10")
    _cli(course, "grade", A, "-j", "2")
    first = _penalties(course)
    _cli(course, "grade", A, "-j", "2", "--force")
    return course, out.getvalue(), first


def _penalties(course):
    with Gradebook(course.db_url, "backprop") as gb:
        return {s.student.id: (s.score, s.late_submission_penalty)
                for s in gb.assignment_submissions(A)}


@pytest.mark.pipeline
def test_collect_says_what_each_late_file_will_lose(graded):
    _, report, _ = graded
    assert "second: 02_chain_rule_second_attempt_2025-03-01-12-00-01.ipynb (2025-03-01 " \
           "12:00:01 UTC by the LMS's attempt field, 1s late) loses 10 % of its score: 1 " \
           "started day at 10 %" in report
    assert "dayplus: dayplus_02_chain_rule.ipynb (2025-03-02 13:00:00 UTC by the download's " \
           "date of the file, 1d 1h late) loses 20 % of its score: 2 started days at 10 %" \
        in report
    assert "deadline: 2025-03-01 12:00:00 UTC (2025-03-01 12:00:00+0000 as given)" in report
    assert "ontime:" not in report


@pytest.mark.pipeline
def test_penalties_are_applied_once_even_after_a_regrade(graded):
    course, _, first = graded
    after = _penalties(course)
    assert after == first
    full = after["ontime"][0]
    assert after["ontime"][1] == 0
    assert after["second"][1] == pytest.approx(0.1 * full)
    assert after["dayplus"][1] == pytest.approx(0.2 * full)


@pytest.mark.pipeline
def test_export_and_feedback_show_the_penalty(graded):
    """Does our CSV have the penalty and the total nbgrader computes, also after a manual
    grade, and does each late student's feedback page say what was taken off?"""
    course, _, _ = graded
    with Gradebook(course.db_url, "backprop") as gb:
        grade = gb.find_grade("max_written_answer", A, A, "dayplus")
        grade.manual_score = 2.0
        gb.db.commit()
    _cli(course, "export", A, "--out", course.root / "export")
    with open(course.root / "export" / f"{A}_grades.csv", encoding="utf-8-sig") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    theirs = course.root / "nbgrader.csv"
    nbgrader(course.root, "export", "--to", theirs)
    reference = {r["student_id"]: r for r in csv.DictReader(open(theirs))}
    for student in ("ontime", "second", "dayplus"):
        assert float(rows[student]["late_penalty"]) == pytest.approx(
            float(reference[student]["late_submission_penalty"]))
        assert float(rows[student]["total"]) == pytest.approx(float(reference[student]["score"]))
    _cli(course, "feedback", A)
    page = (course.root / "feedback" / "dayplus" / A / f"{A}.html").read_text()
    assert "Late submission penalty" in page
    assert "Late submission penalty" not in (course.root / "feedback" / "ontime" / A /
                                             f"{A}.html").read_text()
