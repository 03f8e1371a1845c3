"""course_utils.training.engine: the XLA-compiled training path, checked against Keras `fit`,
hand-written gradient steps (GradientTape + plain SGD), NumPy simulations and manual truncated
BPTT; the explicit rules for labels, accuracy and state inputs."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.layers.cells import SimpleRNNCell
from course_utils.training import rules
from course_utils.training.engine import evaluate, train

RNG = np.random.default_rng(0)


def dense_classifier(seed=0, features=4, classes=3, dropout=0.0):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((features,)), keras.layers.Dense(8, activation="tanh")]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    return keras.Sequential(layers + [keras.layers.Dense(classes)])


def blobs(n=40, features=4, classes=3, seed=1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = rng.normal(size=(n, features)).astype("float32") + 2.0 * np.eye(classes, features)[y]
    return x.astype("float32"), y


CE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def state_model(units=3, vocabulary=5, seed=0):
    """Explicit-state contract: (tokens, h0) -> (logits per step, h_T)."""
    keras.utils.set_random_seed(seed)
    tokens, h0 = keras.Input((None,), dtype="int32"), keras.Input((units,))
    embedded = keras.layers.Embedding(vocabulary, 4)(tokens)
    sequence, h = keras.layers.RNN(SimpleRNNCell(units), return_sequences=True, return_state=True)(
        embedded, initial_state=[h0]
    )
    return keras.Model([tokens, h0], [keras.layers.Dense(vocabulary)(sequence), h])


class TestAgainstKerasFit:
    def test_same_weights_and_losses_as_fit_with_a_partial_batch(self):
        x, y = blobs(n=40)  # batch 16: two full batches and one of 8
        ours, reference = dense_classifier(), dense_classifier()
        reference.set_weights(ours.get_weights())
        history = train(
            ours,
            x,
            y,
            loss=CE,
            optimizer=keras.optimizers.SGD(0.1),
            epochs=3,
            batch_size=16,
            shuffle=False,
            steps_per_call=2,
        )
        reference.compile(optimizer=keras.optimizers.SGD(0.1), loss=CE, metrics=["accuracy"])
        fitted = reference.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
        for ours_w, ref_w in zip(ours.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(ours_w, ref_w, atol=1e-5)
        np.testing.assert_allclose(history.history["loss"], fitted.history["loss"], rtol=1e-5)
        np.testing.assert_allclose(history.history["accuracy"], fitted.history["accuracy"])
        assert history.xla_used is True and history.diverged is None
        assert history.steps == 9 and history.seconds_per_step > 0

    def test_learns_and_validation_matches_numpy(self, capsys):
        x, y = blobs(n=96)
        model = dense_classifier()
        history = train(
            model,
            x[:64],
            y[:64],
            loss=CE,
            learning_rate=0.05,
            epochs=4,
            validation_data=(x[64:], y[64:]),
            log_every=2,
        )
        lines = capsys.readouterr().out.strip().splitlines()
        assert [line.split(" |")[0] for line in lines] == ["epoch 2/4", "epoch 4/4"]
        assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
        logits = np.asarray(model(x[64:]), dtype=np.float64)
        log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
        np.testing.assert_allclose(
            history.history["val_loss"][-1], -log_probs[np.arange(32), y[64:]].mean(), rtol=1e-5
        )
        assert history.history["val_accuracy"][-1] == np.mean(logits.argmax(1) == y[64:])
        assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "grad_norm"}
        result = evaluate(model, x[64:], y[64:], loss=CE, batch_size=5)  # 7 batches, one partial
        np.testing.assert_allclose(result["loss"], history.history["val_loss"][-1], rtol=1e-5)

    def test_second_call_reuses_the_compiled_step_and_continues(self):
        x, y = blobs(n=32)
        once, twice = dense_classifier(), dense_classifier()
        train(once, x, y, loss=CE, epochs=2, batch_size=8, shuffle=False)
        first = train(twice, x, y, loss=CE, epochs=1, batch_size=8, shuffle=False)
        second = train(twice, x, y, loss=CE, epochs=1, batch_size=8, shuffle=False)
        assert first.compile_seconds > 0 and second.compile_seconds is None
        for a, b in zip(once.get_weights(), twice.get_weights()):  # Adam state carried over
            np.testing.assert_allclose(a, b, atol=1e-6)

    def test_dataset_input_equals_arrays(self):
        x, y = blobs(n=32)
        a, b = dense_classifier(), dense_classifier()
        train(a, x, y, loss=CE, epochs=2, batch_size=8, shuffle=False, log_every=None)
        train(
            b, tf.data.Dataset.from_tensor_slices((x, y)).batch(8), loss=CE, epochs=2, shuffle=False
        )
        for wa, wb in zip(a.get_weights(), b.get_weights()):
            np.testing.assert_array_equal(wa, wb)


def one_sgd_step(**clip):
    """Train one full-batch SGD step with learning rate 1: the weight change is minus the
    applied gradient. Also return the unclipped gradient from a plain GradientTape."""
    x, y = blobs(n=24)
    model = dense_classifier()
    before = [w.copy() for w in model.get_weights()]
    with tf.GradientTape() as tape:
        loss = CE(y, model(x))
    grads = [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]
    history = train(
        model, x, y, loss=CE, optimizer=keras.optimizers.SGD(1.0), batch_size=24, metrics=(), **clip
    )
    applied = [b - a for b, a in zip(before, model.get_weights())]
    return grads, applied, history


class TestDefaultAccuracy:
    """`metrics=("accuracy",)` follows the loss; for a loss that does not say what its labels are,
    the shapes of labels and scores (as Keras's `compile` does), whatever the loss's name."""

    @staticmethod
    def masked_token_loss(y_true, y_pred):  # a custom loss whose name says nothing about labels
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)

    def test_integer_labels_per_time_step_get_sparse_accuracy(self):
        keras.utils.set_random_seed(0)
        tokens = keras.Input((6,), dtype="int32")
        logits = keras.layers.Dense(5)(keras.layers.Embedding(5, 4)(tokens))  # (batch, 6, 5)
        model = keras.Model(tokens, logits)
        x = RNG.integers(0, 5, (20, 6))
        result = evaluate(model, x, x, loss=self.masked_token_loss, batch_size=20)
        predicted = np.asarray(model(x)).argmax(-1)
        assert result["accuracy"] == pytest.approx(np.mean(predicted == x))

    @pytest.mark.parametrize("labels_shape", [(20,), (20, 1)])
    def test_one_score_per_example_gets_binary_accuracy(self, labels_shape):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])  # logits
        x = RNG.normal(size=(20, 3)).astype("float32")
        y = (RNG.random(20) > 0.5).astype("float32").reshape(labels_shape)
        loss = keras.losses.BinaryCrossentropy(from_logits=True)
        result = evaluate(model, x, y, loss=loss, batch_size=20)
        predicted = (np.asarray(model(x)) > 0.0).reshape(labels_shape)
        assert result["accuracy"] == pytest.approx(np.mean(predicted == y))


class TestLabelRules:
    """What a loss expects of its labels comes from the `labels=` argument, the loss's own
    `labels` attribute or the table of Keras losses, never from its name; the accuracy and the
    labels the loss receives follow from it."""

    @pytest.mark.parametrize(
        "loss, kind",
        [
            ("mse", "regression"),
            ("sparse_categorical_crossentropy", "sparse"),
            ("binary_crossentropy", "binary"),
            ("categorical_crossentropy", "categorical"),
            (CE, "sparse"),
            (keras.losses.Huber(), "regression"),
            (keras.losses.KLDivergence(), "categorical"),
            (keras.losses.Hinge(), "binary"),
        ],
    )
    def test_keras_losses_by_class_and_by_name(self, loss, kind):
        assert rules.label_kind(rules.as_keras_loss(loss)) == kind

    def test_a_misleading_name_does_not_choose_the_accuracy(self):
        def binary_crossentropy_of_classes(y_true, y_pred):  # sparse labels, whatever its name
            return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)

        x, y = blobs(n=30)
        model = dense_classifier()
        result = evaluate(model, x, y, loss=binary_crossentropy_of_classes, batch_size=30)
        assert result["accuracy"] == pytest.approx(np.mean(np.asarray(model(x)).argmax(1) == y))

    def test_a_declared_kind_chooses_the_accuracy(self):
        def multi_label_loss(y_true, y_pred):  # five independent yes/no labels per example
            return keras.ops.mean(keras.losses.binary_crossentropy(y_true, y_pred), axis=-1)

        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="sigmoid")])
        x = RNG.normal(size=(30, 4)).astype("float32")
        y = (RNG.random((30, 5)) > 0.5).astype("float32")
        result = evaluate(model, x, y, loss=multi_label_loss, labels="binary", batch_size=30)
        assert result["accuracy"] == pytest.approx(np.mean((np.asarray(model(x)) > 0.5) == y))

    @staticmethod
    def probe(seen, labels=None):
        def squared_error(y_true, y_pred):
            seen.append(keras.backend.standardize_dtype(y_true.dtype))
            return keras.ops.mean(
                keras.ops.square(keras.ops.cast(y_true, "float32") - y_pred), axis=-1
            )

        if labels:
            squared_error.labels = labels
        return squared_error

    def test_labels_reach_the_loss_as_its_kind_says(self):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        x, y = RNG.normal(size=(20, 3)).astype("float32"), RNG.integers(0, 3, (20, 1))
        given, stated, argument = [], [], []
        evaluate(model, x, y, loss=self.probe(given), metrics=())
        evaluate(model, x, y, loss=self.probe(stated, labels="regression"), metrics=())
        evaluate(
            model, x, y, loss=self.probe(argument, labels="regression"), labels="sparse", metrics=()
        )
        assert given[-1] == "int64" and stated[-1] == "float32" and argument[-1] == "int64"

    def test_a_regression_loss_has_no_accuracy(self):
        x, y = RNG.normal(size=(8, 3)).astype("float32"), RNG.normal(size=(8, 1))
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        with pytest.raises(
            ValueError,
            match="`metrics` must be free of 'accuracy' with the "
            "regression loss mean_squared_error",
        ):
            train(model, x, y, loss="mse")
        assert "mae" in train(model, x, y, loss="mse", metrics=("mae",)).history

    def test_unknown_kinds_are_refused(self):
        x, y = blobs(n=8)
        with pytest.raises(ValueError, match="`labels` must be one of 'sparse', 'categorical'"):
            train(dense_classifier(), x, y, loss=CE, labels="one-hot")
        with pytest.raises(ValueError, match="`squared_error.labels` must be one of"):
            train(dense_classifier(), x, y, loss=self.probe([], labels="ints"))


class TestStateInputs:
    """Which model inputs take recurrent states is declared (`state_inputs`, or `tbptt_length`),
    never inferred from the number of inputs."""

    tokens = RNG.integers(0, 5, size=(6, 7)).astype("int32")
    targets = np.roll(tokens, -1, axis=1)

    def test_an_undeclared_extra_input_is_an_error_naming_the_way_out(self):
        with pytest.raises(ValueError, match=r"`x` must be 2 array\(s\).*state_inputs=1.*got 1"):
            train(state_model(), self.tokens, self.targets, loss=CE)
        with pytest.raises(
            ValueError,
            match=r"`state_inputs` must be .*\(1 for this model\), "
            "got 2",
        ):
            evaluate(state_model(), self.tokens, self.targets, loss=CE, state_inputs=2)

    def test_a_declared_state_model_evaluates_from_zero_states(self):
        model = state_model()
        result = evaluate(model, self.tokens, self.targets, loss=CE, state_inputs=1, batch_size=4)
        logits, _ = model([self.tokens, np.zeros((6, 3), "float32")])
        assert result["loss"] == pytest.approx(float(CE(self.targets, logits)), rel=1e-5)
        assert result["accuracy"] == pytest.approx(
            np.mean(np.asarray(logits).argmax(-1) == self.targets)
        )

    def test_several_data_inputs_need_no_declaration(self):  # as the notebooks pass them
        keras.utils.set_random_seed(0)
        first, second = keras.Input((4,)), keras.Input((2,))
        logits = keras.layers.Dense(3)(keras.layers.Concatenate()([first, second]))
        model = keras.Model([first, second], logits)
        x, y = blobs(n=12)
        extra = RNG.normal(size=(12, 2)).astype("float32")
        for inputs in ((x, extra), [x, extra]):
            result = evaluate(model, inputs, y, loss=CE, metrics=())
            assert result["loss"] == pytest.approx(float(CE(y, model([x, extra]))), rel=1e-5)


class TestClipping:
    def test_clip_value_bounds_each_element(self):
        grads, applied, history = one_sgd_step(clip_value=0.05)
        assert max(np.abs(g).max() for g in grads) > 0.05  # the clip really acts
        for g, a in zip(grads, applied):
            np.testing.assert_allclose(a, np.clip(g, -0.05, 0.05), atol=1e-6)
        norm = np.sqrt(sum((g**2).sum() for g in grads))
        np.testing.assert_allclose(history.history["grad_norm"][0], norm, rtol=1e-5)

    def test_clip_norm_bounds_the_global_norm(self):
        grads, applied, history = one_sgd_step(clip_norm=0.1)
        norm = np.sqrt(sum((g**2).sum() for g in grads))
        assert norm > 0.1
        for g, a in zip(grads, applied):
            np.testing.assert_allclose(a, g * 0.1 / norm, atol=1e-6)
        np.testing.assert_allclose(np.sqrt(sum((a**2).sum() for a in applied)), 0.1, rtol=1e-5)
        np.testing.assert_allclose(history.history["grad_norm"][0], norm, rtol=1e-5)


class TestDivergence:
    def test_stops_before_the_first_non_finite_step_and_names_it(self, capsys):
        # y = w x with x = 1, target 0, w0 = 1: SGD multiplies w by (1 - 2 lr) every step.
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
        model.set_weights([np.ones((1, 1), "float32")])
        learning_rate = 1000.0
        w, step = np.float32(1.0), 0
        with np.errstate(over="ignore", invalid="ignore"):  # NumPy reference in float32
            while True:
                step += 1
                loss, grad = w * w, np.float32(2.0) * w
                if not (np.isfinite(loss) and np.isfinite(grad)):
                    break
                w = np.float32(w - np.float32(learning_rate) * grad)
        x, y = np.ones((4, 1), "float32"), np.zeros((4, 1), "float32")
        history = train(
            model,
            x,
            y,
            loss="mse",
            optimizer=keras.optimizers.SGD(learning_rate),
            metrics=(),
            epochs=20,
            batch_size=1,
            shuffle=False,
        )
        epoch = (step - 1) // 4 + 1
        assert f"step {step} (epoch {epoch})" in history.diverged
        assert "clip_norm=1.0" in history.diverged
        assert history.diverged in capsys.readouterr().out
        assert history.steps == step - 1
        # the bad update was not applied: the weight is the last finite one
        np.testing.assert_allclose(model.get_weights()[0], [[w]], rtol=1e-6)
        assert len(history.history["loss"]) == epoch  # the partial epoch is recorded


def manual_truncated_bptt(model, tokens, targets, window, learning_rate):
    """Reference: windows of `window` steps, SGD after each, state carried without gradient."""
    h = tf.zeros((len(tokens), model.inputs[1].shape[-1]))
    for start in range(0, tokens.shape[1], window):
        with tf.GradientTape() as tape:
            logits, h_next = model([tf.constant(tokens[:, start : start + window]), h])
            loss = CE(targets[:, start : start + window], logits)
        grads = tape.gradient(loss, model.trainable_variables)
        for variable, grad in zip(model.trainable_variables, grads):
            variable.assign_sub(learning_rate * tf.convert_to_tensor(grad))
        h = tf.stop_gradient(h_next)


class TestTruncatedBPTT:
    tokens = RNG.integers(0, 5, size=(4, 7)).astype("int32")
    targets = np.roll(tokens, -1, axis=1)

    @pytest.mark.parametrize("window", [2, 3])  # 3 leaves a shorter last window of 1 step
    def test_equals_manual_truncated_gradient_steps(self, window):
        ours, reference = state_model(), state_model()
        train(
            ours,
            self.tokens,
            self.targets,
            loss=CE,
            optimizer=keras.optimizers.SGD(0.5),
            batch_size=4,
            metrics=(),
            tbptt_length=window,
        )
        manual_truncated_bptt(reference, self.tokens, self.targets, window, 0.5)
        for a, b in zip(ours.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, atol=2e-6)

    def test_full_length_window_is_full_bptt(self):
        full, windowed = state_model(), state_model()
        h_full = train(
            full,
            self.tokens,
            self.targets,
            loss=CE,
            batch_size=2,
            epochs=2,
            shuffle=False,
            metrics=(),
            state_inputs=1,
        )
        h_window = train(
            windowed,
            self.tokens,
            self.targets,
            loss=CE,
            batch_size=2,
            epochs=2,
            shuffle=False,
            metrics=(),
            tbptt_length=7,
        )
        assert h_full.history == h_window.history
        for a, b in zip(full.get_weights(), windowed.get_weights()):
            np.testing.assert_array_equal(a, b)


class TestDeterminism:
    @pytest.mark.slow  # trains twice
    def test_same_seed_same_history(self):
        x, y = blobs(n=50)
        runs = [
            train(
                dense_classifier(dropout=0.3), x, y, loss=CE, epochs=3, batch_size=8, seed=5
            ).history
            for _ in range(2)
        ]
        assert runs[0] == runs[1]
        other = train(dense_classifier(dropout=0.3), x, y, loss=CE, epochs=3, batch_size=8, seed=6)
        assert other.history["loss"] != runs[0]["loss"]  # the seed drives the shuffling


class TestBadArguments:
    x, y = blobs(n=8)

    @pytest.mark.parametrize(
        "name, value",
        [
            ("epochs", 0),
            ("epochs", 1.5),
            ("batch_size", 0),
            ("batch_size", -3),
            ("clip_norm", 0.0),
            ("clip_norm", -1.0),
            ("clip_value", 0),
            ("tbptt_length", 0),
            ("steps_per_call", 0),
            ("learning_rate", -0.1),
            ("log_every", 0),
        ],
    )
    def test_bad_number_is_a_value_error_naming_it(self, name, value):
        with pytest.raises(ValueError, match=f"`{name}` must be .*got {value!r}"):
            train(dense_classifier(), self.x, self.y, loss=CE, **{name: value})

    def test_length_mismatch(self):
        with pytest.raises(ValueError, match=r"`y` must be 8 examples long.*got 7 examples"):
            train(dense_classifier(), self.x, self.y[:7], loss=CE)

    def test_tbptt_needs_state_inputs(self):
        with pytest.raises(
            ValueError, match="`tbptt_length` must be None for a model without state inputs.*got 2"
        ):
            train(dense_classifier(), self.x, self.y, loss=CE, tbptt_length=2)

    def test_missing_y_and_unknown_names(self):
        with pytest.raises(ValueError, match="`y` must be an array of targets"):
            train(dense_classifier(), self.x, loss=CE)
        with pytest.raises(ValueError, match="`optimizer` must be a Keras optimizer name.*'adamm'"):
            train(dense_classifier(), self.x, self.y, loss=CE, optimizer="adamm")
        with pytest.raises(ValueError, match="`validation_data` must be"):
            train(dense_classifier(), self.x, self.y, loss=CE, validation_data=(self.x,))


class TestXLAFallback:
    """A model XLA cannot compile (tf.strings has no XLA kernel) trains without XLA and says so."""

    @staticmethod
    def uncompilable_model():
        keras.utils.set_random_seed(0)
        inputs = keras.Input((4,))
        # 0 * (length of the printed number): a no-op for the values, an op XLA has no kernel for
        marked = keras.layers.Lambda(
            lambda x: x + 0.0 * tf.cast(tf.strings.length(tf.strings.as_string(x)), x.dtype),
            output_shape=(4,),
        )(inputs)
        return keras.Model(inputs, keras.layers.Dense(3)(marked))

    @pytest.mark.parametrize("epochs", [1, 2])  # one compiled call in all, or several
    def test_fallback_reports_xla_not_used_and_trains_like_the_plain_model(self, capsys, epochs):
        x, y = blobs(n=40)
        history = train(
            self.uncompilable_model(),
            x,
            y,
            loss=CE,
            optimizer=keras.optimizers.SGD(0.1),
            epochs=epochs,
            batch_size=16,
            jit_compile=True,
            seed=0,
        )
        assert "XLA could not compile this model" in capsys.readouterr().out
        assert history.xla_used is False
        assert np.all(np.isfinite(history.history["loss"]))
        reference = train(
            self.uncompilable_model(),
            x,
            y,
            loss=CE,
            optimizer=keras.optimizers.SGD(0.1),
            epochs=epochs,
            batch_size=16,
            jit_compile=False,
            seed=0,
        )
        np.testing.assert_allclose(history.history["loss"], reference.history["loss"], rtol=1e-5)


class TestDivergenceAtTheFirstStep:
    def test_nan_before_any_update_blames_the_data_not_the_gradients(self, capsys):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        weights = [w.copy() for w in model.get_weights()]

        def bad_loss(y_true, y_pred):  # the log of a negative number: NaN from the first step
            return keras.ops.log(y_true - 2.0) + 0.0 * y_pred

        history = train(
            model,
            np.ones((8, 2), "float32"),
            np.ones((8, 1), "float32"),
            loss=bad_loss,
            labels="regression",
            metrics=(),
            epochs=2,
            batch_size=4,
            shuffle=False,
        )
        assert history.diverged.startswith("Training stopped at step 1 (epoch 1)")
        assert "the cause is not exploding gradients" in history.diverged
        assert "clip" not in history.diverged  # no clipping advice for bad data
        assert history.steps == 0
        for before, after in zip(weights, model.get_weights()):
            np.testing.assert_array_equal(before, after)
        assert history.diverged in capsys.readouterr().out


class TestClassLabels:
    def model(self):
        keras.utils.set_random_seed(0)
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])

    def fit(self, labels, loss=None, **kwargs):
        loss = loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        x = np.ones((len(labels), 2), "float32")
        return train(self.model(), x, np.asarray(labels), loss=loss, metrics=(), **kwargs)

    def test_a_label_outside_the_classes_is_named_before_training(self):
        message = r"`y` must hold class labels in \[0, 3\) \(the model outputs 3 classes\), got 7 "
        with pytest.raises(ValueError, match=message + r"\(1 of 4 labels outside\)"):
            self.fit([0, 7, 1, 2])
        with pytest.raises(ValueError, match=r"got -3 \(2 of 4"):
            self.fit([0, -3, -3, 2], loss="sparse_categorical_crossentropy")
        with pytest.raises(ValueError, match="`y` must be whole-number class labels"):
            self.fit([0.0, 1.5, 1.0, 2.0])

    def test_whole_floats_and_the_ignored_class_are_accepted(self):
        assert self.fit([0.0, 1.0, 2.0, 1.0]).diverged is None
        ignoring = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
        assert self.fit([0, -1, 2, 1], loss=ignoring).diverged is None

    def test_validation_labels_are_named_as_such(self):
        x = np.ones((4, 2), "float32")
        with pytest.raises(ValueError, match="`validation_data's y` must hold class labels"):
            self.fit([0, 1, 2, 1], validation_data=(x, np.array([0, 1, 5, 1])))
