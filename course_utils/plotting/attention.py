"""Figures for sequence to sequence and attention (notebooks 11-12).

    plot_attention(weights, source_tokens, target_tokens)          # one heat map
    plot_attention_comparison({"Bahdanau": w1, "Luong": w2}, source_tokens, target_tokens)
    plot_accuracy_by_length(lengths, {"plain": acc1, "attention": acc2})
    plot_sampling_schedule(steps, {"inverse sigmoid": probabilities})

Attention weights are drawn with output steps down the y axis and input tokens along the x axis,
so row j shows where the decoder looked while writing output token j (rows sum to 1).
"""
import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_attention", "plot_attention_comparison", "plot_accuracy_by_length",
           "plot_sampling_schedule"]


def _crop(weights, source_tokens, target_tokens):
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise ValueError(f"weights must be (T_out, T_in) for one example, got shape {weights.shape}")
    source_tokens, target_tokens = list(source_tokens), list(target_tokens)
    if len(source_tokens) > weights.shape[1] or len(target_tokens) > weights.shape[0]:
        raise ValueError(f"{len(target_tokens)} target and {len(source_tokens)} source tokens do not "
                         f"fit weights of shape {weights.shape} (T_out, T_in)")
    return weights[:len(target_tokens), :len(source_tokens)], source_tokens, target_tokens


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
        _, ax = plt.subplots(figsize=(0.55 * len(source_tokens) + 1.8,
                                      0.4 * len(target_tokens) + 1.2))
    image = ax.imshow(weights, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(source_tokens)), source_tokens, rotation=60, ha="right")
    ax.set_yticks(range(len(target_tokens)), target_tokens)
    ax.set_xlabel("input token (encoder position i)")
    ax.set_ylabel("output token (decoder step j)")
    ax.grid(False)
    if annotate:
        for (row, column), value in np.ndenumerate(weights):
            if value >= 0.05:
                ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if value > 0.5 else "black")
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
    figure, axes = plt.subplots(1, count, figsize=(width * count, 0.4 * len(list(target_tokens)) + 1.8),
                                squeeze=False)
    for ax, (name, weights) in zip(axes[0], weights_by_name.items()):
        plot_attention(weights, source_tokens, target_tokens, ax=ax, title=name)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure, axes[0]


def plot_accuracy_by_length(lengths, accuracies_by_name, counts=None, ax=None,
                            xlabel="input length (tokens)", title=None):
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
    labels = [str(x) if counts is None else f"{x}\n(n={n})" for x, n in
              zip(lengths, counts if counts is not None else lengths)]
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
