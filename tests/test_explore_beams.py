"""Notebook 13's explorer: the beam width → mean log p and BLEU, one beam search per width."""

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.data.vocabulary import Vocabulary
from course_utils.decoding import beam_search, seq2seq_step_fn, strip_special
from course_utils.explore import beams
from course_utils.explore.beams import beam_width_explorer
from course_utils.explore.core import CannotDraw

matplotlib.use("Agg")

TARGET = Vocabulary(["a", "b", "c"], start_end=True)  # 6 tokens with <pad>, <start>, <end>
MAX_LENGTH = 4
SOURCES = ["x y z", "y y", "z x y", "x", "z z z"]
REFERENCES = [["a", "b"], ["b"], ["c", "a", "b"], ["a"], ["c", "c"]]


@pytest.fixture(scope="module")
def search():
    from course_utils.layers.cells import LSTMCell
    from course_utils.layers.seq2seq import Decoder, Encoder, Seq2Seq

    keras.utils.set_random_seed(3)
    model = Seq2Seq(
        Encoder(9, 4, LSTMCell(6)), Decoder(len(TARGET), 4, LSTMCell(6), attention="luong_dot")
    )
    encoder_tokens = np.array(
        [[3, 4, 5, 0], [4, 4, 0, 0], [5, 3, 4, 0], [3, 0, 0, 0], [5, 5, 5, 0]], np.int32
    )
    model((encoder_tokens, np.ones((5, 2), np.int32)))
    return seq2seq_step_fn(model, encoder_tokens)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def explorer_for(search, **settings):
    step_fn, state = search
    return beam_width_explorer(
        step_fn, state, REFERENCES, TARGET, MAX_LENGTH, sources=SOURCES, **settings
    )


def beam_lines(figure):
    """The 'beam search' line of both panels: (x, y) data."""
    lines = [
        line for ax in figure.axes[:2] for line in ax.lines if line.get_label() == "beam search"
    ]
    assert len(lines) == 2
    return [(list(line.get_xdata()), list(line.get_ydata())) for line in lines]


def test_default_draws_widths_one_and_the_default_with_the_chosen_one_marked(search):
    explorer = explorer_for(search, width=3, max_width=8)
    slider = explorer.controls["width"]
    assert (slider.min, slider.max, slider.value) == (1, 8, 3)
    figure = explorer.figure()
    (widths, _), (widths_again, _) = beam_lines(figure)
    assert widths == widths_again == [1, 3]
    for ax in figure.axes[:2]:
        (star,) = [line for line in ax.lines if line.get_label() == "width 3"]
        assert list(star.get_xdata()) == [3]
    title = figure._suptitle.get_text()
    assert "5 of 5 sentences (all), width 3" in title and "sentence 0: 'x y z' →" in title
    assert "(reference: 'a b')" in title


def test_the_values_are_those_of_beam_search(search):
    step_fn, state = search
    explorer = explorer_for(search, width=2, sentences=3, example=1)
    (widths, log_probs), (_, bleus) = beam_lines(explorer.figure())
    result = beam_search(step_fn, state, TARGET.start_id, TARGET.end_id, MAX_LENGTH, beam_width=2)
    chosen = [0, 2, 4]  # 3 of 5, evenly spaced
    np.testing.assert_allclose(log_probs[1], np.mean(result.best_log_probs[chosen]), rtol=1e-5)
    words = [
        " ".join(TARGET.decode(row))
        for row in strip_special(result.best_tokens, result.best_lengths, TARGET.end_id)
    ]
    title = explorer.figure()._suptitle.get_text()
    assert "3 of 5 sentences (evenly spaced)" in title
    assert f"sentence 2: 'z x y' → '{words[2]}'" in title
    assert all(0 <= bleu <= 100 for bleu in bleus)


def test_each_width_is_searched_once_and_the_figure_grows(search, monkeypatch):
    calls = []

    def counted(*arguments, **settings):
        calls.append(settings["beam_width"])
        return beam_search(*arguments, **settings)

    monkeypatch.setattr(beams, "beam_search", counted)
    explorer = explorer_for(search, width=2)
    explorer.figure()
    explorer.figure(width=5)
    explorer.figure(width=2)
    figure = explorer.figure(width=5)
    assert sorted(calls) == [1, 2, 5]
    (widths, _), _ = beam_lines(figure)
    assert widths == [1, 2, 5]


@pytest.mark.parametrize("width", [7, 12])
def test_a_width_larger_than_the_vocabulary_is_a_message(search, width):
    explorer = explorer_for(search, max_width=12)
    with pytest.raises(CannotDraw, match=rf"width {width} is larger .* \(6 tokens\)"):
        explorer.figure(width=width)
    explorer.controls["width"].value = width  # in the explorer: a message, no traceback
    assert f"width {width}" in explorer.message.value
    explorer.controls["width"].value = 6  # the largest width that fits draws again
    assert explorer.message.value == ""


@pytest.mark.parametrize("width", [0, 13])
def test_a_width_off_the_slider_is_a_message(search, width):
    with pytest.raises(CannotDraw, match=rf"width {width}\b"):
        explorer_for(search).figure(width=width)


@pytest.mark.parametrize(
    "settings, name",
    [
        ({"references": REFERENCES[:4]}, "`references`"),
        ({"sources": SOURCES[:2]}, "`sources`"),
        ({"example": 5}, "`example`"),
        ({"example": 2, "sentences": 2}, "`example`"),
        ({"width": 13}, "`width`"),
        ({"width": 0}, "`width`"),
        ({"max_width": 0}, "`max_width`"),
        ({"sentences": 0}, "`sentences`"),
        ({"length_penalty": -1.0}, "`length_penalty`"),
        ({"max_length": 0}, "`max_length`"),
        ({"target_vocabulary": Vocabulary(["a", "b"])}, "`target_vocabulary`"),
        ({"target_vocabulary": ["a", "b"]}, "`target_vocabulary`"),
        ({"step_fn": "not a function"}, "`step_fn`"),
        ({"state": ()}, "`state`"),
    ],
)
def test_bad_arguments_name_the_argument(search, settings, name):
    step_fn, state = search
    arguments = {
        "step_fn": step_fn,
        "state": state,
        "references": REFERENCES,
        "target_vocabulary": TARGET,
        "max_length": MAX_LENGTH,
        "sources": SOURCES,
        **settings,
    }
    with pytest.raises(ValueError, match=name):
        beam_width_explorer(**arguments)


def test_show_stores_the_figure_and_a_text_line(search, capsys):
    explorer_for(search).show()
    printed = capsys.readouterr().out
    assert "interactive explorer" in printed and "Traceback" not in printed
