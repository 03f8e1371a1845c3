"""Figures for the gated-memory part (notebooks 05-07): gate heat maps, accuracy by lag, sweeps
over T, a comparison of remedies against a baseline, and Hopfield patterns.

    plot_gate_heatmap        recorded gate activations: tokens along x, hidden units along y
    accuracy_by_lag          the numbers behind `plot_accuracy_by_lag`: accuracy per lag bin
    plot_accuracy_by_lag     one line per model: test accuracy against the lag (steps to remember)
    plot_length_sweep        accuracy and training time per step against the sequence length T
    plot_remedy_comparison   horizontal bars: one score per remedy, the baseline and chance marked
    plot_binary_patterns     ±1 patterns (e.g. a Hopfield network's stored, cue, recalled) as images

Example:
    gates = record_gates(lstm_layer, embedded)                  # (batch, time, units) arrays
    fig, axes = plot_gate_heatmap(gates, tokens, gate=["forget", "input"], units=[0, 3, 7])
    correct = predictions == task.targets                       # (examples,) bool
    plot_accuracy_by_lag({"LSTM": correct}, task.lags, chance=task.chance)
    plot_length_sweep(rows)     # rows: [{"model": "GRU", "length": 50, "accuracy": 1.0,
                                #         "seconds_per_step": 0.004, "parameters": 4356}, ...]
"""

import numpy as np
import matplotlib.pyplot as plt

from course_utils.plotting.training import panel_axes
from course_utils.validation import fail, is_integer


__all__ = [
    "plot_gate_heatmap",
    "accuracy_by_lag",
    "plot_accuracy_by_lag",
    "plot_binary_patterns",
    "plot_length_sweep",
    "plot_remedy_comparison",
]


# Gates that are sigmoids live in (0, 1); the others (candidate, cell, hidden) can be negative.
UNIT_INTERVAL_GATES = {"input", "forget", "output", "update", "reset"}
VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥"}  # blank tokens drawn visibly


def _select(gates, gate, example):
    """Return [(name, (time, units) array)] for the requested gate(s)."""
    if isinstance(gates, dict):
        if gate is None:
            raise ValueError(
                f"`gates` is a dict, so name the gate(s) to draw with gate=...; "
                f"available: {sorted(gates)}"
            )
        names = [gate] if isinstance(gate, str) else list(gate)
        missing = [name for name in names if name not in gates]
        if missing or not names:
            raise ValueError(f"unknown gate(s) {missing or names}; available: {sorted(gates)}")
        arrays = [(name, np.asarray(gates[name], dtype=float)) for name in names]
    else:
        arrays = [(gate if isinstance(gate, str) else "", np.asarray(gates, dtype=float))]
    selected = []
    for name, array in arrays:
        if array.ndim == 3:
            if not 0 <= example < array.shape[0]:
                raise ValueError(
                    f"example={example!r} is out of range for a batch of {array.shape[0]}"
                )
            array = array[example]
        if array.ndim != 2:
            raise ValueError(
                f"gate {name!r} must be (time, units) or (batch, time, units), "
                f"got shape {array.shape}"
            )
        selected.append((name, array))
    return selected


def plot_gate_heatmap(
    gates, tokens, units=None, title=None, gate=None, example=0, axes=None, max_unit_labels=16
):
    """Draw gate activations as heat maps, one row of cells per unit and one column per token.

    Args:
        gates: dict from `record_gates`, or one array (time, units) / (batch, time, units).
        tokens: sequence of `time` labels for the x axis (characters or words).
        units: None for all units, or a list of unit indices to show (labelled "unit k").
        title: figure title (default: the gate names).
        gate: with a dict, the gate name or a list of names (one panel each, stacked).
        example: which batch element to draw when arrays are 3-D.
        axes: optional matplotlib Axes (one per gate) to draw into.
        max_unit_labels: label every unit up to this many, then every k-th.

    Returns:
        `(figure, axes)` with axes a list, one per gate. Sigmoid gates use a fixed 0..1 colour
        scale (viridis); other quantities a symmetric blue-red scale around 0. NaN (masked
        steps) is left blank.
    """
    panels = _select(gates, gate, example)
    tokens = [VISIBLE.get(str(token), str(token)) for token in tokens]
    time, total_units = panels[0][1].shape
    for name, array in panels:
        if array.shape[0] != len(tokens):
            raise ValueError(
                f"got {len(tokens)} tokens for gate {name!r} with {array.shape[0]} time steps; "
                "pass one token per time step"
            )
    if units is None:
        units = list(range(total_units))
    else:
        units = [int(unit) for unit in np.atleast_1d(units)]
        bad = [unit for unit in units if not 0 <= unit < total_units]
        if bad or not units:
            raise ValueError(f"units {bad or units} out of range for {total_units} units")
    height = 0.9 + len(panels) * (0.6 + 0.18 * len(units))
    fig, axes = panel_axes(
        axes,
        len(panels),
        "gate panel",
        nrows=len(panels),
        ncols=1,
        figsize=(max(5.0, 0.32 * time + 2.0), height),
        sharex=True,
    )
    step = max(1, int(np.ceil(len(units) / max_unit_labels)))
    for ax, (name, array) in zip(axes, panels):
        values = array[:, units].T  # (units, time)
        finite = values[np.isfinite(values)]
        if name in UNIT_INTERVAL_GATES:
            style = {"cmap": "viridis", "vmin": 0.0, "vmax": 1.0}
        else:
            limit = float(np.max(np.abs(finite))) if finite.size else 1.0
            style = {"cmap": "RdBu_r", "vmin": -max(limit, 1e-6), "vmax": max(limit, 1e-6)}
        image = ax.imshow(
            np.ma.masked_invalid(values), aspect="auto", interpolation="nearest", **style
        )
        ax.grid(False)
        ax.set_yticks(range(0, len(units), step))
        ax.set_yticklabels([f"unit {units[i]}" for i in range(0, len(units), step)])
        ax.set_ylabel(f"{name} gate" if name in UNIT_INTERVAL_GATES else (name or "value"))
        fig.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    axes[-1].set_xticks(range(time))
    long_labels = max(len(token) for token in tokens) > 1
    axes[-1].set_xticklabels(tokens, rotation=90 if long_labels else 0)
    axes[-1].set_xlabel("input token (time step)")
    fig.suptitle(title if title is not None else ", ".join(name for name, _ in panels if name))
    fig.tight_layout()
    return fig, axes


def accuracy_by_lag(correct, lags, bins=4):
    """Accuracy in equal-width bins of the lag.

    Args:
        correct: (examples,) booleans (or 0/1), one per test sequence.
        lags: (examples,) integers, the steps each sequence had to remember (`LongMemoryTask.lags`).
        bins: number of equal-width bins between 1 and the largest lag, or an increasing
            sequence of bin edges (a bin holds lags in (edge_i, edge_i+1]).

    Returns:
        `(edges, accuracies)`: edges (bins + 1,) and accuracies (bins,), NaN for an empty bin.
    """
    correct = np.asarray(correct, dtype=np.float64)
    lags = np.asarray(lags)
    if correct.ndim != 1 or correct.shape != lags.shape:
        raise ValueError(
            f"correct and lags must be 1-D arrays of the same length, got shapes "
            f"{correct.shape} and {lags.shape}"
        )
    if correct.size == 0:
        raise ValueError("correct and lags are empty; give one entry per test sequence")
    expected = "an integer >= 1 or an increasing sequence of at least 2 bin edges"
    if np.isscalar(bins):
        if not is_integer(bins) or bins < 1:
            fail("bins", expected, bins)
        edges = np.linspace(0, lags.max(), int(bins) + 1)
    else:
        edges = np.asarray(bins, dtype=np.float64)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            fail("bins", expected, bins)
    accuracies = np.full(edges.size - 1, np.nan)
    for i, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        selected = (lags > low) & (lags <= high)
        if selected.any():
            accuracies[i] = correct[selected].mean()
    return edges, accuracies


def plot_accuracy_by_lag(correct_by_model, lags, chance=None, bins=4, ax=None, title=None):
    """Test accuracy against the lag, one line per model.

    Args:
        correct_by_model: dict model name -> (examples,) booleans (prediction right or not).
        lags: (examples,) lags of the test sequences, shared by every model.
        chance: optional accuracy of guessing, drawn as a dotted line.
        bins: as in `accuracy_by_lag`.
        ax: matplotlib axes to draw on (a new figure by default).
        title: optional axes title.

    Returns:
        The axes.
    """
    if not correct_by_model:
        raise ValueError("correct_by_model is empty; expected a dict model name -> booleans")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.3))
    for index, (name, correct) in enumerate(correct_by_model.items()):
        edges, accuracies = accuracy_by_lag(correct, lags, bins)
        centres = (edges[:-1] + edges[1:]) / 2
        ax.plot(centres, accuracies, "o-", color=f"C{index}", label=name)
    if chance is not None:
        ax.axhline(chance, color="0.5", ls=":", lw=1, label=f"chance ({chance:.2f})")
    ax.set_xlabel("lag: steps between the symbol and the query")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    return ax


_SWEEP_KEYS = ("model", "length", "accuracy", "seconds_per_step", "parameters")


def plot_length_sweep(rows, chance=None, title=None):
    """Two panels from one sweep: accuracy against T, and training time per step against T.

    Args:
        rows: list of dicts with keys model, length, accuracy, seconds_per_step (None allowed:
            not drawn) and parameters, one per (model, length) run.
        chance: optional chance accuracy, drawn as a dotted line in the left panel.
        title: optional figure title.

    Returns:
        The matplotlib Figure (two axes: accuracy, milliseconds per step).
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows is empty; expected one dict per (model, length) run")
    for row in rows:
        missing = [key for key in _SWEEP_KEYS if key not in row]
        if missing:
            raise ValueError(
                f"sweep row {row!r} lacks {missing}; each row needs {list(_SWEEP_KEYS)}"
            )
    figure, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.5))
    models = list(dict.fromkeys(row["model"] for row in rows))
    styles = [
        dict(marker=marker, ls=line, ms=size)
        for marker, line, size in (("o", "-", 9), ("s", "--", 7), ("^", ":", 6), ("D", "-.", 5))
    ]
    for index, model in enumerate(models):
        style = styles[index % len(styles)]
        mine = sorted((row for row in rows if row["model"] == model), key=lambda row: row["length"])
        lengths = [row["length"] for row in mine]
        label = f"{model} ({mine[0]['parameters']:,} parameters)"
        left.plot(
            lengths, [row["accuracy"] for row in mine], color=f"C{index}", label=label, **style
        )
        timed = [
            (row["length"], 1000 * row["seconds_per_step"])
            for row in mine
            if row["seconds_per_step"] is not None
        ]
        if timed:
            right.plot(*zip(*timed), color=f"C{index}", label=model, **style)
    if chance is not None:
        left.axhline(chance, color="0.5", ls=":", lw=1, label=f"chance ({chance:.2f})")
    left.set_xlabel("sequence length T (steps)")
    left.set_ylabel("test accuracy")
    left.set_ylim(-0.02, 1.02)
    left.legend(fontsize=8, loc="lower left")
    right.set_xlabel("sequence length T (steps)")
    right.set_ylabel("training time per step (ms)")
    right.set_ylim(bottom=0)
    right.legend(fontsize=8, loc="best")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_remedy_comparison(
    scores, baseline=None, chance=None, xlabel="test accuracy", ax=None, title=None
):
    """Horizontal bars, one per remedy, the baseline's bar grey and its score a dashed line.

    Args:
        scores: dict remedy name -> score (in display order, top to bottom).
        baseline: optional name (a key of `scores`) of the model the others are compared with.
        chance: optional chance score, drawn as a dotted line.
        xlabel: what the score is.
        ax: matplotlib axes (a new figure by default).
        title: optional axes title.

    Returns:
        The axes.
    """
    if not scores:
        raise ValueError("scores is empty; expected a dict remedy name -> score")
    if baseline is not None and baseline not in scores:
        raise ValueError(f"baseline {baseline!r} is not one of the remedies {list(scores)}")
    names = list(scores)
    values = [float(scores[name]) for name in names]
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 0.45 * len(names) + 1.2), layout="constrained")
    colors = ["0.6" if name == baseline else f"C{i}" for i, name in enumerate(names)]
    positions = np.arange(len(names))[::-1]
    ax.barh(positions, values, color=colors)
    for position, value in zip(positions, values):
        ax.text(value + 0.01, position, f"{value:.2f}", va="center", fontsize=8)
    ax.set_yticks(positions)
    ax.set_yticklabels(names)
    if baseline is not None:
        ax.axvline(scores[baseline], color="0.3", ls="--", lw=1, label=f"{baseline}")
    if chance is not None:
        ax.axvline(chance, color="0.5", ls=":", lw=1, label=f"chance ({chance:.2f})")
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, max(1.0, max(values) * 1.12))
    if baseline is not None or chance is not None:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    if title:
        ax.set_title(title)
    return ax


def plot_binary_patterns(patterns, shape, title=None):
    """Draw ±1 patterns side by side as black-and-white images.

    Args:
        patterns: dict caption -> (N,) array of ±1 (or 0/1), e.g. stored, cue and recalled.
        shape: (rows, columns) with rows * columns = N, the image layout of one pattern.
        title: optional figure title.

    Returns:
        The matplotlib Figure.
    """
    if not patterns:
        raise ValueError("patterns is empty; expected a dict caption -> (N,) array")
    rows, columns = (int(v) for v in shape)
    arrays = {}
    for caption, pattern in patterns.items():
        pattern = np.asarray(pattern)
        if pattern.ndim != 1 or pattern.size != rows * columns:
            raise ValueError(
                f"pattern {caption!r} has shape {pattern.shape}; expected ({rows * columns},) "
                f"to draw it as {rows} x {columns}"
            )
        arrays[caption] = pattern.reshape(rows, columns)
    figure, axes = plt.subplots(
        1, len(arrays), figsize=(2.6 * len(arrays), 2.6 * rows / columns + 0.6), squeeze=False
    )
    for ax, (caption, image) in zip(axes[0], arrays.items()):
        ax.imshow(image, cmap="gray_r", vmin=min(image.min(), -1), vmax=1, interpolation="nearest")
        ax.set_title(caption, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
