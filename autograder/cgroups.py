"""Per-sandbox process and memory caps from the kernel's control groups, v2 or v1.

Every grading run makes groups of its own, named after the run (`backprop-<run>/slot-K`), and
removes them when it ends: two runs, or two courses, on one machine never share a cap.

- v2, the unified hierarchy (Debian 12, Ubuntu 22.04 and later by default): the run's group is
  made under the hierarchy's root when the grader is root, else under the highest group the
  grader owns above its own (a delegated subtree, such as systemd's user@UID.service); the
  memory and pids controllers are enabled in its cgroup.subtree_control, and each slot gets
  memory.max, memory.swap.max = 0 and pids.max;
- v1, separate hierarchies (older systems, and machines like the CI's): a group in the pids and
  in the memory hierarchy each, with pids.max and memory.limit_in_bytes;
- neither writable: no group at all, and `missing` names the limits that are then not enforced
  (the grade summary, the logs and state.json say so; --require-limits refuses to grade).

A sandbox joins its slot's groups by writing its pid to their cgroup.procs files before it
starts (autograder.sandbox.command).
"""
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
LIMITS = ("process count", "memory")
"""What the groups enforce; named in `missing` when they cannot."""


@dataclass
class Groups:
    """The control groups of one grading run."""
    version: str = "none"
    """"v2", "v1" or "none"."""
    slots: dict = field(default_factory=dict)
    """{slot: [cgroup.procs files a sandbox of that slot joins]}."""
    missing: list = field(default_factory=list)
    """Limits not enforced, each with the reason, e.g. "memory (no writable cgroup)"."""
    made: list = field(default_factory=list)
    """Folders made, deepest last (removed in reverse)."""

    def procs(self, slot):
        return self.slots.get(slot, [])

    def remove(self):
        """Remove the run's groups (killing whatever is left in them first)."""
        for folder in reversed(self.made):
            try:
                if (folder / "cgroup.kill").exists():
                    (folder / "cgroup.kill").write_text("1")
                else:
                    for pid in (folder / "cgroup.procs").read_text().split():
                        try:
                            os.kill(int(pid), 9)
                        except (ProcessLookupError, ValueError):
                            pass
            except OSError:
                pass
            try:
                folder.rmdir()
            except OSError:
                pass
        self.made = []


def own_cgroup(root=ROOT, self_file="/proc/self/cgroup"):
    """The v2 group this process is in, as a folder under `root`."""
    for line in Path(self_file).read_text().splitlines():
        if line.startswith("0::"):
            return root / line[3:].lstrip("/")
    return root


def _v2_base(root, self_file):
    """Where this process may make groups: the root (as root), else the highest group above its
    own that it owns (a delegated subtree)."""
    if os.geteuid() == 0 and os.access(root / "cgroup.subtree_control", os.W_OK):
        return root
    here, base = own_cgroup(root, self_file), None
    while here != root and here.stat().st_uid == os.geteuid():
        if os.access(here / "cgroup.subtree_control", os.W_OK):
            base = here
        here = here.parent
    return base


def _write(path, value):
    path.write_text(str(value))


def _make_v2(groups, root, run, slots, limits, self_file):
    base = _v2_base(root, self_file)
    if base is None:
        raise OSError("no cgroup v2 subtree is delegated to this user")
    wanted = {"memory", "pids"}
    available = set((base / "cgroup.controllers").read_text().split())
    if not wanted <= available:
        raise OSError(f"the controllers {', '.join(sorted(wanted - available))} are not "
                      f"available in {base}")
    enabled = set((base / "cgroup.subtree_control").read_text().split())
    if not wanted <= enabled:
        _write(base / "cgroup.subtree_control", " ".join(f"+{c}" for c in sorted(wanted)))
    top = base / f"backprop-{run}"
    top.mkdir()
    groups.made.append(top)
    _write(top / "cgroup.subtree_control", "+memory +pids")
    for slot in slots:
        group = top / f"slot-{slot}"
        group.mkdir()
        groups.made.append(group)
        _write(group / "memory.max", limits.memory)
        _write(group / "memory.swap.max", 0)
        _write(group / "pids.max", limits.processes)
        groups.slots[slot] = [str(group / "cgroup.procs")]
    groups.version = "v2"


def _make_v1(groups, root, run, slots, limits):
    settings = (("pids", "pids.max", limits.processes, "process count"),
                ("memory", "memory.limit_in_bytes", limits.memory, "memory"))
    for controller, name, value, what in settings:
        top = root / controller / f"backprop-{run}"
        try:
            top.mkdir()
            groups.made.append(top)
            for slot in slots:
                group = top / f"slot-{slot}"
                group.mkdir()
                groups.made.append(group)
                _write(group / name, value)
                groups.slots.setdefault(slot, []).append(str(group / "cgroup.procs"))
        except OSError as exc:
            groups.missing.append(f"{what} (cgroup v1 {controller}: {exc.strerror or exc})")
    groups.version = "v1" if len(groups.missing) < len(settings) else "none"


def make(slots, limits, run=None, root=None, self_file="/proc/self/cgroup"):
    """The groups of one grading run with `slots` sandboxes; never raises: what cannot be made is
    in Groups.missing."""
    run, root = run or uuid.uuid4().hex[:12], Path(root or ROOT)
    groups = Groups()
    if (root / "cgroup.controllers").exists():  # the unified hierarchy is mounted here
        try:
            _make_v2(groups, root, run, slots, limits, self_file)
        except OSError as exc:
            groups.remove()
            groups.slots = {}
            groups.missing = [f"{what} (cgroup v2: {exc.strerror or exc})" for what in LIMITS]
        return groups
    if (root / "pids" / "cgroup.procs").exists() or (root / "memory" / "cgroup.procs").exists():
        _make_v1(groups, root, run, slots, limits)
        return groups
    groups.missing = [f"{what} (no cgroup hierarchy at {root})" for what in LIMITS]
    return groups
