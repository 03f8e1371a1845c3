"""Figures for the notebooks: every plot a notebook shows comes from a function here.

One module per topic; all public names are re-exported from this package.
"""
from course_utils.plotting.gates import plot_gate_heatmap  # noqa: E402,F401
