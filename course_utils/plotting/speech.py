"""Figures of notebook 16 (speech recognition with CTC): waveform, log-mel spectrogram, per-frame
label posteriors with the blank, and the best path. matplotlib and NumPy only; arrays in.
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils.validation import array, integer, number

__all__ = ["plot_best_path", "plot_ctc_posteriors", "plot_log_mel", "plot_waveform"]


def _axes(ax, size=(8, 2.5)):
    if ax is None:
        figure, ax = plt.subplots(figsize=size, constrained_layout=True)
    return ax.figure, ax


def plot_waveform(waveform, sample_rate=8000, ax=None, title=None):
    """Amplitude over time (seconds)."""
    waveform = array(waveform, "waveform", rank=1, dtype_kind="if")
    sample_rate = number(sample_rate, "sample_rate", minimum=0, minimum_open=True)
    figure, ax = _axes(ax)
    ax.plot(np.arange(len(waveform)) / sample_rate, waveform, linewidth=0.6)
    ax.set(xlabel="time (s)", ylabel="amplitude", xlim=(0, len(waveform) / sample_rate),
           title=title or "waveform")
    return figure


def plot_log_mel(features, frame_step=128, sample_rate=8000, ax=None, title=None):
    """Log-mel features (frames, mel bins) as an image, time in seconds, low frequencies down."""
    features = array(features, "features", rank=2, dtype_kind="if")
    frame_step = integer(frame_step, "frame_step", minimum=1)
    figure, ax = _axes(ax)
    seconds = len(features) * frame_step / sample_rate
    image = ax.imshow(features.T, origin="lower", aspect="auto", cmap="magma",
                      extent=(0, seconds, 0, features.shape[1]))
    figure.colorbar(image, ax=ax, label="log mel energy")
    ax.set(xlabel="time (s)", ylabel="mel bin", title=title or "log-mel spectrogram")
    return figure


def plot_ctc_posteriors(probabilities, class_names, blank_index=0, ax=None, title=None):
    """Per-frame posteriors (frames, classes): the blank as a grey area, every label as a line
    (named where it peaks above 0.5)."""
    probabilities = array(probabilities, "probabilities", rank=2, dtype_kind="f")
    if len(class_names) != probabilities.shape[1]:
        raise ValueError(f"`class_names` must have {probabilities.shape[1]} names, one per "
                         f"class, got {len(class_names)}")
    figure, ax = _axes(ax, (9, 3))
    frames = np.arange(len(probabilities))
    ax.fill_between(frames, probabilities[:, blank_index], color="0.8",
                    label=f"blank ({class_names[blank_index]})")
    colors = plt.get_cmap("tab10")
    for c in range(probabilities.shape[1]):
        if c == blank_index:
            continue
        ax.plot(frames, probabilities[:, c], color=colors((c - 1) % 10), linewidth=1.2)
        peak = int(np.argmax(probabilities[:, c]))
        if probabilities[peak, c] > 0.5:
            ax.annotate(class_names[c], (peak, probabilities[peak, c]), ha="center",
                        va="bottom", fontsize=9, color=colors((c - 1) % 10))
    ax.set(xlabel="frame", ylabel="probability", ylim=(0, 1.12), xlim=(0, len(frames) - 1),
           title=title or "per-frame label posteriors (grey: blank)")
    ax.legend(loc="upper right", fontsize=8)
    return figure


def plot_best_path(probabilities, class_names, blank_index=0, ax=None, title=None):
    """The most probable class of every frame as a strip (blank grey, labels coloured and named
    where a run starts), with the collapsed labelling in the title."""
    probabilities = array(probabilities, "probabilities", rank=2, dtype_kind="f")
    path = np.argmax(probabilities, axis=1)
    figure, ax = _axes(ax, (9, 1.4))
    colors = plt.get_cmap("tab10")
    collapsed = []
    for t, c in enumerate(path):
        ax.axvspan(t, t + 1, color="0.85" if c == blank_index else colors((c - 1) % 10))
        if c != blank_index and (t == 0 or path[t - 1] != c):
            ax.text(t + 0.5, 0.5, class_names[c], ha="left", va="center", fontsize=8)
            collapsed.append(class_names[c])
    ax.set(xlim=(0, len(path)), yticks=[], xlabel="frame",
           title=title or "best path -> " + (" ".join(collapsed) or "(empty)"))
    return figure
