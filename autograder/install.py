"""Install this course into an nbgrader course folder: `backprop-grade install-course DIR`.

DIR is an existing folder: an nbgrader course (it has an nbgrader_config.py) or an empty one.
After this, plain `nbgrader generate_assignment`, `nbgrader autograde` and `nbgrader
generate_feedback` run from DIR grade this course's notebooks in full, hidden tests included:

- the source notebooks are copied to DIR/source/<assignment>/;
- the instructor's references (solutions/reference/, all the hidden tests load: see
  course.grading.grader) are copied to DIR/.backprop/solutions/reference/, a folder only the
  course folder's owner can enter (0700), which nbgrader never releases;
- DIR/nbgrader_config.py gets one marked block (appended; rewritten in place on a later run, so a
  second run changes nothing) that sets BACKPROP_SOLUTIONS for the kernels nbgrader starts, and the
  repository's own nbgrader settings (late-penalty plugin, feedback without hidden tests' code,
  timeouts, stubs), each only where the instructor's file did not set it already.

Nothing of the instructor's is overwritten: DIR/.backprop/installed.json remembers the sha256 of
every file as installed, so a later run replaces only files nobody changed since; a source
notebook or a reference that differs (edited by the instructor, or there before the installer) is
refused, every such file named, and nothing is written unless `--force`.

The block names no absolute path: the course folder is the folder of the nbgrader_config.py being
read, so a copy of the course folder (next term's) is a course of its own, with its own gradebook
and references.
"""
import os
import pwd
from pathlib import Path

from course.grading.grader import SOLUTIONS_ENV

from .manifest import copy_tree, edited, read_manifest, write_manifest
from .workspace import PRIVATE, REPO, SOLUTIONS, SOURCES, assignments

BEGIN = "# >>> backprop-course: written by `backprop-grade install-course` >>>"
END = "# <<< backprop-course <<<"
SKIPPED = {("CourseDirectory", "root"), ("Exchange", "root")}
"""Settings of the repository's nbgrader_config.py that name the repository's own folders."""


def repo_settings():
    """[(section, name, value)] that the repository's nbgrader_config.py sets, except where it
    keeps its own folders: what the block gives every installed course."""
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    return [(section, name, value) for section, values in config.items()
            for name, value in values.items() if (section, name) not in SKIPPED]


def _block():
    lines = [
        BEGIN,
        "# Rerunning the installer rewrites everything between these two markers; settings of",
        "# your own belong outside them (below them to override one of these).",
        "#",
        "# The hidden tests of this course load the instructor's references from .backprop/",
        f"# solutions beside this file (the environment variable {SOLUTIONS_ENV}, read by",
        "# course.grading.grader in the kernel that nbgrader autograde starts). Students never",
        "# receive it. Paths are relative to this file's folder: a copy of the folder is a",
        "# course of its own.",
        "import os as _backprop_os",
        "",
        "_backprop_here = _backprop_os.path.dirname(_backprop_os.path.abspath(__file__))",
        f"_backprop_os.environ[{SOLUTIONS_ENV!r}] = _backprop_os.path.join(",
        f"    _backprop_here, {PRIVATE!r}, 'solutions')",
        "",
        "c = get_config()  # noqa: F821  (nbgrader provides it)",
        "",
        "",
        "def _backprop_default(section, name, value):",
        "    # Only where the instructor did not set it: the instructor's settings win.",
        "    if name not in c[section]:",
        "        setattr(c[section], name, value)",
        "",
        "",
        "_backprop_default('CourseDirectory', 'root', _backprop_here)",
    ]
    for section, name, value in repo_settings():
        lines.append(f"_backprop_default({section!r}, {name!r}, {value!r})")
    lines += [
        "# Feedback must never show a hidden test's code, whatever preprocessors are set.",
        "if 'nbgrader.preprocessors.ClearHiddenTests' not in c.GenerateFeedback.preprocessors:",
        "    c.GenerateFeedback.preprocessors = [*c.GenerateFeedback.preprocessors,",
        "                                        'nbgrader.preprocessors.ClearHiddenTests']",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_config(path, block):
    """Append `block` to the config file at `path` (created if missing), or replace the block a
    previous run wrote. Returns "created", "added", "updated" or "unchanged"."""
    if not path.exists():
        path.write_text('"""nbgrader configuration of this course."""\n\n' + block)
        return "created"
    text = path.read_text()
    if BEGIN in text:
        start = text.index(BEGIN)
        if END not in text[start:]:
            raise RuntimeError(f"{path} has the installer's start marker but not its end marker "
                               f"({END!r}): restore it, or remove the block, and run again")
        stop = text.index(END, start) + len(END) + 1
        new = text[:start] + block + text[stop:]
        if new == text:
            return "unchanged"
        path.write_text(new)
        return "updated"
    path.write_text(text + ("" if text.endswith("\n") or not text else "\n") + "\n" + block)
    return "added"


def _chown_tree(path, uid, gid):
    os.chown(path, uid, gid)
    for sub in path.rglob("*"):
        os.chown(sub, uid, gid, follow_symlinks=False)


def _private(path, mode_dir):
    """Folders `mode_dir`, files the same without the execute bits."""
    path.chmod(mode_dir)
    for sub in path.rglob("*"):
        sub.chmod(mode_dir if sub.is_dir() else mode_dir & 0o666)


def install_course(root, names=None, force=False):
    """Install the assignments `names` (default: all) into the course folder `root`; returns a list
    of lines saying what was done."""
    root = Path(root)
    if not root.is_dir():
        raise RuntimeError(f"course folder {root} does not exist: create it (an empty folder, or "
                           "run `nbgrader quickstart`) and run again")
    root = root.resolve()
    config = root / "nbgrader_config.py"
    if not config.exists() and any(root.iterdir()):
        raise RuntimeError(f"{root} is neither an nbgrader course folder (it has no "
                           "nbgrader_config.py) nor empty: give the course's folder, or an empty "
                           "one")
    if root == REPO or REPO in root.parents:
        raise RuntimeError(f"{root} is inside this repository ({REPO}): the repository already "
                           "grades itself (work/); give a course folder elsewhere")
    names = names or assignments()
    unknown = [n for n in names if not (SOURCES / n).is_dir()]
    if unknown:
        raise RuntimeError(f"no such assignment: {', '.join(unknown)}; known: "
                           f"{', '.join(assignments())} (the folders of {SOURCES})")
    source = root / "source"
    if source.is_symlink():
        raise RuntimeError(f"{source} is a symbolic link (to {os.readlink(source)}): the installer "
                           "copies the notebooks into a real folder; remove the link and run again")
    owner = root.stat()
    private = root / PRIVATE
    solutions = private / "solutions"
    manifest = read_manifest(root)
    pairs = [(SOURCES / name, source / name) for name in names]
    pairs.append((SOLUTIONS / "reference", solutions / "reference"))
    refused = [f for src, dst in pairs for f in edited(src, dst, root, manifest)]
    if refused and not force:
        raise RuntimeError("these files differ from the course's and from what the installer "
                           "wrote (edited, or there before): nothing was installed, and they "
                           "were left as they are (run again with --force to replace them):\n"
                           + "\n".join(f"  {p}" for p in refused))
    for src, dst in pairs:
        copy_tree(src, dst, root, manifest)
    write_manifest(root, manifest)
    done = [f"source notebooks: {', '.join(names)} -> {source}"]
    if refused:
        done.append("replaced (--force): " + ", ".join(str(p) for p in refused))
    _private(private, 0o700)
    source.chmod(0o750)
    # A Debian home folder is world-readable by default (login.defs: UMASK 022): the gradebook,
    # the sources and the submissions hold hidden tests and students' work.
    root.chmod(root.stat().st_mode & 0o770)
    if os.geteuid() == 0:  # installed by root for an instructor: theirs, not root's
        _chown_tree(private, owner.st_uid, owner.st_gid)
        _chown_tree(source, owner.st_uid, owner.st_gid)
    who = _user(owner.st_uid)
    done.append(f"references -> {solutions} (mode 0700, owner {who})")
    done.append(f"{root}: others may no longer read it (mode {root.stat().st_mode & 0o777:o})")
    how = write_config(config, _block())
    if os.geteuid() == 0 and how == "created":
        os.chown(config, owner.st_uid, owner.st_gid)
    done.append(f"{config}: {how} ({SOLUTIONS_ENV}, late-penalty plugin, feedback settings)")
    return done


def _user(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
