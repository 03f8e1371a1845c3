"""Figures for backpropagation through time and vanishing / exploding gradients (notebooks 03, 04).

    plot_gradient_norms     ‖∂L/∂h_k‖ against the step k on a log scale, one curve per setting,
                            optionally with the straight line a per-step factor predicts
    plot_cost_vs_length     memory or time of full vs truncated BPTT against the length T, with fits
    plot_truncation_error   how far the truncated gradient is from the full one, against k2

(Loss curves of several training runs: `course_utils.plotting.plot_learning_curves`.)

Example:
    plot_gradient_norms({"ρ = 0.9": norms_a, "ρ = 1.1": norms_b},
                        predicted={"ρ = 0.9": 0.9, "ρ = 1.1": 1.1});
"""
import matplotlib.pyplot as plt
import numpy as np


def _axes(ax, figsize=(7.0, 3.5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_gradient_norms(norms_by_label, predicted=None, ax=None, title=None,
                        ylabel=r"$\|\partial L / \partial h_k\|$"):
    """Gradient norm against time step k = 1..T on a log scale.

    Args:
        norms_by_label: dict label -> (T,) array of norms (e.g. from
            `course_utils.gradients.hidden_state_gradient_norms`).
        predicted: optional dict label -> per-step factor r; draws the dashed line
            norm_T · r^(T - k) next to the measured curve.
        ax: axes to draw on (a new figure by default).

    Returns:
        The axes.
    """
    if not norms_by_label:
        raise ValueError("norms_by_label is empty: give at least one curve")
    ax = _axes(ax)
    for index, (label, norms) in enumerate(norms_by_label.items()):
        norms = np.asarray(norms, np.float64)
        if norms.ndim != 1:
            raise ValueError(f"norms for {label!r} must be one-dimensional, got shape {norms.shape}")
        steps = np.arange(1, norms.size + 1)
        color = f"C{index}"
        ax.plot(steps, norms, color=color, lw=2, label=label)
        if predicted and label in predicted:
            line = norms[-1] * float(predicted[label]) ** (norms.size - steps)
            ax.plot(steps, line, color=color, lw=1, ls="--")
    if predicted:
        ax.plot([], [], color="0.4", lw=1, ls="--", label="predicted: factor$^{T-k}$")
    ax.set_yscale("log")
    ax.set_xlabel("time step k (the loss is at the last step)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    return ax


def plot_cost_vs_length(lengths, values_by_label, ylabel, ax=None, title=None, fit=True):
    """A cost (bytes, seconds) against sequence length T for several methods, with least-squares
    straight lines when `fit` is True.

    Args:
        lengths: (n,) sequence lengths T.
        values_by_label: dict label -> (n,) measured costs.
        ylabel: what was measured, with its unit, e.g. "peak memory (MiB)".

    Returns:
        The axes.
    """
    lengths = np.asarray(lengths, np.float64)
    ax = _axes(ax, figsize=(5.0, 3.3))
    for index, (label, values) in enumerate(values_by_label.items()):
        values = np.asarray(values, np.float64)
        if values.shape != lengths.shape:
            raise ValueError(f"{label!r} has {values.shape} values for {lengths.shape} lengths")
        ax.plot(lengths, values, "o", color=f"C{index}", label=label)
        if fit and lengths.size >= 2:
            slope, intercept = np.polyfit(lengths, values, 1)
            ax.plot(lengths, slope * lengths + intercept, color=f"C{index}", lw=1, ls="--")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_truncation_error(k2_values, errors, ax=None, title=None, label=None):
    """Relative error of the truncated-BPTT gradient against the full one, for each k2 (log y)."""
    k2_values, errors = np.asarray(k2_values), np.asarray(errors, np.float64)
    if k2_values.shape != errors.shape:
        raise ValueError(f"k2_values {k2_values.shape} and errors {errors.shape} must match")
    ax = _axes(ax, figsize=(5.0, 3.3))
    ax.plot(k2_values, np.maximum(errors, 1e-17), "o-", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("k2 (steps each backward pass goes back)")
    ax.set_ylabel("relative error vs full BPTT")
    if label:
        ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax

