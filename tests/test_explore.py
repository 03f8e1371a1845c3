"""The explorers of notebooks 04 and 05 and their frame: figures for good values, a message for bad
ones, argument errors that name the argument."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import explore
from course_utils.data import Vocabulary
from course_utils.explore.core import WIDGET_VIEW
from course_utils.layers import LSTMCell


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class TestFrame:
    def explorer(self):
        import ipywidgets as widgets

        def draw(size):
            if size < 1:
                raise explore.CannotDraw(f"size {size} is too small")
            figure, axes = plt.subplots()
            axes.plot(range(size))
            return figure

        return explore.Explorer({"size": widgets.IntSlider(value=3, min=0, max=9)}, draw, "size")

    def test_redraw_shows_a_message_for_bad_values_and_clears_it(self):
        explorer = self.explorer()
        explorer.controls["size"].value = 0  # observed: redraws
        assert explorer.message.value == "<b>size 0 is too small</b>"
        explorer.controls["size"].value = 5
        assert explorer.message.value == ""
        assert len(explorer.figure().axes[0].lines[0].get_xdata()) == 5

    def test_show_displays_the_default_figure_then_the_widget(self, monkeypatch):
        shown = []
        monkeypatch.setattr(
            "course_utils.explore.core.display", lambda obj, **kw: shown.append(obj)
        )
        self.explorer().show()
        assert isinstance(shown[0], plt.Figure)
        assert set(shown[1]) == {WIDGET_VIEW, "text/plain"}
        assert shown[1]["text/plain"] == (
            "[interactive explorer: size; run this notebook in JupyterLab to use it]"
        )


class TestSpectralRadius:
    def test_linear_decay_follows_rho_and_zero_is_a_message(self):
        explorer = explore.spectral_radius_explorer(units=8, steps=12, features=2, batch=2)
        figure = explorer.figure(radius=0.5, activation="linear")
        measured = figure.axes[0].lines[0].get_ydata()
        np.testing.assert_allclose(measured[:-1] / measured[1:], 0.5, rtol=1e-4)
        assert "linear RNN" in figure.axes[0].get_title()
        tanh = explorer.figure(radius=1.5, activation="tanh").axes[0]
        assert "tanh RNN" in tanh.get_title() and len(tanh.lines) == 1  # no prediction line
        with pytest.raises(explore.CannotDraw, match="ρ = 0: W_h = 0"):
            explorer.figure(radius=0.0, activation="tanh")

    def test_underflow_is_said_not_drawn(self):
        explorer = explore.spectral_radius_explorer(units=8, steps=60, features=2, batch=2)
        axes = explorer.figure(radius=0.05, activation="linear").axes[0]
        assert "float32 rounds to 0" in axes.get_title()
        assert np.isnan(axes.lines[0].get_ydata()[0])

    def test_bad_arguments_name_themselves(self):
        with pytest.raises(ValueError, match="`steps`"):
            explore.spectral_radius_explorer(steps=1)
        with pytest.raises(ValueError, match="`units`"):
            explore.spectral_radius_explorer(units=0)


@pytest.fixture(scope="module")
def gate_model():
    keras.utils.set_random_seed(0)
    words = Vocabulary.from_sequences(
        [
            ["Ravi", "grew", "up", "in", "France", "."],
            ["His", "sister", "lives", "in", "Paris", "."],
        ]
    )
    embedding = keras.layers.Embedding(len(words), 4)
    rnn = keras.layers.RNN(LSTMCell(3))
    rnn(embedding(np.zeros((1, 2), "int32")))
    return rnn, embedding, words


class TestGates:
    def test_draws_the_gates_of_the_typed_words(self, gate_model):
        explorer = explore.gate_explorer(*gate_model, sentence="Ravi grew up in France.")
        figure = explorer.figure()
        assert len(figure.axes) >= 3  # forget, input, output (and colour bars)
        labels = [[label.get_text() for label in axes.get_xticklabels()] for axes in figure.axes]
        assert ["Ravi", "grew", "up", "in", "France", "."] in labels  # the words, on the x axis

    def test_bad_sentences_get_a_message(self, gate_model):
        explorer = explore.gate_explorer(*gate_model)
        with pytest.raises(explore.CannotDraw, match="Type a sentence"):
            explorer.figure(sentence="   ")
        with pytest.raises(
            explore.CannotDraw, match=r"never saw 'Pariss' \(did you mean 'Paris'\?\)"
        ):
            explorer.figure(sentence="Ravi lives in Pariss .")
        with pytest.raises(explore.CannotDraw, match="'Zoë'.*10 words"):
            explorer.figure(sentence="Zoë grew up")
        with pytest.raises(explore.CannotDraw, match="31 words; at most 30"):
            explorer.figure(sentence=" ".join(["in"] * 31))
        explorer.controls["sentence"].value = "??"
        assert "never saw '??'" in explorer.message.value

    def test_bad_arguments_name_themselves(self, gate_model):
        rnn, embedding, _ = gate_model
        with pytest.raises(ValueError, match="`vocabulary`"):
            explore.gate_explorer(rnn, embedding, ["a", "b"])
        with pytest.raises(ValueError, match="`embedding`"):
            explore.gate_explorer(rnn, "embedding", gate_model[2])
