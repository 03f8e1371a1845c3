"""Tests for course_utils.check.gated_memory: right, wrong and malformed answers for every check."""

import numpy as np
import pytest

import course_utils
from course_utils.check import gated_memory as check


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# -- reference solutions and typical mistakes (written here, independently of the module) -------
def lstm_step(
    x, h, c, kernel, recurrent, bias, order="ifco", additive=True, squash=True, forget=True
):
    blocks = dict(zip(order, np.split(x @ kernel + h @ recurrent + bias, 4, axis=-1)))
    i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
    candidate = np.tanh(blocks["c"])
    if additive:
        c_new = (f * c if forget else c) + i * candidate
    else:
        c_new = c * candidate  # the lecture notes' step 7
    return o * (np.tanh(c_new) if squash else c_new), c_new


def gru_step(x, h, kernel, recurrent, bias, notes_sign=False, reset_after=False):
    units = h.shape[1]
    xz, xr, xh = np.split(x @ kernel + bias, 3, axis=-1)
    hz, hr, hh = np.split(h @ recurrent, 3, axis=-1)
    z, r = sigmoid(xz + hz), sigmoid(xr + hr)
    if reset_after:
        candidate = np.tanh(xh + r * hh)
    else:
        candidate = np.tanh(xh + (r * h) @ recurrent[:, 2 * units :])
    return (1 - z) * h + z * candidate if notes_sign else z * h + (1 - z) * candidate


def leaky_step(x, h, kernel, recurrent, bias, alpha):
    return alpha * h + (1 - alpha) * np.tanh(x @ kernel + h @ recurrent + bias)


def hebbian(patterns):
    weights = patterns.T @ patterns / patterns.shape[1]
    np.fill_diagonal(weights, 0.0)
    return weights


class TestLSTMParameterCount:
    def test_right(self):
        m, n = check.LSTM_PARAMETER_QUESTION["input_dim"], check.LSTM_PARAMETER_QUESTION["units"]
        assert check.lstm_parameter_count(4 * (n * m + n * n + n))
        layer = course_utils.LSTMCell(n)  # the formula agrees with the course's (Keras-shaped) cell
        layer.build((None, m))
        assert check.lstm_parameter_count(layer.count_params())

    def test_wrong_answers_get_hints(self):
        m, n = 20, 128
        assert "bias" in check.lstm_parameter_count(4 * (n * m + n * n)).message
        assert "one block" in check.lstm_parameter_count(n * m + n * n + n).message
        assert not check.lstm_parameter_count(12345)

    @pytest.mark.parametrize("answer", ["76288", None, True, float("nan"), [76288]])
    def test_malformed(self, answer):
        assert not check.lstm_parameter_count(answer)


class TestLSTMStep:
    def test_right(self):
        assert check.lstm_step(lstm_step)

    def test_right_with_tensorflow_outputs(self):
        import tensorflow as tf

        assert check.lstm_step(lambda *args: tuple(tf.constant(a) for a in lstm_step(*args)))

    @pytest.mark.parametrize(
        "mistake, words",
        [
            (dict(order="ifoc"), "order"),
            (dict(order="fico"), "swapped"),
            (dict(additive=False), "notes"),
            (dict(squash=False), "tanh"),
            (dict(forget=False), "forget gate"),
        ],
    )
    def test_wrong_gets_a_specific_hint(self, mistake, words):
        result = check.lstm_step(lambda *args: lstm_step(*args, **mistake))
        assert not result and words in result.message

    def test_swapped_outputs(self):
        result = check.lstm_step(lambda *args: lstm_step(*args)[::-1])
        assert not result and "swapped" in result.message

    def test_does_not_reveal_the_answer(self):
        result = check.lstm_step(lambda *args: lstm_step(*args, additive=False))
        assert not any(ch.isdigit() for ch in result.message.replace("_t", "").replace("7", ""))

    @pytest.mark.parametrize(
        "fake",
        [
            lambda x, h, c, *w: (h, c),  # the inputs
            lambda x, h, c, *w: (np.zeros_like(h), np.zeros_like(c)),  # a constant
            lambda x, h, c, *w: (np.ones((2, 4)), np.ones((2, 4))),  # a fixed-shape constant
        ],
    )
    def test_not_fooled(self, fake):
        assert not check.lstm_step(fake)

    def test_reference_object_is_rejected(self):
        assert "course_utils" in check.lstm_step(course_utils.LSTMCell).message
        assert "course_utils" in check.lstm_step(course_utils.LSTMCell(4)).message
        cell = course_utils.LSTMCell(4)
        assert not check.lstm_step(lambda *args: (cell, cell))

    def test_malformed(self, short_time_limit, endless):
        assert "pair" in check.lstm_step(lambda *args: 3).message
        assert "shape" in check.lstm_step(lambda x, h, c, *w: (h[:, :1], c[:, :1])).message
        assert "ZeroDivisionError" in check.lstm_step(lambda *args: 1 / 0).message
        assert "NaN" in check.lstm_step(lambda x, h, c, *w: (h * np.nan, c * 1.0)).message
        assert "function" in check.lstm_step("not a function").message
        assert "within" in check.lstm_step(endless).message


class TestCellPathGradient:
    def test_right(self):
        assert check.cell_path_gradient(lambda gates, k: np.prod(gates[k:], axis=0))

    def test_right_by_loop(self):
        def by_loop(gates, k):
            gradient = np.ones(gates.shape[1])
            for t in range(k + 1, len(gates) + 1):
                gradient = gradient * gates[t - 1]
            return gradient

        assert check.cell_path_gradient(by_loop)

    def test_off_by_one_and_sum(self):
        assert (
            "off by one"
            in check.cell_path_gradient(lambda g, k: np.prod(g[k + 1 :], axis=0)).message
        )
        assert (
            "off by one"
            in check.cell_path_gradient(lambda g, k: np.prod(g[max(k - 1, 0) :], axis=0)).message
        )
        assert "add" in check.cell_path_gradient(lambda g, k: np.sum(g[k:], axis=0)).message

    def test_not_fooled(self):
        assert not check.cell_path_gradient(lambda g, k: g)
        assert not check.cell_path_gradient(lambda g, k: np.ones(g.shape[1]))
        assert not check.cell_path_gradient(lambda g, k: g[-1])

    def test_malformed(self):
        assert "shape" in check.cell_path_gradient(lambda g, k: 1.0).message
        assert "should be an array" in check.cell_path_gradient(lambda g, k: "x").message


class TestGRUParameterCount:
    def test_right_matches_keras(self):
        import keras

        q = check.GRU_PARAMETER_QUESTION
        layer = keras.layers.GRU(q["units"], reset_after=q["reset_after"])
        layer.build((None, 5, q["input_dim"]))
        assert check.gru_parameter_count(layer.count_params())

    def test_wrong(self):
        m, n = 20, 128
        assert "reset_after=False" in check.gru_parameter_count(3 * (n * m + n * n + n)).message
        assert "LSTM" in check.gru_parameter_count(4 * (n * m + n * n + n)).message
        assert not check.gru_parameter_count(1)
        assert not check.gru_parameter_count("57600")


class TestGRUStep:
    def test_right(self):
        assert check.gru_step(gru_step)

    def test_other_sign_convention(self):
        result = check.gru_step(lambda *args: gru_step(*args, notes_sign=True))
        assert not result and "sign convention" in result.message

    def test_reset_after(self):
        result = check.gru_step(lambda *args: gru_step(*args, reset_after=True))
        assert not result and "reset_after" in result.message

    def test_not_fooled(self):
        assert not check.gru_step(lambda x, h, *w: h)
        assert not check.gru_step(lambda x, h, *w: np.zeros_like(h))
        assert "course_utils" in check.gru_step(course_utils.GRUCell).message

    def test_malformed(self, short_time_limit, endless):
        assert (
            "no separate cell state"
            in check.gru_step(lambda x, h, *w: (gru_step(x, h, *w), h)).message
        )
        assert "shape" in check.gru_step(lambda x, h, *w: h.T).message
        assert "raised" in check.gru_step(lambda *args: [][1]).message
        assert "within" in check.gru_step(endless).message


class TestLeaky:
    def test_time_constant(self):
        alpha = check.LEAKY_QUESTION["alpha"]
        assert check.leaky_time_constant(1 / (1 - alpha))
        assert "inverse" in check.leaky_time_constant(1 - alpha).message
        assert not check.leaky_time_constant("20")

    def test_step_right_and_matches_the_course_cell(self):
        assert check.leaky_step(leaky_step)

    def test_step_wrong(self):
        swapped = check.leaky_step(lambda x, h, W, U, b, a: leaky_step(x, h, W, U, b, 1 - a))
        assert not swapped and "old" in swapped.message
        plain = check.leaky_step(lambda x, h, W, U, b, a: np.tanh(x @ W + h @ U + b))
        assert not plain and "plain RNN" in plain.message
        assert not check.leaky_step(lambda x, h, *w: h)

    def test_step_malformed(self, short_time_limit, endless):
        assert "within" in check.leaky_step(endless).message
        assert "should be an array" in check.leaky_step(lambda *args: {"h": 1}).message


class TestHopfieldWeights:
    def test_right(self):
        assert check.hopfield_weights(hebbian)

    def test_wrong(self):
        assert "diagonal" in check.hopfield_weights(lambda p: p.T @ p / p.shape[1]).message
        assert "divide by N" in check.hopfield_weights(lambda p: hebbian(p) * p.shape[1]).message
        assert not check.hopfield_weights(lambda p: np.zeros((p.shape[1], p.shape[1])))

    def test_malformed(self):
        assert (
            "shape" in check.hopfield_weights(lambda p: p).message
            or "unchanged" in check.hopfield_weights(lambda p: p).message
        )
        assert "shape" in check.hopfield_weights(lambda p: p.sum()).message
        net = course_utils.HopfieldNetwork(4)
        assert "course_utils" in check.hopfield_weights(net.store).message


def test_reexported_from_the_check_package():
    for name in check.__all__:
        if not name.isupper():
            assert getattr(course_utils.check, name) is getattr(check, name)
