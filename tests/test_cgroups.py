"""The sandbox's process and memory caps (autograder/cgroups.py): per grading run, on cgroup v1
for real where this machine has it, on v2 against a cgroupfs-shaped folder (this machine's v2
hierarchy has no memory or pids controller to delegate), and never silently missing."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import cgroups, sandbox

LIMITS = sandbox.LIMITS


def _v1_here():
    return (cgroups.ROOT / "pids" / "cgroup.procs").exists() and os.geteuid() == 0


def test_v1_groups_are_per_run_limited_and_removed():
    """On this machine's v1 hierarchies (as root): does each run get groups of its own, with
    pids.max and memory.limit_in_bytes set, and are they gone after remove()?"""
    first, second = cgroups.make([0, 1], LIMITS), cgroups.make([0], LIMITS)
    try:
        if not _v1_here():  # then both runs must say which limits are missing, and why
            assert {m.split(" (")[0] for m in first.missing} == set(cgroups.LIMITS)
            return
        assert first.version == second.version == "v1" and not first.missing
        assert set(first.procs(0)).isdisjoint(second.procs(0))
        pids = Path(first.procs(1)[0]).parent
        assert (pids / "pids.max").read_text().strip() == str(LIMITS.processes)
        memory = Path(first.procs(1)[1]).parent
        assert int((memory / "memory.limit_in_bytes").read_text()) == LIMITS.memory
    finally:
        first.remove()
        second.remove()
    assert not any(Path(p).parent.exists() for p in first.procs(0) + second.procs(0))


def test_a_process_in_the_v1_group_is_capped():
    """Is a fork bomb in a slot's group stopped at pids.max (the sandbox's own use of it)?"""
    groups = cgroups.make([0], sandbox.Limits(processes=20))
    try:
        if not groups.procs(0):
            assert groups.missing
            return
        bomb = ("import os, time\nkids = 0\ntry:\n    while kids < 200:\n"
                "        if os.fork() == 0:\n            time.sleep(30); os._exit(0)\n"
                "        kids += 1\nexcept OSError:\n    pass\nprint(kids)\nos.killpg(0, 9)")
        join = " ".join(f'echo $$ > "{p}" &&' for p in groups.procs(0))
        proc = subprocess.run(["/bin/sh", "-c", f'{join} exec "$@"', "x", "setsid",
                               sys.executable, "-c", bomb], capture_output=True, text=True,
                              timeout=60)
        assert int(proc.stdout.split()[0]) < 20, proc.stdout + proc.stderr
    finally:
        groups.remove()


def _fake_v2(folder, controllers="cpuset cpu io memory hugetlb pids"):
    (folder / "cgroup.controllers").write_text(controllers + "\n")
    (folder / "cgroup.subtree_control").write_text("")
    (folder / "cgroup.procs").write_text("")
    self_file = folder.parent / f"{folder.name}-self"
    self_file.write_text("0::/\n")
    return self_file


def test_v2_writes_exactly_the_unified_hierarchy_files(tmp_path):
    """On a v2 hierarchy (as root): are the controllers enabled at the root and in the run's
    group, and memory.max, memory.swap.max and pids.max written for each slot, nothing else?"""
    root = tmp_path / "cgroup2"
    root.mkdir()
    self_file = _fake_v2(root)
    groups = cgroups.make([0, 1], LIMITS, run="r1", root=root, self_file=self_file)
    if os.geteuid() != 0:  # only root may use the hierarchy's root (a user: see below)
        assert groups.version == "none" and len(groups.missing) == 2
        return
    assert groups.version == "v2" and not groups.missing
    assert (root / "cgroup.subtree_control").read_text() == "+memory +pids"
    top = root / "backprop-r1"
    assert (top / "cgroup.subtree_control").read_text() == "+memory +pids"
    for slot in (0, 1):
        folder = top / f"slot-{slot}"
        assert {p.name: p.read_text() for p in folder.iterdir()} == {
            "memory.max": str(LIMITS.memory), "memory.swap.max": "0",
            "pids.max": str(LIMITS.processes)}
        assert groups.procs(slot) == [str(folder / "cgroup.procs")]
    assert groups.made == [top, top / "slot-0", top / "slot-1"]  # what remove() takes away


def test_v2_without_the_controllers_says_what_is_missing(tmp_path):
    """Is a v2 hierarchy without memory and pids (like this machine's) reported, not ignored?"""
    root = tmp_path / "cgroup2"
    root.mkdir()
    self_file = _fake_v2(root, controllers="cpu io hugetlb")
    groups = cgroups.make([0], LIMITS, root=root, self_file=self_file)
    assert groups.version == "none" and groups.procs(0) == []
    assert {m.split(" (")[0] for m in groups.missing} == set(cgroups.LIMITS)
    assert all("cgroup v2" in m for m in groups.missing)


def test_v2_delegated_subtree_for_a_normal_user():
    """For a user who is not root: are the groups made under the highest group that user owns
    above its own (systemd's user@UID.service), with its controllers, and nowhere else?"""
    base = Path(tempfile.mkdtemp(prefix="cg2-"))
    base.chmod(0o755)
    root = base / "root"
    root.mkdir()
    self_file = _fake_v2(root)
    delegated = root / "user.slice" / "user@65534.service"
    own = delegated / "app.slice" / "run-1.scope"
    own.mkdir(parents=True)
    for folder in (delegated, delegated / "app.slice", own):
        (folder / "cgroup.controllers").write_text("memory pids\n")
        (folder / "cgroup.subtree_control").write_text("memory pids\n")
    self_file.write_text(f"0::/{own.relative_to(root)}\n")
    subprocess.run(["chown", "-R", "65534:65534", str(delegated)], check=True)
    self_file.chmod(0o644)
    code = (f"from autograder import cgroups, sandbox\n"
            f"g = cgroups.make([0], sandbox.LIMITS, run='u1', root={str(root)!r}, "
            f"self_file={str(self_file)!r})\nprint(g.version, g.procs(0), g.missing)")
    argv = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
    out = subprocess.run(argv, capture_output=True, text=True, cwd=Path(__file__).parents[1],
                         check=True).stdout
    assert out.startswith("v2 ['" + str(delegated / "backprop-u1" / "slot-0" / "cgroup.procs"))
    assert not (root / "backprop-u1").exists()  # never at the root it does not own


def test_a_machine_without_cgroups_is_reported_by_grade(tmp_path, monkeypatch):
    """With no usable hierarchy, do the pool's missing limits name both caps?"""
    monkeypatch.setattr(cgroups, "ROOT", tmp_path)
    groups = cgroups.make([0], LIMITS)
    assert groups.version == "none"
    assert [m.split(" (")[0] for m in groups.missing] == list(cgroups.LIMITS)
