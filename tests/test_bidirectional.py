"""Tests for course_utils.layers.bidirectional: equal to keras.layers.Bidirectional, correct with
padding."""

import numpy as np
import pytest

import keras
from keras.src import tree

from course_utils.layers.bidirectional import Bidirectional, reverse_padded_sequences

BATCH, TIME, FEATURES, UNITS = 3, 5, 4, 6
LENGTHS = np.array([5, 3, 1])  # right-padded sequences of different lengths


def inputs(seed=0):
    x = np.random.default_rng(seed).normal(size=(BATCH, TIME, FEATURES)).astype("float32")
    mask = np.arange(TIME)[None, :] < LENGTHS[:, None]  # (batch, time), True = real step
    return x, mask


def recurrent_layer(kind, **kwargs):
    if kind == "lstm":
        return keras.layers.LSTM(UNITS, **kwargs)
    if kind == "gru":
        return keras.layers.GRU(UNITS, **kwargs)
    return keras.layers.RNN(keras.layers.SimpleRNNCell(UNITS), **kwargs)  # any cell works


def both(layer, merge_mode):
    """The built-in and the course wrapper around the same layer, with the same weights."""
    x, _ = inputs()
    reference = keras.layers.Bidirectional(layer, merge_mode=merge_mode)
    ours = Bidirectional(layer, merge_mode=merge_mode)
    reference(x)
    ours(x)
    ours.set_weights(reference.get_weights())
    return reference, ours


def assert_same(actual, expected, atol=1e-6):
    actual, expected = tree.flatten(actual), tree.flatten(expected)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(np.asarray(a), np.asarray(e), atol=atol)


class TestAgainstKeras:
    @pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
    @pytest.mark.parametrize("return_sequences", [True, False])
    @pytest.mark.parametrize("masked", [False, True])
    def test_merge_modes(self, merge_mode, return_sequences, masked):
        reference, ours = both(
            recurrent_layer("lstm", return_sequences=return_sequences), merge_mode
        )
        x, mask = inputs(1)
        mask = mask if masked else None
        assert_same(ours(x, mask=mask), reference(x, mask=mask))

    @pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
    @pytest.mark.parametrize("merge_mode", ["concat", None])
    def test_return_state(self, kind, merge_mode):
        reference, ours = both(
            recurrent_layer(kind, return_sequences=True, return_state=True), merge_mode
        )
        x, mask = inputs(2)
        expected = reference(x, mask=mask)
        actual = ours(x, mask=mask)
        states = {"simple": 1, "gru": 1, "lstm": 2}[kind]
        assert len(actual) == (2 if merge_mode is None else 1) + 2 * states
        assert_same(actual, expected)

    def test_initial_state(self):
        reference, ours = both(recurrent_layer("gru", return_sequences=True), "concat")
        x, _ = inputs(3)
        states = [np.full((BATCH, UNITS), 0.5, "float32"), np.full((BATCH, UNITS), -0.5, "float32")]
        assert_same(ours(x, initial_state=states), reference(x, initial_state=states))

    def test_weights_are_two_separate_copies(self):
        _, ours = both(recurrent_layer("gru"), "concat")
        assert len(ours.trainable_weights) == 2 * 3
        single = keras.layers.GRU(UNITS)
        single.build((None, TIME, FEATURES))
        assert ours.count_params() == 2 * single.count_params()
        forward = ours.forward_layer.get_weights()
        backward = ours.backward_layer.get_weights()
        assert not np.allclose(forward[0], backward[0])


class TestPadding:
    @pytest.mark.parametrize("kind", ["simple", "lstm"])
    def test_each_sequence_as_if_alone(self, kind):
        """Brute force: a padded, masked batch gives what each unpadded sequence gives by itself."""
        _, ours = both(recurrent_layer(kind, return_sequences=True, return_state=True), None)
        x, mask = inputs(4)
        forward, backward, *states = ours(x, mask=mask)
        half = len(states) // 2
        for b, length in enumerate(LENGTHS):
            alone_forward, alone_backward, *alone_states = ours(x[b : b + 1, :length])
            np.testing.assert_allclose(forward[b, :length], alone_forward[0], atol=1e-6)
            np.testing.assert_allclose(backward[b, :length], alone_backward[0], atol=1e-6)
            for state, alone in zip(states, alone_states):
                np.testing.assert_allclose(state[b], alone[0], atol=1e-6)
            np.testing.assert_array_equal(forward[b, length:], 0.0)  # padding gives zeros
            np.testing.assert_array_equal(backward[b, length:], 0.0)
        assert half >= 1

    def test_backward_direction_is_a_forward_pass_over_reversed_real_steps(self):
        _, ours = both(recurrent_layer("gru", return_sequences=True), None)
        x, mask = inputs(5)
        _, backward = ours(x, mask=mask)
        reversed_x = reverse_padded_sequences(x, LENGTHS)
        by_hand = ours.backward_layer(reversed_x, mask=mask)
        np.testing.assert_allclose(backward, reverse_padded_sequences(by_hand, LENGTHS), atol=1e-6)

    def test_without_mask_the_padding_changes_the_backward_pass(self):
        _, ours = both(recurrent_layer("simple", return_sequences=True), None)
        x, mask = inputs(6)
        x = np.where(mask[..., None], x, 1.0).astype(
            "float32"
        )  # the padding token's embedding is not zero
        _, masked = ours(x, mask=mask)
        _, unmasked = ours(x)
        assert np.abs(np.asarray(masked[1, :3]) - np.asarray(unmasked[1, :3])).max() > 1e-3

    def test_mask_propagates_from_embedding(self):
        tokens = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 1]])
        model = keras.Sequential(
            [
                keras.layers.Embedding(10, 4, mask_zero=True),
                Bidirectional(keras.layers.GRU(UNITS, return_sequences=True)),
            ]
        )
        output = model(tokens)
        np.testing.assert_array_equal(output[0, 3:], 0.0)
        np.testing.assert_array_equal(np.asarray(output._keras_mask), tokens != 0)


class TestReversePadded:
    def test_against_numpy(self):
        x = np.random.default_rng(7).normal(size=(BATCH, TIME, 2))
        expected = x.copy()
        for b, length in enumerate(LENGTHS):
            expected[b, :length] = x[b, :length][::-1]
        np.testing.assert_allclose(reverse_padded_sequences(x, LENGTHS), expected)
        np.testing.assert_allclose(reverse_padded_sequences(expected, LENGTHS), x)


class TestSerialization:
    @pytest.mark.parametrize("merge_mode", ["ave", None])
    def test_keras_round_trip(self, tmp_path, merge_mode):
        tokens = keras.Input((TIME,), dtype="int32")
        embedded = keras.layers.Embedding(10, FEATURES, mask_zero=True)(tokens)
        merged = Bidirectional(
            keras.layers.LSTM(UNITS, return_sequences=True), merge_mode=merge_mode
        )(embedded)
        if merge_mode is None:
            merged = keras.layers.Concatenate()(merged)
        model = keras.Model(tokens, keras.layers.Dense(2)(merged))
        data = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
        path = tmp_path / "bidirectional.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(loaded(data), model(data), atol=1e-6)
        layer = loaded.layers[2]
        assert isinstance(layer, Bidirectional) and layer.merge_mode == merge_mode

    def test_config_round_trip(self):
        layer = Bidirectional(keras.layers.GRU(UNITS), merge_mode="sum", name="bi")
        clone = Bidirectional.from_config(layer.get_config())
        assert clone.name == "bi" and clone.merge_mode == "sum"
        assert clone.forward_layer.name == layer.forward_layer.name
        assert clone.backward_layer.units == UNITS


class TestTrainsUnderXLA:
    @pytest.mark.slow  # compiles under XLA
    def test_one_compiled_step(self):
        model = keras.Sequential(
            [
                keras.Input((TIME, FEATURES)),
                Bidirectional(keras.layers.GRU(UNITS, return_sequences=True)),
                keras.layers.Dense(1),
            ]
        )
        model.compile("adam", "mse", jit_compile=True)
        x, _ = inputs(8)
        history = model.fit(x, np.zeros((BATCH, TIME, 1)), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0]) and model.jit_compile


class TestBadArguments:
    def test_unknown_merge_mode(self):
        with pytest.raises(
            ValueError,
            match="`merge_mode` must be one of 'concat', 'sum', 'mul', 'ave', None, got 'max'$",
        ):
            Bidirectional(keras.layers.GRU(2), merge_mode="max")

    def test_not_a_layer(self):
        with pytest.raises(TypeError, match="str"):
            Bidirectional("lstm")

    def test_not_recurrent(self):
        with pytest.raises(ValueError, match="return_sequences"):
            Bidirectional(keras.layers.Dense(3))

    def test_go_backwards_and_stateful(self):
        with pytest.raises(ValueError, match="go_backwards"):
            Bidirectional(keras.layers.GRU(2, go_backwards=True))
        with pytest.raises(ValueError, match="stateful"):
            Bidirectional(keras.layers.GRU(2, stateful=True))

    def test_mismatched_backward_layer(self):
        with pytest.raises(ValueError, match="return_sequences"):
            Bidirectional(
                keras.layers.GRU(2, return_sequences=True), backward_layer=keras.layers.GRU(2)
            )

    def test_wrong_rank(self):
        with pytest.raises(
            ValueError,
            match=r"`inputs` must be of shape \(batch, time, "
            r"features\), got \(2, 3\)$",
        ):
            Bidirectional(keras.layers.GRU(2))(np.zeros((2, 3), "float32"))

    def test_diagram_steps_are_checked(self):
        from course_utils.plotting.architectures import plot_bidirectional

        for steps in (1, 9, 3.0):
            with pytest.raises(
                ValueError,
                match=rf"`steps` must be an integer in \[2, 8\], got "
                rf"{steps}$",
            ):
                plot_bidirectional(steps)


class TestExerciseChecks:
    """The notebook 08 checks accept the right answer and reject typical wrong ones."""

    def test_output_shape(self):
        from course_utils import check

        assert check.bidirectional_output_shape((16, 40, 64))
        assert not check.bidirectional_output_shape((16, 40, 32))
        assert check.bidirectional_output_shape((16, 40, 32), merge_mode="sum")
        assert check.bidirectional_output_shape([(16, 40, 32), (16, 40, 32)], merge_mode=None)
        assert check.bidirectional_output_shape((16, 64), return_sequences=False)
        assert not check.bidirectional_output_shape("a shape")

    def test_parameter_count_against_keras(self):
        from course_utils import check

        question = check.BIDIRECTIONAL_QUESTION
        layer = keras.layers.Bidirectional(keras.layers.LSTM(question["units"]))
        layer.build((None, 5, question["input_dim"]))
        assert check.bidirectional_parameter_count(layer.count_params())
        assert not check.bidirectional_parameter_count(layer.count_params() // 2)
        assert not check.bidirectional_parameter_count(3.5)

    def test_use_cases(self):
        from course_utils import check

        right = {
            task: not any(word in task for word in ("typing", "live"))
            for task in check.BIDIRECTIONAL_TASKS
        }
        assert check.bidirectional_use_cases(right)
        assert not check.bidirectional_use_cases({task: True for task in check.BIDIRECTIONAL_TASKS})
        assert not check.bidirectional_use_cases({"a task": True})
