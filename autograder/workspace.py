"""Where things are: the repository, nbgrader's work folder, the assignments."""
import os
import subprocess
import sys
from pathlib import Path

from course import environment

from .manifest import PRIVATE, copy_tree, edited, read_manifest, write_manifest

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "source_notebooks"
SOLUTIONS = REPO / "solutions"
WORK = REPO / "work"
TRANSLATIONS = REPO / "translations"
LANGUAGES = ("en", "ko")
"""English, the source, and the languages generated from it (autograder.translate)."""


def sources(lang="en"):
    """The source notebooks of a language: source_notebooks/ for English, the generated
    translations/<lang>/source_notebooks/ (autograder.translate) for the others."""
    if lang not in LANGUAGES:
        raise RuntimeError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return SOURCES if lang == "en" else TRANSLATIONS / lang / "source_notebooks"


def release_directory(lang="en"):
    """nbgrader's release directory of a language, under a course root: release/ for English,
    release_<lang>/ for the others (the same assignment names in both)."""
    sources(lang)  # known language
    return "release" if lang == "en" else f"release_{lang}"


def assignments():
    """Assignment ids in course order: the folders of source_notebooks/."""
    return sorted(p.name for p in SOURCES.iterdir() if p.is_dir() and not p.name.startswith("."))


def _venv_first(path):
    """PATH with this venv's bin first (nbgrader runs `alembic` from PATH)."""
    bindir = str(Path(sys.executable).parent)
    parts = [p for p in (path or "").split(os.pathsep) if p and p != bindir]
    return os.pathsep.join([bindir, *parts])


def env(course=None):
    """Environment for nbgrader subprocesses: this venv's bin first, the references' folder set
    (`course`'s: the course's own references win over any inherited setting)."""
    e = dict(os.environ)
    e["PATH"] = _venv_first(e.get("PATH"))
    if course is not None:
        e[environment.SOLUTIONS] = str(course.solutions)
    e.setdefault(environment.SOLUTIONS, str(SOLUTIONS))
    e.setdefault("MPLBACKEND", "Agg")
    return e


def nbgrader(*args, cwd=None, check=True, timeout=None, course=None):
    """Run `nbgrader <args>` on `course` (a Course; default: work/ as the repository's
    nbgrader_config.py says), from the folder of the course's nbgrader_config.py, so that nbgrader
    reads the same configuration as the pipeline (a course folder's own, else the repository's)."""
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *map(str, args),
           *(course.args() if course else [])]
    cwd = cwd or (course.config_file.parent if course else REPO)
    proc = subprocess.run(cmd, cwd=cwd, env=env(course), capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(map(str, args))}` failed "
                           f"(exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc


def _driver(url):
    """SQLAlchemy 2.1 reads postgresql:// as psycopg 3; this venv has psycopg2 (requirements-test),
    so a plain postgresql:// URL is given that driver when psycopg 3 is not installed."""
    import importlib.util
    if url.startswith("postgresql://") and importlib.util.find_spec("psycopg") is None:
        return "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


class Course:
    """One nbgrader course on disk: its root folder (release/, submitted/, autograded/, ...),
    its gradebook, and what its grades are computed from: its sources (<root>/source), its
    references (the hidden tests' solutions/reference/) and its nbgrader_config.py. The default
    is the repository's work/ with SQLite, graded with the repository's own sources, references
    and configuration; tests and the demo use a root of their own, and `--db` points the
    gradebook at e.g. PostgreSQL.

    A course folder of the instructor's (`backprop-grade install-course DIR`) is its own truth,
    as it is for plain nbgrader run in it: its nbgrader_config.py (late policy, database, any
    setting), its sources and its references (DIR/.backprop/solutions) are used, never the
    repository's.

    `lang` chooses the notebooks nbgrader releases: English from <root>/source into
    <root>/release, or another language's generated notebooks from <root>/source_<lang> into
    <root>/release_<lang>. Everything else (the gradebook, collect, grade, feedback, export) is
    one course whatever the language of a submission."""

    def __init__(self, root=None, db=None, config=None, lang="en"):
        self.root = Path(root or WORK).resolve()
        self.lang = lang
        self.release_dir = self.root / release_directory(lang)
        own = self.root / "nbgrader_config.py"
        self.config_file = Path(config or (own if own.is_file() else REPO / "nbgrader_config.py"))
        """The nbgrader_config.py every command reads, and nbgrader's subprocesses run beside."""
        self.source = self.root / "source"
        """The assignments' source folders (nbgrader's source directory)."""
        installed = self.root / PRIVATE / "solutions"
        self.solutions = installed if installed.is_dir() else SOLUTIONS
        """The folder of the hidden tests' references (reference/<assignment>.py): the course's
        own once installed, else the repository's."""
        self._loaded = None
        self.root.mkdir(parents=True, exist_ok=True)
        self.db_url = _driver(db or self._configured("db_url")
                              or f"sqlite:///{self.root / 'gradebook.db'}")
        # nbgrader reads the assignments from <root>/source: the source notebooks, never a copy.
        if not os.path.lexists(self.source):
            self.source.symlink_to(SOURCES, target_is_directory=True)
        if lang != "en":  # a course folder of the instructor's gets a copy (see _translated)
            _translated(self.root / f"source_{lang}", sources(lang),
                        self.installed or self.config_file.parent == self.root)

    @property
    def installed(self):
        """True for a course folder of the instructor's (install-course): it owns its files."""
        return self.solutions != SOLUTIONS

    def _configured(self, name):
        """A CourseDirectory setting of the course's own nbgrader_config.py (None if unset)."""
        if self.config_file.parent != self.root:
            return None
        value = self._config().CourseDirectory.get(name)
        return str(value) if value else None

    def _config(self):
        if self._loaded is None:
            from traitlets.config.loader import PyFileConfigLoader
            self._loaded = PyFileConfigLoader(self.config_file.name,
                                              path=str(self.config_file.parent)).load_config()
        return self._loaded

    def source_dir(self):
        """nbgrader's source directory for this course's language."""
        return self.source if self.lang == "en" else self.root / f"source_{self.lang}"

    def assignments(self):
        """The assignments of this course: the folders of its source directory (this course's
        and the instructor's own), in order."""
        folder = self.source_dir()
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))

    def known(self):
        """Every assignment a command can work on: the sources' and the gradebook's."""
        names = set(self.assignments())
        if not self.db_url.startswith("sqlite:///") or \
                Path(self.db_url.removeprefix("sqlite:///")).exists():
            with self.gradebook() as gb:
                names.update(a.name for a in gb.assignments)
        return sorted(names)

    def check(self, *names, release=False):
        """Raise "no such assignment; known: ..." for a name the course does not have (one check
        for every command). `release`: it must have a source folder (the gradebook's is not
        enough to release it)."""
        known = self.assignments() if release else self.known()
        unknown = [n for n in names if n not in known]
        if not unknown:
            return
        import difflib
        hints = [f"{n} (did you mean {close[0]}?)" if (close := difflib.get_close_matches(
            n, known, 1)) else n for n in unknown]
        raise RuntimeError(f"no such assignment: {', '.join(hints)}; known: "
                           f"{', '.join(known) or 'none'} (the folders of {self.source_dir()}"
                           f"{'' if release else ' and the gradebook'})")

    def _directories(self):
        """nbgrader's source and release directories for this course's language."""
        if self.lang == "en":
            return {}
        return {"source_directory": f"source_{self.lang}",
                "release_directory": release_directory(self.lang)}

    def args(self):
        """Command-line overrides that point an `nbgrader` subprocess at this course."""
        return [f"--CourseDirectory.root={self.root}", f"--CourseDirectory.db_url={self.db_url}",
                *(f"--CourseDirectory.{k}={v}" for k, v in self._directories().items())]

    def config(self):
        """nbgrader_config.py as a traitlets Config, pointed at this course (in-process use)."""
        import copy
        config = copy.deepcopy(self._config())
        config.CourseDirectory.root = str(self.root)
        config.CourseDirectory.db_url = self.db_url
        for key, value in self._directories().items():
            setattr(config.CourseDirectory, key, value)
        return config

    def gradebook(self):
        """nbgrader's Gradebook of this course (use as a context manager)."""
        from nbgrader.api import Gradebook
        # Creating a gradebook runs `alembic` from PATH: make it this venv's, as env() does.
        os.environ["PATH"] = _venv_first(os.environ.get("PATH"))
        return Gradebook(self.db_url, self.config().CourseDirectory.course_id)

    def __repr__(self):
        return f"Course({str(self.root)!r}, db={self.db_url!r}, lang={self.lang!r})"


def _translated(target, generated, copy):
    """<root>/source_<lang>: a link to the generated notebooks in the repository, or, in a course
    folder of the instructor's (`copy`), a copy: other users of a classroom server (the graders,
    nbgrader's exchange) may not be able to read the repository's checkout. A copy is refreshed
    file by file; a file the instructor edited is kept (install-course's rule)."""
    if not copy:
        if not os.path.lexists(target):
            target.symlink_to(generated, target_is_directory=True)
        return
    if target.is_symlink():  # made by an older version: replaced by a copy
        target.unlink()
    root = target.parent
    manifest = read_manifest(root)
    kept = set(edited(generated, target, root, manifest))
    copy_tree(generated, target, root, manifest, keep=kept)
    write_manifest(root, manifest)
