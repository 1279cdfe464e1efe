"""Instructor pipeline on top of nbgrader: release, grade, feedback, export, solutions."""
