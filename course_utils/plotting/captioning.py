"""Figures for image captioning (notebook 18): digit strips with their captions, and the
attention map of every generated word drawn over the strip.

    plot_strips(images, captions)                                   # a few strips, captioned
    plot_caption_attention(image, words, weights, column_group=4)   # one row per generated word
    plot_scores_by_length(lengths, {"show and tell": means}, errors)  # exact match / BLEU

Attention weights over G column groups are spread back onto the pixel columns (each group
covers `width / G` columns) and drawn as a red overlay on the grey strip.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_strips", "plot_caption_attention", "plot_scores_by_length"]


def _strip(image, name="image"):
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"`{name}` must be one strip of shape (height, width), got {image.shape}")
    return image


def plot_strips(images, captions, columns=2, title=None):
    """Show strips with their captions (one caption per strip: a list of words or a string).

    Args:
        images: (n, height, width) array.
        captions: n captions.
        columns: strips per row of the figure.

    Returns:
        The matplotlib Figure.
    """
    images = np.asarray(images, dtype=float)
    if images.ndim != 3:
        raise ValueError(f"`images` must be strips of shape (n, height, width), got {images.shape}")
    captions = [c if isinstance(c, str) else " ".join(c) for c in captions]
    if len(captions) != len(images):
        raise ValueError(f"got {len(images)} strips but {len(captions)} captions")
    rows = int(np.ceil(len(images) / columns))
    figure, axes = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 1.2 * rows + 0.3), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, caption in zip(axes.ravel(), images, captions):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(caption, fontsize=9)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_caption_attention(image, words, weights, title=None):
    """The strip once per generated word, with that word's attention weights laid over it.

    Args:
        image: (height, width) strip.
        words: the generated words (e.g. with "<end>" last), one per row drawn.
        weights: (steps, G) attention weights, steps >= len(words); G must divide width.
        title: optional figure title.

    Returns:
        The matplotlib Figure.
    """
    image = _strip(image)
    weights = np.asarray(weights, dtype=float)
    words = list(words)
    if weights.ndim != 2 or weights.shape[0] < len(words):
        raise ValueError(
            f"`weights` must be (steps, column groups) with at least {len(words)} steps, got "
            f"shape {weights.shape}"
        )
    width = image.shape[1]
    if width % weights.shape[1]:
        raise ValueError(
            f"{weights.shape[1]} column groups do not divide a strip {width} pixels wide"
        )
    per_group = width // weights.shape[1]
    figure, axes = plt.subplots(len(words), 1, figsize=(6, 0.75 * len(words) + 0.4), squeeze=False)
    for ax, word, row in zip(axes[:, 0], words, weights):
        overlay = np.repeat(row / max(row.max(), 1e-9), per_group)[None, :]  # (1, width)
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.imshow(
            np.broadcast_to(overlay, image.shape),
            cmap="Reds",
            alpha=0.55,
            vmin=0,
            vmax=1,
            interpolation="nearest",
        )
        ax.set_yticks([])
        ax.set_xticks(np.arange(0, width + 1, per_group * 2) - 0.5)
        ax.set_xticklabels([])
        ax.set_ylabel(word, rotation=0, ha="right", va="center", fontsize=9)
    axes[-1, 0].set_xlabel("pixel columns (red: where the decoder looks for this word)")
    if title:
        axes[0, 0].set_title(title)
    figure.tight_layout()
    return figure


def plot_scores_by_length(
    lengths, means_by_name, errors_by_name=None, ylabel="exact match", title=None, ax=None
):
    """A line per model: a score (mean over seeds, with error bars) against strip length.

    Args:
        lengths: the strip lengths (x axis).
        means_by_name: {name: array (len(lengths),)}; errors_by_name: same shape (sd), optional.

    Returns:
        The matplotlib Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    lengths = np.asarray(lengths)
    for name, means in means_by_name.items():
        means = np.asarray(means, dtype=float)
        if means.shape != lengths.shape:
            raise ValueError(f"{name}: {means.shape[0]} scores for {len(lengths)} lengths")
        errors = None if errors_by_name is None else errors_by_name.get(name)
        ax.errorbar(lengths, means, yerr=errors, marker="o", capsize=3, label=name)
    ax.set_xlabel("digits in the strip")
    ax.set_ylabel(ylabel)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
