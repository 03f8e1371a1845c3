"""Figures for the notebooks: every plot a notebook shows comes from a function here.

One module per topic; all public names are re-exported from this package.
"""
from course_utils.plotting.gates import plot_gate_heatmap  # noqa: E402,F401
from course_utils.plotting.architectures import plot_bidirectional, plot_deep_variants, plot_learning_curves  # noqa: E402,F401
from course_utils.plotting.trees import plot_tree, tree_layout  # noqa: E402,F401
from course_utils.plotting.graphs import draw_rolled_graph, draw_unrolled_graph, plot_design_patterns, plot_unfolding  # noqa: E402,F401
from course_utils.plotting.gradients import plot_cost_vs_length, plot_gradient_norms, plot_truncation_error  # noqa: E402,F401
from course_utils.plotting.training import plot_history  # noqa: E402,F401
from course_utils.plotting.sweeps import accuracy_by_lag, plot_accuracy_by_lag, plot_binary_patterns, plot_length_sweep, plot_remedy_comparison  # noqa: E402,F401
from course_utils.plotting.decoding import plot_beam_sweep, plot_path_lengths, plot_positional_encoding, plot_search_tree, plot_step_time_scaling  # noqa: E402,F401
from course_utils.plotting.attention import plot_accuracy_by_length, plot_attention, plot_attention_comparison, plot_sampling_schedule  # noqa: E402,F401
