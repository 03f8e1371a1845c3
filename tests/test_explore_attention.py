"""Notebook 12's explorer: an output token → its attention over the input tokens."""

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.explore.attention import attention_explorer
from course_utils.explore.core import CannotDraw

matplotlib.use("Agg")

SOURCE = "eight hundred and sixty - five".split()
TARGET = "acht hundert fünf und sechzig <end>".split()
RED = matplotlib.colors.to_rgba("tab:red")


def weights_of(seed, rows=8, columns=9):
    """Padded (T_out, T_in) weights whose argmax in the real part is known: row j looks at j."""
    weights = np.random.default_rng(seed).dirichlet(np.ones(columns), size=rows) * 0.3
    for j in range(rows):
        weights[j, j % len(SOURCE)] = 0.9
    return weights


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def bar_axes(figure):
    return [ax for ax in figure.axes if ax.get_visible() and ax.containers]


def test_default_draws_the_first_output_token_with_its_argmax_in_red():
    explorer = attention_explorer(weights_of(0), SOURCE, TARGET)
    slider = explorer.controls["position"]
    assert (slider.min, slider.max, slider.value) == (1, len(TARGET), 1)
    figure = explorer.figure()
    (bars,) = bar_axes(figure)
    assert len(bars.patches) == len(SOURCE)
    colours = [patch.get_facecolor() for patch in bars.patches]
    assert colours[0] == RED and all(colour != RED for colour in colours[1:])
    assert "output token 1 of 6: 'acht'" in figure._suptitle.get_text()
    assert "looks most at 'eight'" in bars.get_title()
    np.testing.assert_allclose(
        [patch.get_height() for patch in bars.patches], weights_of(0)[0, : len(SOURCE)]
    )


@pytest.mark.parametrize("position", [1, 3, 6])
def test_every_position_draws_including_the_extremes(position):
    figure = attention_explorer(weights_of(1), SOURCE, TARGET).figure(position=position)
    (bars,) = bar_axes(figure)
    token = TARGET[position - 1]
    assert f"output token {position} of 6: '{token}'" in figure._suptitle.get_text()
    top = (position - 1) % len(SOURCE)
    assert bars.patches[top].get_facecolor() == RED
    assert f"'{token}' looks most at '{SOURCE[top]}'" in bars.get_title()


@pytest.mark.parametrize("position", [0, 7, -1])
def test_a_position_outside_the_output_is_a_message(position):
    explorer = attention_explorer(weights_of(0), SOURCE, TARGET)
    with pytest.raises(CannotDraw, match=rf"position {position}\b.*from 1 to 6"):
        explorer.figure(position=position)


def test_moving_the_slider_redraws_without_a_message():
    explorer = attention_explorer(weights_of(0), SOURCE, TARGET)
    explorer.controls["position"].value = len(TARGET)  # <end>
    assert explorer.message.value == ""


def test_a_dict_compares_models_side_by_side():
    explorer = attention_explorer(
        {"Bahdanau": weights_of(0), "Luong": weights_of(1)}, SOURCE, TARGET, position=2
    )
    figure = explorer.figure()
    assert len(bar_axes(figure)) == 2
    titles = [ax.get_title() for ax in figure.axes]
    assert "Bahdanau" in titles and "Luong" in titles


def test_a_model_computes_the_weights_of_its_example():
    from course_utils.layers.cells import GRUCell
    from course_utils.layers.seq2seq import BahdanauAttention, Decoder, Encoder, Seq2Seq

    keras.utils.set_random_seed(0)
    model = Seq2Seq(
        Encoder(12, 4, GRUCell(6)), Decoder(9, 4, GRUCell(6), attention=BahdanauAttention(4))
    )
    encoder_inputs = np.array([[3, 4, 5, 6, 7, 8, 0]], np.int32)
    decoder_inputs = np.array([[1, 3, 4, 5, 6, 7]], np.int32)
    model((encoder_inputs, decoder_inputs))
    explorer = attention_explorer(model, SOURCE, TARGET, inputs=(encoder_inputs, decoder_inputs))
    (bars,) = bar_axes(explorer.figure(position=6))
    expected = model.attention_weights(encoder_inputs, decoder_inputs)[0][5, : len(SOURCE)]
    np.testing.assert_allclose([patch.get_height() for patch in bars.patches], expected, atol=1e-6)
    with pytest.raises(ValueError, match="`inputs`"):
        attention_explorer(model, SOURCE, TARGET)


@pytest.mark.parametrize(
    "arguments, name",
    [
        ((weights_of(0), [], TARGET), "`source_tokens`"),
        ((weights_of(0), SOURCE, []), "`target_tokens`"),
        ((weights_of(0), "eight hundred", TARGET), "`source_tokens`"),
        ((weights_of(0)[0], SOURCE, TARGET), "`weights`"),  # one row, not a matrix
        ((weights_of(0)[None], SOURCE, TARGET), "`weights`"),  # a batch
        ((weights_of(0)[:5], SOURCE, TARGET), "`weights`"),  # fewer rows than target tokens
        ((weights_of(0)[:, :4], SOURCE, TARGET), "`weights`"),  # fewer columns than sources
        ((-weights_of(0), SOURCE, TARGET), "`weights`"),
        (({"a": weights_of(0), "b": weights_of(0)[:2]}, SOURCE, TARGET), r"`weights\['b'\]`"),
        (({}, SOURCE, TARGET), "`weights`"),
    ],
)
def test_bad_arguments_name_the_argument(arguments, name):
    with pytest.raises(ValueError, match=name):
        attention_explorer(*arguments)


def test_a_bad_start_position_names_the_argument():
    with pytest.raises(ValueError, match=r"`position` must be an integer in \[1, 6\], got 7"):
        attention_explorer(weights_of(0), SOURCE, TARGET, position=7)


def test_show_stores_the_figure_and_a_text_line(capsys):
    attention_explorer(weights_of(0), SOURCE, TARGET).show()
    printed = capsys.readouterr().out
    assert "interactive explorer" in printed and "Traceback" not in printed
