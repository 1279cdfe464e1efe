"""Where things are: the repository, nbgrader's work folder, the assignments."""
import os
import subprocess
import sys
from pathlib import Path

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


def env():
    """Environment for nbgrader subprocesses: this venv's bin first, the solutions folder set."""
    e = dict(os.environ)
    e["PATH"] = _venv_first(e.get("PATH"))
    e.setdefault("BACKPROP_SOLUTIONS", str(SOLUTIONS))
    e.setdefault("MPLBACKEND", "Agg")
    return e


def nbgrader(*args, cwd=REPO, check=True, timeout=None, course=None):
    """Run `nbgrader <args>` from the repository (so nbgrader_config.py applies), on `course`
    (a Course; default: work/ as nbgrader_config.py says)."""
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *map(str, args),
           *(course.args() if course else [])]
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True,
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
    """One nbgrader course on disk: its root folder (release/, submitted/, autograded/, ...)
    and its gradebook. The default is the repository's work/ with SQLite; tests and the demo
    use a root of their own, and `--db` points the gradebook at e.g. PostgreSQL.

    `lang` chooses the notebooks nbgrader releases: English from <root>/source into
    <root>/release, or another language's generated notebooks from <root>/source_<lang> into
    <root>/release_<lang>. Everything else (the gradebook, collect, grade, feedback, export) is
    one course whatever the language of a submission."""

    def __init__(self, root=None, db=None, config=None, lang="en"):
        self.root = Path(root or WORK).resolve()
        self.lang = lang
        self.release_dir = self.root / release_directory(lang)
        self.config_file = Path(config or REPO / "nbgrader_config.py")
        self.db_url = _driver(db) if db else f"sqlite:///{self.root / 'gradebook.db'}"
        self.root.mkdir(parents=True, exist_ok=True)
        # nbgrader reads the assignments from <root>/source: the source notebooks, never a copy.
        source = self.root / "source"
        if not source.exists():
            source.symlink_to(SOURCES, target_is_directory=True)
        if lang != "en":
            translated = self.root / f"source_{lang}"
            if not translated.exists():
                translated.symlink_to(sources(lang), target_is_directory=True)

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
        from traitlets.config.loader import PyFileConfigLoader
        config = PyFileConfigLoader(self.config_file.name,
                                    path=str(self.config_file.parent)).load_config()
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
