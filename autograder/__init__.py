"""Instructor pipeline on top of nbgrader: release, grade, feedback, export, solutions."""
import sys

# jsonschema (imported by nbformat and nbgrader) imports rfc3987_syntax when it is installed
# (jupyter-events asks for it), and that builds 38 lark grammars at import: 1 to 2 seconds in
# every process of the grader (measured: benchmarks/bench_grading.py, docs/benchmarks.md).
# Only jsonschema's "iri" formats use it, and no schema the grader validates (nbformat's,
# nbgrader's) has one; so the grader's processes never import it.
sys.modules.setdefault("rfc3987_syntax", None)
