"""What install-course wrote into a course folder, so that a rerun never overwrites an edit.

Standard library only, and nothing of the rest of the package: workspace.py (which copies the
Korean sources into a course folder by the same rule) and install.py both use it.
"""
import hashlib
import json
import shutil
from pathlib import Path

PRIVATE = ".backprop"
"""The folder of an installed course that holds what only the instructor may read."""
MANIFEST = "installed.json"
"""In DIR/.backprop: {file relative to DIR: sha256 of it as the installer wrote it}."""


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(src):
    """(relative path, file) of every file to install from `src`."""
    return [(path.relative_to(src), path) for path in sorted(src.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts
            and ".ipynb_checkpoints" not in path.parts]


def read_manifest(root):
    path = Path(root) / PRIVATE / MANIFEST
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):  # none yet (a first install, or an older installer's)
        return {}


def write_manifest(root, manifest):
    path = Path(root) / PRIVATE / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def edited(src, dst, root, manifest):
    """The files under `dst` that would be replaced although someone changed them: they differ
    from `src`'s and from what the installer wrote there (every differing file, before the
    installer has a record)."""
    found = []
    for rel, path in _files(src):
        target = dst / rel
        if not target.is_file():
            continue
        now = _sha(target)
        if now != _sha(path) and now != manifest.get(str(target.relative_to(root))):
            found.append(target)
    return found


def copy_tree(src, dst, root, manifest, keep=()):
    """Copy src's files into dst, except the files in `keep`; record each one in `manifest`."""
    for rel, path in _files(src):
        target = dst / rel
        if target in keep:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or _sha(target) != _sha(path):
            shutil.copyfile(path, target)
        manifest[str(target.relative_to(root))] = _sha(target)
