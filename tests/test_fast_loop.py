"""course_utils.training.fast_loop: the batched-BPTT loop against keras.layers.RNN's own loop
(outputs, states and gradients with the same cell and weights, with and without XLA), its
fallbacks (a subclass of a standard cell trains through Keras's loop), and saving."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import course_utils
from course_utils.layers import cells
from course_utils.training.fast_loop import FastRNN, fast_loops, uses_fast_loop

RNG = np.random.default_rng(0)
INPUTS = RNG.normal(size=(3, 6, 5)).astype("float32")  # (batch, time, features)
CELLS = {
    "course SimpleRNN": lambda: cells.SimpleRNNCell(4),
    "course LSTM": lambda: cells.LSTMCell(4),
    "course GRU": lambda: cells.GRUCell(4),
    "keras LSTM": lambda: keras.layers.LSTMCell(4),
    "keras GRU": lambda: keras.layers.GRUCell(4),
}


def weights_like(tensor):
    """Fixed, distinct weights so that every output element gets its own gradient."""
    return tf.cos(tf.reshape(tf.range(tf.size(tensor), dtype=tensor.dtype), tensor.shape))


def outputs_and_gradients(layer, inputs, initial_state=None, jit_compile=False):
    """Outputs of `layer` and gradients of a random projection of them w.r.t. weights and inputs."""

    def run():
        inputs_tensor = tf.constant(inputs)
        with tf.GradientTape() as tape:
            tape.watch(inputs_tensor)
            outputs = layer(inputs_tensor, initial_state=initial_state)
            outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
            loss = sum(tf.reduce_sum(o * weights_like(o)) for o in outputs)
        return outputs, tape.gradient(loss, layer.trainable_variables + [inputs_tensor])

    return tf.function(run, jit_compile=True)() if jit_compile else run()


def twin_layers(make_cell, **kwargs):
    reference = keras.layers.RNN(make_cell(), **kwargs)
    fast = FastRNN(make_cell(), **kwargs)
    reference(INPUTS)
    fast(INPUTS)
    fast.set_weights(
        [RNG.normal(scale=0.5, size=w.shape).astype("float32") for w in reference.get_weights()]
    )
    reference.set_weights(fast.get_weights())
    return reference, fast


class TestSameAsKerasLoop:
    @pytest.mark.parametrize("name", list(CELLS))
    @pytest.mark.parametrize("go_backwards", [False, True])
    def test_outputs_states_and_gradients(self, name, go_backwards):
        reference, fast = twin_layers(
            CELLS[name], return_sequences=True, return_state=True, go_backwards=go_backwards
        )
        assert uses_fast_loop(fast, INPUTS.shape)
        expected_out, expected_grad = outputs_and_gradients(reference, INPUTS)
        out, grad = outputs_and_gradients(fast, INPUTS, jit_compile=True)
        for a, b in zip(out + grad, expected_out + expected_grad):
            np.testing.assert_allclose(a, b, atol=2e-5, rtol=1e-5)

    @pytest.mark.parametrize("name", ["course LSTM", "course GRU"])
    def test_last_output_and_initial_state(self, name):
        reference, fast = twin_layers(CELLS[name], return_state=True)
        states = [RNG.normal(size=(3, 4)).astype("float32") for _ in reference.state_size]
        expected_out, expected_grad = outputs_and_gradients(reference, INPUTS, states)
        out, grad = outputs_and_gradients(fast, INPUTS, states)
        for a, b in zip(out + grad, expected_out + expected_grad):
            np.testing.assert_allclose(a, b, atol=2e-5, rtol=1e-5)

    def test_fast_loops_patches_plain_rnn_inside_a_model_and_restores_it(self):
        reference, _ = twin_layers(CELLS["course LSTM"], return_sequences=True)
        model = keras.Sequential([keras.Input((6, 5)), reference])
        expected = model(INPUTS)
        with fast_loops(model) as patched:
            assert patched == [reference] and "inner_loop" in vars(reference)
            np.testing.assert_allclose(model(INPUTS), expected, atol=1e-5)
        assert "inner_loop" not in vars(reference)


class TestFallbacks:
    def test_other_cells_masks_and_recurrent_dropout_use_keras_loop(self):
        relu = FastRNN(cells.SimpleRNNCell(4, activation="relu"))
        override = FastRNN(cells.LSTMCell(4, forget_gate_override=0.0))
        classic_gru = FastRNN(cells.GRUCell(4, reset_after=False))
        dropped = FastRNN(cells.LSTMCell(4, recurrent_dropout=0.5))
        plain = FastRNN(cells.LSTMCell(4))
        for layer in (relu, override, classic_gru):
            assert not uses_fast_loop(layer, (3, 6, 5))
        assert not uses_fast_loop(dropped, (3, 6, 5), training=True)
        assert uses_fast_loop(dropped, (3, 6, 5), training=False)
        assert not uses_fast_loop(plain, (3, 6, 5), mask=np.ones((3, 6), bool))
        assert not uses_fast_loop(plain, (3, None, 5))

    def test_fallback_results_equal_keras(self):
        reference, fast = twin_layers(
            lambda: cells.GRUCell(4, reset_after=False), return_sequences=True
        )
        np.testing.assert_allclose(fast(INPUTS), reference(INPUTS), atol=1e-6)

    def test_input_dropout_uses_the_cells_mask(self):
        reference, fast = twin_layers(
            lambda: cells.LSTMCell(4, dropout=0.5, seed=3), return_sequences=True
        )
        # same seed state: the two cells draw the same mask
        fast.cell.seed_generator.state.assign(reference.cell.seed_generator.state)
        np.testing.assert_allclose(
            fast(INPUTS, training=True), reference(INPUTS, training=True), atol=1e-5
        )


class UnforgettingLSTMCell(cells.LSTMCell):
    """An LSTM cell whose forget gate is fixed to 1 (the cell state only adds up): a subclass
    whose `step` differs from the standard cell's, so it must run in Keras's own loop."""

    def step(self, inputs, states, training=False):
        previous_hidden, previous_cell = states[0], states[1]
        inputs, recurrent_input = self.prepare(inputs, previous_hidden, training)
        z = ops.matmul(inputs, self.kernel) + ops.matmul(recurrent_input, self.recurrent_kernel)
        z_input, _, z_candidate, z_output = ops.split(z + self.bias, 4, axis=-1)
        cell = previous_cell + self.recurrent_activation(z_input) * self.activation(z_candidate)
        hidden = self.recurrent_activation(z_output) * self.activation(cell)
        return hidden, [hidden, cell], {}


def classifier(cell, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((6, 5)), keras.layers.RNN(cell), keras.layers.Dense(3)])


class TestSubclassesTakeKerasLoop:
    @pytest.mark.parametrize(
        "base",
        [
            cells.SimpleRNNCell,
            cells.LSTMCell,
            cells.GRUCell,
            keras.layers.SimpleRNNCell,
            keras.layers.LSTMCell,
            keras.layers.GRUCell,
        ],
    )
    def test_any_subclass_of_a_standard_cell_is_not_taken_for_it(self, base):
        subclass = type(f"My{base.__name__}", (base,), {})
        assert uses_fast_loop(keras.layers.RNN(base(4)), (3, 6, 5))
        assert not uses_fast_loop(keras.layers.RNN(subclass(4)), (3, 6, 5))
        model = keras.Sequential([keras.Input((6, 5)), keras.layers.RNN(subclass(4))])
        with fast_loops(model) as changed:
            assert changed == []

    @pytest.mark.slow  # trains twice
    def test_a_subclass_that_changes_the_step_trains_as_keras_runs_it(self):
        ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        rng = np.random.default_rng(1)
        x = rng.normal(scale=2.0, size=(12, 6, 5)).astype("float32")
        y = rng.integers(0, 3, 12)
        custom, reference = classifier(UnforgettingLSTMCell(4)), classifier(UnforgettingLSTMCell(4))
        standard = classifier(cells.LSTMCell(4))
        weights = [rng.normal(size=w.shape).astype("float32") for w in custom.get_weights()]
        for model in (custom, reference, standard):
            model.set_weights(weights)
        # reference: Keras's step-by-step loop, run eagerly, and one plain SGD step
        with tf.GradientTape() as tape:
            loss = ce(y, reference(x, training=True))
        grads = tape.gradient(loss, reference.trainable_variables)
        expected_loss = float(loss)
        for variable, grad in zip(reference.trainable_variables, grads):
            variable.assign_sub(0.5 * grad)
        standard_loss = float(ce(y, standard(x)))
        histories = [
            course_utils.train(
                model,
                x,
                y,
                loss=ce,
                optimizer=keras.optimizers.SGD(0.5),
                batch_size=12,
                metrics=(),
                shuffle=False,
            )
            for model in (custom, standard)
        ]
        assert histories[0].history["loss"][0] == pytest.approx(expected_loss, rel=1e-5)
        assert histories[1].history["loss"][0] == pytest.approx(standard_loss, rel=1e-5)
        # the fixed forget gate matters far beyond the tolerance above: had the fast loop run the
        # standard step, the first assertion would fail
        assert abs(expected_loss - standard_loss) > 1e-2 * expected_loss
        for ours, theirs in zip(custom.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(ours, theirs, atol=1e-5)


class TestSaving:
    def test_keras_round_trip(self, tmp_path):
        model = keras.Sequential(
            [keras.Input((6, 5)), FastRNN(cells.GRUCell(4), return_sequences=True)]
        )
        path = tmp_path / "fast.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        assert isinstance(loaded.layers[0], FastRNN)
        np.testing.assert_allclose(loaded(INPUTS), model(INPUTS), atol=1e-6)
