"""Heat maps of recorded gate activations: tokens along x, hidden units along y.

Feed it the dict from `course_utils.recording.record_gates` (or one array from it):

    gates = record_gates(lstm_layer, embedded)                  # (batch, time, units) arrays
    fig, axes = plot_gate_heatmap(gates, tokens, gate=["forget", "input"], units=[0, 3, 7])
"""
import numpy as np

__all__ = ["plot_gate_heatmap"]

# Gates that are sigmoids live in (0, 1); the others (candidate, cell, hidden) can be negative.
UNIT_INTERVAL_GATES = {"input", "forget", "output", "update", "reset"}
VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥"}  # blank tokens drawn visibly


def _select(gates, gate, example):
    """Return [(name, (time, units) array)] for the requested gate(s)."""
    if isinstance(gates, dict):
        if gate is None:
            raise ValueError(
                f"`gates` is a dict, so name the gate(s) to draw with gate=...; "
                f"available: {sorted(gates)}")
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
                    f"example={example!r} is out of range for a batch of {array.shape[0]}")
            array = array[example]
        if array.ndim != 2:
            raise ValueError(
                f"gate {name!r} must be (time, units) or (batch, time, units), "
                f"got shape {array.shape}")
        selected.append((name, array))
    return selected


def plot_gate_heatmap(gates, tokens, units=None, title=None, gate=None, example=0, axes=None,
                      max_unit_labels=16):
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
    import matplotlib.pyplot as plt

    panels = _select(gates, gate, example)
    tokens = [VISIBLE.get(str(token), str(token)) for token in tokens]
    time, total_units = panels[0][1].shape
    for name, array in panels:
        if array.shape[0] != len(tokens):
            raise ValueError(
                f"got {len(tokens)} tokens for gate {name!r} with {array.shape[0]} time steps; "
                "pass one token per time step")
    if units is None:
        units = list(range(total_units))
    else:
        units = [int(unit) for unit in np.atleast_1d(units)]
        bad = [unit for unit in units if not 0 <= unit < total_units]
        if bad or not units:
            raise ValueError(f"units {bad or units} out of range for {total_units} units")
    if axes is None:
        height = 0.9 + len(panels) * (0.6 + 0.18 * len(units))
        fig, axes = plt.subplots(len(panels), 1, figsize=(max(5.0, 0.32 * time + 2.0), height),
                                 squeeze=False, sharex=True)
        axes = list(axes[:, 0])
    else:
        axes = list(np.atleast_1d(axes))
        if len(axes) != len(panels):
            raise ValueError(f"got {len(axes)} axes for {len(panels)} gate panel(s)")
        fig = axes[0].figure
    step = max(1, int(np.ceil(len(units) / max_unit_labels)))
    for ax, (name, array) in zip(axes, panels):
        values = array[:, units].T  # (units, time)
        finite = values[np.isfinite(values)]
        if name in UNIT_INTERVAL_GATES:
            style = {"cmap": "viridis", "vmin": 0.0, "vmax": 1.0}
        else:
            limit = float(np.max(np.abs(finite))) if finite.size else 1.0
            style = {"cmap": "RdBu_r", "vmin": -max(limit, 1e-6), "vmax": max(limit, 1e-6)}
        image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", interpolation="nearest",
                          **style)
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
