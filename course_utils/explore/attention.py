"""Notebook 12's explorer: one output token → where the decoder looked while writing it.

Example:
    course_utils.explore.attention_explorer(
        {"Bahdanau": weights_b, "Luong": weights_l}, source_tokens, target_tokens
    ).show()   # a slider over the output tokens, <end> included
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from course_utils import validation
from course_utils.explore.core import CannotDraw, Explorer
from course_utils.plotting.sequence_to_sequence import plot_attention

HIGHLIGHT = "tab:red"


def _tokens(tokens, name):
    if isinstance(tokens, str) or not hasattr(tokens, "__iter__"):
        validation.fail(name, "a list of tokens (strings)", tokens)
    tokens = [str(token) for token in tokens]
    if not tokens:
        validation.fail(name, "a non-empty list of tokens", tokens)
    return tokens


def _weights(weights, name, rows, columns):
    """One example's (T_out, T_in) weights, at least `rows` x `columns`, cropped to that."""
    array = validation.array(weights, name, dtype_kind="if")
    expected = (
        f"the attention weights of one example, an array of shape (T_out, T_in) with T_out >= "
        f"{rows} (the target tokens) and T_in >= {columns} (the source tokens), e.g. "
        "model.attention_weights(...)[0]"
    )
    if array.ndim != 2 or array.shape[0] < rows or array.shape[1] < columns:
        validation.fail_described(name, expected, f"shape {array.shape}")
    array = array[:rows, :columns].astype(float)
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        validation.fail_described(name, "finite weights >= 0", "negative or non-finite values")
    return array


def attention_explorer(weights, source_tokens, target_tokens, position=1, inputs=None):
    """A slider over the output tokens; draws the chosen token's attention over the input.

    For every model: the heat map of the example with the chosen row framed, and under it, column
    for column, that row as bars, the input token with the largest weight in red.

    Args:
        weights: the (T_out, T_in) attention weights of one example; or a dict {model name: such
            weights} to compare models on the same example; or a course `Seq2Seq` model (anything
            with `attention_weights`), whose weights are computed from `inputs`.
        source_tokens: the example's input tokens (the columns; padding beyond them is cut off).
        target_tokens: its output tokens (the rows), `<end>` included if its row is wanted.
        position: the output token shown first, 1 .. len(target_tokens).
        inputs: only with a model: `(encoder_inputs, decoder_inputs)` of the example, each of
            shape (1, T).
    """
    source_tokens = _tokens(source_tokens, "source_tokens")
    target_tokens = _tokens(target_tokens, "target_tokens")
    rows, columns = len(target_tokens), len(source_tokens)
    if hasattr(weights, "attention_weights"):
        if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
            validation.fail(
                "inputs", "(encoder_inputs, decoder_inputs) of one example with a model", inputs
            )
        encoder_inputs = validation.token_ids(inputs[0], "inputs[0] (encoder_inputs)", rank=2)
        decoder_inputs = validation.token_ids(inputs[1], "inputs[1] (decoder_inputs)", rank=2)
        if len(encoder_inputs) != 1 or len(decoder_inputs) != 1:
            validation.fail_described(
                "inputs",
                "one example (a batch of 1)",
                f"batches of {len(encoder_inputs)} and {len(decoder_inputs)}",
            )
        weights = {"attention": weights.attention_weights(encoder_inputs, decoder_inputs)[0]}
    elif not isinstance(weights, dict):
        weights = {"attention": weights}
    if not weights:
        validation.fail("weights", "weights of one example, or a non-empty dict of them", weights)
    several = len(weights) > 1
    weights = {
        str(name): _weights(value, f"weights[{name!r}]" if several else "weights", rows, columns)
        for name, value in weights.items()
    }
    position = validation.integer(position, "position", minimum=1, maximum=rows)
    names = list(weights)
    named = names != ["attention"]

    def draw(position):
        if not 1 <= position <= rows:
            raise CannotDraw(
                f"Output position {position} does not exist: this example has {rows} output "
                f"tokens, so choose a position from 1 to {rows}."
            )
        row = position - 1
        width = max(4.0, 0.5 * columns + 2.2)
        figure, axes = plt.subplots(
            2,
            len(names),
            figsize=(width * len(names), 0.4 * rows + 4.6),
            squeeze=False,
            gridspec_kw={"height_ratios": [max(rows, 3), 4]},
        )
        for column, name in enumerate(names):
            heat, bars = axes[0, column], axes[1, column]
            looks = weights[name][row]
            top = int(np.argmax(looks))
            plot_attention(
                weights[name], source_tokens, target_tokens, ax=heat, title=name if named else None
            )
            heat.set_xlabel("")  # the bars below name the same columns
            heat.add_patch(
                Rectangle(
                    (-0.5, row - 0.5), columns, 1, fill=False, edgecolor=HIGHLIGHT, linewidth=2.5
                )
            )
            heat.get_yticklabels()[row].set_color(HIGHLIGHT)
            heat.get_yticklabels()[row].set_fontweight("bold")
            colours = ["0.55"] * columns
            colours[top] = HIGHLIGHT
            bars.bar(range(columns), looks, color=colours, width=0.8)
            bars.set_xlim(-0.5, columns - 0.5)
            bars.set_ylim(0.0, 1.05)
            bars.set_xticks(range(columns), source_tokens, rotation=60, ha="right")
            bars.get_xticklabels()[top].set_color(HIGHLIGHT)
            bars.set_ylabel(f"α_ij, j = {position}")
            bars.set_xlabel("input token (encoder position i)")
            bars.set_title(
                f"'{target_tokens[row]}' looks most at '{source_tokens[top]}' "
                f"(α = {looks[top]:.2f})",
                fontsize=10,
            )
            # the same strip as the heat map's colour bar, so that the bars sit under its columns
            spacer = figure.colorbar(heat.images[0], ax=bars, fraction=0.04, pad=0.02)
            spacer.ax.set_visible(False)
        figure.suptitle(
            f"output token {position} of {rows}: '{target_tokens[row]}' — its attention over the "
            f"{columns} input tokens"
        )
        figure.tight_layout()
        return figure

    slider = widgets.IntSlider(
        value=position, min=1, max=rows, step=1, description="output token", readout=True
    )
    slider.style.description_width = "initial"
    slider.layout.width = "420px"
    return Explorer(
        {"position": slider}, draw, what="an output token → its attention over the input"
    )


__all__ = ["attention_explorer"]
