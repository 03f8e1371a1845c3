"""Figures for the notebooks: every plot a notebook shows comes from a function here.

One module per part of the course (foundations, gated_memory, architectures,
sequence_to_sequence; the applications of part 5 one per lesson: speech, forecasting,
captioning), and `training.py` for the training curves every part draws. Plotting code uses
matplotlib and NumPy only: it takes arrays and histories, never a model.
"""

from course_utils.plotting.architectures import (
    plot_bidirectional,
    plot_deep_variants,  # noqa: F401
    plot_tree,
    tree_layout,
)
from course_utils.plotting.captioning import (  # noqa: F401
    plot_caption_attention,
    plot_scores_by_length,
    plot_strips,
)
from course_utils.plotting.forecasting import (  # noqa: F401
    plot_forecasts,
    plot_horizon_errors,
    plot_series_split,
)
from course_utils.plotting.foundations import (
    draw_rolled_graph,
    draw_unrolled_graph,  # noqa: F401
    plot_cost_vs_length,
    plot_design_patterns,
    plot_gradient_norms,
    plot_runs_against_baseline,
    plot_truncation_error,
    plot_unfolding,
)
from course_utils.plotting.gated_memory import (
    accuracy_by_lag,
    plot_accuracy_by_lag,  # noqa: F401
    plot_binary_patterns,
    plot_gate_heatmap,
    plot_length_sweep,
    plot_remedy_comparison,
)
from course_utils.plotting.sequence_to_sequence import (
    plot_accuracy_by_length,  # noqa: F401
    plot_attention,
    plot_attention_comparison,
    plot_beam_sweep,
    plot_path_lengths,
    plot_positional_encoding,
    plot_sampling_schedule,
    plot_search_tree,
    plot_step_time_scaling,
)
from course_utils.plotting.speech import (  # noqa: F401
    plot_best_path,
    plot_ctc_posteriors,
    plot_log_mel,
    plot_waveform,
)
from course_utils.plotting.training import plot_history, plot_learning_curves  # noqa: F401
