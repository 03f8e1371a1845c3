"""Figures for the sequence-to-sequence part (notebooks 11-14): attention maps, accuracy by
length, sampling schedules, the search tree of a toy decoder, beam-width sweeps, and scaling.

    plot_attention(weights, source_tokens, target_tokens)               # notebook 12
    plot_attention_comparison({"Bahdanau": w1, "Luong": w2}, source_tokens, target_tokens)
    plot_accuracy_by_length(lengths, {"plain": acc1, "attention": acc2})
    plot_sampling_schedule(steps, {"inverse sigmoid": probabilities})   # notebook 11
    plot_search_tree(probabilities, tokens, start_id, end_id, paths)    # notebook 13
    plot_beam_sweep(widths, log_probs, bleu, greedy_log_prob, greedy_bleu)  # notebook 13
    plot_positional_encoding(encoding)                                  # notebook 14
    plot_step_time_scaling(lengths, seconds, fits)                      # notebook 14
    plot_path_lengths(lengths, path_lengths)                            # notebook 14

Attention weights are drawn with output steps down the y axis and input tokens along the x axis,
so row j shows where the decoder looked while writing output token j (rows sum to 1).
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils.validation import shape


__all__ = [
    "plot_attention",
    "plot_attention_comparison",
    "plot_accuracy_by_length",
    "plot_sampling_schedule",
    "plot_search_tree",
    "plot_beam_sweep",
    "plot_positional_encoding",
    "plot_step_time_scaling",
    "plot_path_lengths",
]


def _crop(weights, source_tokens, target_tokens):
    weights = np.asarray(weights, dtype=float)
    shape(weights.shape, "weights", ("T_out", "T_in"))  # one example
    source_tokens, target_tokens = list(source_tokens), list(target_tokens)
    if len(source_tokens) > weights.shape[1] or len(target_tokens) > weights.shape[0]:
        raise ValueError(
            f"{len(target_tokens)} target and {len(source_tokens)} source tokens do not "
            f"fit weights of shape {weights.shape} (T_out, T_in)"
        )
    return weights[: len(target_tokens), : len(source_tokens)], source_tokens, target_tokens


def plot_attention(weights, source_tokens, target_tokens, ax=None, title=None, annotate=False):
    """Heat map of one example's attention weights, cropped to the real tokens.

    Args:
        weights: (T_out, T_in) array, e.g. `model.greedy_decode(...)[1][i]`.
        source_tokens: the input tokens (x axis); padding beyond them is cut off.
        target_tokens: the output tokens (y axis), `<end>` included if you want its row.
        ax: optional matplotlib Axes.
        title: optional title.
        annotate: write each weight (2 decimals) into its cell.

    Returns:
        The Axes.
    """
    weights, source_tokens, target_tokens = _crop(weights, source_tokens, target_tokens)
    if ax is None:
        _, ax = plt.subplots(
            figsize=(0.55 * len(source_tokens) + 1.8, 0.4 * len(target_tokens) + 1.2)
        )
    image = ax.imshow(weights, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(source_tokens)), source_tokens, rotation=60, ha="right")
    ax.set_yticks(range(len(target_tokens)), target_tokens)
    ax.set_xlabel("input token (encoder position i)")
    ax.set_ylabel("output token (decoder step j)")
    ax.grid(False)
    if annotate:
        for (row, column), value in np.ndenumerate(weights):
            if value >= 0.05:
                ax.text(
                    column,
                    row,
                    f"{value:.2f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > 0.5 else "black",
                )
    if title:
        ax.set_title(title)
    plt.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="weight α_ij")
    return ax


def plot_attention_comparison(weights_by_name, source_tokens, target_tokens, title=None):
    """Side-by-side heat maps of the same example under several models.

    Args:
        weights_by_name: dict model name -> (T_out, T_in) weights of the same example.
        source_tokens, target_tokens: as in `plot_attention`.
        title: optional figure title.

    Returns:
        `(figure, axes)`.
    """
    if not weights_by_name:
        raise ValueError("weights_by_name is empty: pass {model name: (T_out, T_in) weights}")
    count = len(weights_by_name)
    width = 0.5 * len(list(source_tokens)) + 2.2
    figure, axes = plt.subplots(
        1, count, figsize=(width * count, 0.4 * len(list(target_tokens)) + 1.8), squeeze=False
    )
    for ax, (name, weights) in zip(axes[0], weights_by_name.items()):
        plot_attention(weights, source_tokens, target_tokens, ax=ax, title=name)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure, axes[0]


def plot_accuracy_by_length(
    lengths, accuracies_by_name, counts=None, ax=None, xlabel="input length (tokens)", title=None
):
    """Sequence-level exact-match accuracy against input length, one line per model.

    Args:
        lengths: the x values (input lengths or length bins, as numbers or labels).
        accuracies_by_name: dict model name -> accuracies (same length as `lengths`), in [0, 1].
        counts: optional number of test examples per length, shown under the x labels.
        ax: optional matplotlib Axes.
        xlabel, title: axis label and optional title.

    Returns:
        The Axes.
    """
    lengths = list(lengths)
    for name, values in accuracies_by_name.items():
        if len(values) != len(lengths):
            raise ValueError(f"{name!r} has {len(values)} accuracies for {len(lengths)} lengths")
    if ax is None:
        _, ax = plt.subplots()
    positions = np.arange(len(lengths))
    for (name, values), marker in zip(accuracies_by_name.items(), "osD^v<>"):
        ax.plot(positions, values, marker=marker, label=name)
    labels = [
        str(x) if counts is None else f"{x}\n(n={n})"
        for x, n in zip(lengths, counts if counts is not None else lengths)
    ]
    ax.set_xticks(positions, labels)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("exact-match accuracy")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_sampling_schedule(steps, probabilities_by_name, ax=None, title=None):
    """Probability of feeding the model's own prediction against the training step.

    Args:
        steps: the x values (optimizer steps).
        probabilities_by_name: dict schedule name -> probabilities (same length as `steps`).
        ax: optional matplotlib Axes.
        title: optional title.

    Returns:
        The Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.0))
    for name, values in probabilities_by_name.items():
        ax.plot(steps, values, label=name)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("training step")
    ax.set_ylabel("P(feed own prediction)")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


PATH_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:purple")


def _search_tree(probabilities, start_id, end_id, min_probability):
    """Nodes (prefix tuples) whose probability is at least `min_probability`, depth first."""
    max_length = probabilities.shape[0]
    nodes, stack = [], [((), 1.0)]
    while stack:
        prefix, probability = stack.pop()
        nodes.append((prefix, probability))
        if len(prefix) == max_length or (prefix and prefix[-1] == end_id):
            continue
        previous = prefix[-1] if prefix else start_id
        children = [
            (prefix + (token,), probability * p)
            for token, p in enumerate(probabilities[len(prefix), previous])
            if probability * p >= min_probability
        ]
        stack.extend(reversed(children))
    return nodes


def plot_search_tree(probabilities, tokens, start_id, end_id, paths, min_probability=0.01, ax=None):
    """Draw the tree of output prefixes of a table model, with chosen outputs highlighted.

    Args:
        probabilities: (max_length, vocab, vocab) array, p(next token | step, previous token).
        tokens: the token names, e.g. ["<end>", "a", "b", "c"].
        start_id, end_id: the start token (the "previous" token at step 0) and the end token.
        paths: dict label -> list of token ids (an output), e.g. {"greedy": [1, 1, 1]}.
        min_probability: prefixes less likely than this are left out to keep the tree readable.
        ax: a matplotlib Axes (default: a new figure).

    Returns:
        The Axes. Each node is labelled with its token and the probability of its prefix.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    nodes = _search_tree(probabilities, start_id, end_id, min_probability)
    leaves = [
        prefix
        for prefix, _ in nodes
        if not any(other[:-1] == prefix for other, _ in nodes if other)
    ]
    y = {leaf: -index for index, leaf in enumerate(leaves)}
    # parents sit between their children
    for prefix, _ in sorted(nodes, key=lambda node: -len(node[0])):
        if prefix not in y:
            children = [
                y[other] for other, _ in nodes if other[:-1] == prefix and other and other in y
            ]
            y[prefix] = float(np.mean(children))
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(leaves) + 1.8))
    for prefix, probability in nodes:
        if prefix:
            parent = prefix[:-1]
            ax.plot(
                [len(parent), len(prefix)], [y[parent], y[prefix]], color="0.75", lw=1, zorder=1
            )
        ax.scatter(len(prefix), y[prefix], s=18, color="0.4", zorder=2)
        name = tokens[prefix[-1]] if prefix else "<start>"
        ax.annotate(
            f"{name} {probability:.3g}",
            (len(prefix), y[prefix]),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
        )
    for (label, path), color in zip(paths.items(), PATH_COLORS):
        prefixes = [tuple(path[:n]) for n in range(len(path) + 1) if tuple(path[:n]) in y]
        offset = 0.08 * (list(paths).index(label) - (len(paths) - 1) / 2)
        ax.plot(
            [len(p) for p in prefixes],
            [y[p] + offset for p in prefixes],
            color=color,
            lw=2.5,
            alpha=0.8,
            label=f"{label}: {' '.join(tokens[t] for t in path)}",
            zorder=3,
        )
    ax.set_xticks(range(probabilities.shape[0] + 1))
    ax.set_xlim(-0.1, probabilities.shape[0] + 0.45)
    ax.set_xlabel("output position (tokens generated)")
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(f"Search tree (prefixes with probability >= {min_probability:g})")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8, ncol=len(paths))
    ax.figure.tight_layout()
    return ax


def plot_beam_sweep(widths, log_probs, bleu, greedy_log_prob, greedy_bleu, reference_log_prob=None):
    """Mean log-probability and BLEU of the beam-search outputs against the beam width.

    Args:
        widths: beam widths; log_probs, bleu: one value per width (mean log p of the outputs,
            corpus BLEU); greedy_log_prob, greedy_bleu: the greedy baseline, drawn dashed;
        reference_log_prob: optional mean log p the model gives to the references.

    Returns:
        The figure.
    """
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    left.plot(widths, log_probs, "o-", label="beam search")
    left.axhline(greedy_log_prob, color="tab:red", ls="--", label="greedy")
    if reference_log_prob is not None:
        left.axhline(reference_log_prob, color="0.5", ls=":", label="references")
    left.set(
        xscale="log",
        xlabel="beam width",
        ylabel="mean log p(output | input) (nats)",
        title="Model score of the output",
    )
    right.plot(widths, bleu, "o-", label="beam search")
    right.axhline(greedy_bleu, color="tab:red", ls="--", label="greedy")
    right.set(
        xscale="log",
        xlabel="beam width",
        ylabel="corpus BLEU (0-100)",
        title="Quality against the references",
    )
    for ax in (left, right):
        ax.minorticks_off()
        ax.set_xticks(widths, [str(w) for w in widths])
        ax.legend(fontsize=8)
    figure.tight_layout()
    return figure


def plot_positional_encoding(encoding, ax=None):
    """Heat map of a positional encoding (positions x dimensions)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    image = ax.imshow(
        np.asarray(encoding).T, aspect="auto", cmap="RdBu", vmin=-1, vmax=1, origin="lower"
    )
    ax.set(
        xlabel="position p",
        ylabel="dimension (even: sin, odd: cos)",
        title="Sinusoidal positional encoding",
    )
    ax.grid(False)
    plt.colorbar(image, ax=ax, fraction=0.04)
    return ax


def plot_step_time_scaling(lengths, seconds, fits=None, ax=None):
    """Training time per step against sequence length, with optional straight-line fits.

    Args:
        lengths: sequence lengths T.
        seconds: dict name -> seconds per step, one per length.
        fits: optional dict name -> (slope, intercept) in seconds per time step and seconds.

    Returns:
        The Axes (times shown in milliseconds).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    lengths = np.asarray(lengths, dtype=float)
    for index, (name, values) in enumerate(seconds.items()):
        color = f"C{index}"
        ax.plot(lengths, 1e3 * np.asarray(values), "o-", color=color, label=name)
        if fits and name in fits:
            slope, intercept = fits[name]
            ax.plot(
                lengths,
                1e3 * (slope * lengths + intercept),
                ":",
                color=color,
                label=f"{name}: linear fit, {1e6 * slope:.3g} µs per time step",
            )
    ax.set(
        xlabel="sequence length T (time steps)",
        ylabel="time per training step (ms)",
        title="Training step time against sequence length",
    )
    ax.legend(fontsize=8)
    return ax


def plot_path_lengths(lengths, path_lengths, ax=None):
    """Longest path (in layers/steps) between two positions, against sequence length.

    Args:
        lengths: sequence lengths T; path_lengths: dict name -> one value per length.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    for name, values in path_lengths.items():
        ax.plot(lengths, values, "o-", label=name)
    ax.set(
        xlabel="sequence length T", ylabel="longest path (steps)", title="Path between the two ends"
    )
    ax.legend(fontsize=8)
    return ax
