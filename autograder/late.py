"""Late submissions lose what the instructor's policy says, applied by nbgrader itself.

nbgrader's AssignLatePenalties asks a LateSubmissionPlugin how many points a late notebook loses;
its own plugin knows only "none" (its default) and "zero". CoursePenalty is this course's
plugin (nbgrader_config.py sets `c.AssignLatePenalties.plugin_class`), so `backprop-grade grade`
and plain `nbgrader autograde` apply the same policy, and nbgrader's gradebook, feedback
("Late submission penalty") and exports all show it.

A policy is one short string:

    none                 nothing is taken off
    zero                 a late notebook scores 0
    per-hour:5           5 % of the notebook's score per started hour late
    per-day:10           10 % of it per started day late
    per-day:10,cap:50    ... but never more than 50 % of it
    per-hour:5,grace:15m late by at most 15 minutes counts as on time (s, m, h or d)

It is set once for the course (c.CoursePenalty.policy in nbgrader_config.py), or for one
assignment with `backprop-grade collect ... --late-policy ...`, which keeps it in
<root>/.autograder/<assignment>/late-policy for every later grading of that assignment.
"""
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Unicode

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PER = {"per-hour": 3600, "per-day": 86400}


@dataclass(frozen=True)
class LatePolicy:
    """How much a late notebook loses."""
    method: str = "none"
    """"none", "zero", "per-hour" or "per-day"."""
    rate: float = 0.0
    """Percent of the notebook's score lost per started hour or day (per-hour, per-day)."""
    cap: float = 100.0
    """Percent of the score lost at most."""
    grace: float = 0.0
    """Seconds late that still count as on time (exactly at the limit too)."""

    @classmethod
    def parse(cls, text):
        """The policy a string states (see the module's docstring); ValueError if it states none."""
        parts = [p.strip() for p in (text or "none").split(",") if p.strip()]
        head, options = parts[0], parts[1:]
        fields = {}
        if head in ("none", "zero"):
            fields["method"] = head
        else:
            m = re.fullmatch(r"(per-hour|per-day):(\d+(?:\.\d+)?)", head)
            if not m:
                raise ValueError(f"late policy {text!r}: start with none, zero, per-hour:P or "
                                 "per-day:P (P percent of the score per started hour or day)")
            fields.update(method=m.group(1), rate=float(m.group(2)))
        for option in options:
            m = re.fullmatch(r"cap:(\d+(?:\.\d+)?)|grace:(\d+(?:\.\d+)?)([smhd])", option)
            if not m:
                raise ValueError(f"late policy {text!r}: {option!r} is neither cap:P (percent) "
                                 "nor grace:N followed by s, m, h or d")
            if m.group(1):
                fields["cap"] = float(m.group(1))
            else:
                fields["grace"] = float(m.group(2)) * UNITS[m.group(3)]
        policy = cls(**fields)
        if not 0 <= policy.cap <= 100 or policy.rate < 0:
            raise ValueError(f"late policy {text!r}: percentages must lie between 0 and 100")
        return policy

    def fraction(self, seconds_late):
        """The part of the score lost, 0 to 1."""
        if seconds_late <= self.grace or self.method == "none" or seconds_late <= 0:
            return 0.0
        if self.method == "zero":
            return 1.0
        units = math.ceil(seconds_late / PER[self.method])
        return min(self.cap, self.rate * units) / 100.0

    def penalty(self, score, seconds_late):
        """Points a notebook that scored `score` loses when submitted `seconds_late` late."""
        return round(score * self.fraction(seconds_late), 6)

    def describe(self, seconds_late):
        """What a file this late loses, in words (collect's report)."""
        lost = self.fraction(seconds_late)
        if not lost:
            return "loses nothing" + (" (within the grace period)" if self.method != "none"
                                      and seconds_late <= self.grace else "")
        if self.method == "zero":
            return "loses its whole score (late policy: zero)"
        units = math.ceil(seconds_late / PER[self.method])
        unit = "hour" if self.method == "per-hour" else "day"
        capped = " (capped)" if self.rate * units > self.cap else ""
        return (f"loses {100 * lost:g} % of its score: {units} started {unit}"
                f"{'s' if units != 1 else ''} at {self.rate:g} %{capped}")


DEADLINE_FORMS = ("2025-03-01T23:59+09:00", "2025-03-01 23:59Z", "2025-03-01 23:59 Asia/Seoul")
"""What --deadline accepts: ISO 8601 with its offset (or Z), or with a named IANA zone."""
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?")


def _refuse(text, why):
    return ValueError(f"deadline {text!r}: {why}; write it with its offset or zone, e.g. "
                      + " or ".join(DEADLINE_FORMS))


def _zone(text, name):
    """A named IANA zone (Region/City, or UTC): abbreviations are refused, since KST, IST or CST
    each name several zones or none (and zoneinfo knows EST only as a fixed -05:00)."""
    name = "UTC" if name.upper() == "UTC" else name
    if name != "UTC" and "/" not in name:
        raise _refuse(text, f"{name!r} is an abbreviation, unknown or ambiguous")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _refuse(text, f"{name!r} is no IANA time zone") from None


def parse_deadline(text):
    """The moment a deadline names, as an aware datetime. Only unambiguous forms (see
    DEADLINE_FORMS): a date must be ISO (year first: 01/03/2025 is 1 March in Korea and Europe, 3
    January in the US), and an offset or zone is required (a bare time would silently be some
    machine's zone); ValueError, with the accepted forms, otherwise."""
    text = text.strip()
    head, _, zone = text.rpartition(" ")
    if head and re.fullmatch(r"[A-Za-z][\w+/-]*", zone) and zone.upper() != "Z":
        moment, tz = head, _zone(text, zone)
    else:
        moment, tz = text, None
    if re.match(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", moment):
        raise _refuse(text, "the order of day and month is ambiguous (dd/mm or mm/dd)")
    if not _ISO_DATE.match(moment):
        raise _refuse(text, "not an ISO 8601 date-time")
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        raise _refuse(text, "not an ISO 8601 date-time") from None
    if tz and when.tzinfo:
        raise _refuse(text, "both an offset and a zone")
    if tz:
        return when.replace(tzinfo=tz)
    if when.tzinfo is None:
        raise _refuse(text, "no offset or zone (it would be taken in whichever zone this "
                      "machine is set to)")
    return when


def describe_deadline(when):
    """The deadline as collect prints it: in UTC and in its own offset."""
    utc = when.astimezone(UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S} UTC ({when:%Y-%m-%d %H:%M:%S%z} as given)"


def policy_file(root, assignment):
    return Path(root) / ".autograder" / assignment / "late-policy"


def policy_for(root, assignment, default="none"):
    """The policy collect stored for the assignment, else `default` (the course's)."""
    path = policy_file(root, assignment)
    return LatePolicy.parse(path.read_text().strip() if path.exists() else default)


def keep(root, assignment, text):
    """Remember an assignment's policy (checked first) for every later grading of it."""
    LatePolicy.parse(text)
    path = policy_file(root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.strip() + "\n")


class CoursePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin for this course's policies (see LatePolicy)."""

    policy = Unicode("none", help="The course's late policy, e.g. 'per-day:10,cap:50,grace:1h' "
                     "(none, zero, per-hour:P or per-day:P, then cap:P and grace:N[smhd]); an "
                     "assignment's own, kept by collect --late-policy, comes first.").tag(
                         config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        preprocessor = self.parent
        root = preprocessor.config.CourseDirectory.get("root", ".")
        policy = policy_for(root, preprocessor.assignment_id, self.policy)
        self.log.info("late policy for %s: %s", preprocessor.assignment_id, policy)
        return policy.penalty(score, total_seconds_late)
