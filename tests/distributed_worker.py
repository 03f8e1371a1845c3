"""Run by tests/test_distributed.py in a fresh process: split the CPU into two logical devices
(possible only before TensorFlow starts its runtime), train the same models on one device and
under `tf.distribute.MirroredStrategy` over both, and print the results as JSON."""

import contextlib
import io
import json

import course_utils

course_utils.setup(seed=0, cpu_devices=2, verbose=False)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils import SimpleRNNCell, evaluate, train  # noqa: E402

CE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
RNG = np.random.default_rng(0)
# Counting sequences 1..9 from random starts, cut to random lengths and padded with 0 (masked):
# learnable, and the two halves of a batch hold different numbers of real tokens.
TOKENS = (RNG.integers(0, 9, (70, 1)) + np.arange(12)) % 9 + 1  # 70: the last batch is padded
TOKENS[np.arange(12) >= RNG.integers(4, 13, (70, 1))] = 0
FEATURES = RNG.normal(size=(40, 4)).astype("float32")
CLASSES = RNG.integers(0, 3, 40)


def language_model():
    """Masked tokens (0 = padding), an LSTM, an L2-regularised head: uneven weights per replica."""
    tokens = keras.Input((12,), dtype="int32")
    hidden = keras.layers.Embedding(10, 8, mask_zero=True)(tokens)
    hidden = keras.layers.LSTM(16, return_sequences=True)(hidden)
    head = keras.layers.Dense(10, kernel_regularizer=keras.regularizers.L2(1e-3))
    return keras.Model(tokens, head(hidden))


def state_model():
    """Explicit-state contract for truncated BPTT: (tokens, h0) -> (logits, h_T)."""
    tokens, h0 = keras.Input((None,), dtype="int32"), keras.Input((6,))
    sequence, h = keras.layers.RNN(SimpleRNNCell(6), return_sequences=True, return_state=True)(
        keras.layers.Embedding(10, 4)(tokens), initial_state=[h0]
    )
    return keras.Model([tokens, h0], [keras.layers.Dense(10)(sequence), h])


def classifier():
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(3)]
    )


CASES = {
    "language model, mask, L2, clip_norm": (
        language_model,
        TOKENS,
        np.roll(TOKENS, -1, axis=1),
        dict(epochs=3, batch_size=16, clip_norm=0.5, learning_rate=1e-2),
    ),
    "truncated BPTT, SGD, clip_value": (
        state_model,
        TOKENS[:32],
        np.roll(TOKENS[:32], -1, axis=1),
        dict(
            epochs=2,
            batch_size=8,
            tbptt_length=5,
            optimizer="sgd",
            learning_rate=0.1,
            clip_value=0.5,
            state_inputs=1,
        ),
    ),
    "classifier with validation": (
        classifier,
        FEATURES,
        CLASSES,
        dict(epochs=4, batch_size=10, validation_data=(FEATURES[:20], CLASSES[:20])),
    ),
}


def run(build, strategy, x, y, settings):
    keras.utils.set_random_seed(1)
    with strategy.scope():
        model = build()
    history = train(model, x, y, loss=CE, **settings)
    return {
        "history": history.history,
        "xla_used": history.xla_used,
        "weights": [w.tolist() for w in model.get_weights()],
        "evaluation": evaluate(model, x, y, loss=CE, state_inputs=settings.get("state_inputs")),
        "distributed": history.params["replicas"] > 1,
        "replicas": history.params["replicas"],
    }


def uncompilable_classifier():
    """A classifier with an op XLA has no kernel for (tf.strings): a no-op for the values."""
    inputs = keras.Input((4,))
    marked = keras.layers.Lambda(
        lambda x: x + 0.0 * tf.cast(tf.strings.length(tf.strings.as_string(x)), x.dtype),
        output_shape=(4,),
    )(inputs)
    return keras.Model(inputs, keras.layers.Dense(3)(marked))


def xla_under_strategy(strategy):
    """history.xla_used under `strategy` for a model XLA compiles and for one it cannot, the
    fallback's printed line, and the losses of the fallback run and of a run without XLA."""
    outcome = {}
    for name, build in (("compilable", classifier), ("uncompilable", uncompilable_classifier)):
        keras.utils.set_random_seed(2)
        with strategy.scope():
            model = build()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            history = train(model, FEATURES, CLASSES, loss=CE, epochs=2, batch_size=10)
        outcome[name] = {
            "xla_used": history.xla_used,
            "printed": printed.getvalue(),
            "loss": history.history["loss"],
            "replicas": history.params["replicas"],
        }
    keras.utils.set_random_seed(2)
    with strategy.scope():
        model = uncompilable_classifier()
    outcome["without XLA"] = train(
        model, FEATURES, CLASSES, loss=CE, epochs=2, batch_size=10, jit_compile=False
    ).history["loss"]
    return outcome


def main():
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    results = {
        name: {
            "one device": run(build, tf.distribute.get_strategy(), x, y, settings),
            "mirrored": run(build, mirrored, x, y, settings),
        }
        for name, (build, x, y, settings) in CASES.items()
    }
    with mirrored.scope():  # dropout: another random mask on each replica, so only "it trains"
        model = keras.Sequential(
            [
                keras.Input((12,), dtype="int32"),
                keras.layers.Embedding(10, 8),
                keras.layers.RNN(SimpleRNNCell(8, dropout=0.2)),
                keras.layers.Dropout(0.3),
                keras.layers.Dense(10),
            ]
        )
    history = train(model, TOKENS, TOKENS[:, 0], loss=CE, epochs=3, batch_size=16)
    results["dropout losses"] = history.history["loss"]
    results["xla under mirrored"] = xla_under_strategy(mirrored)
    with mirrored.scope():
        model = classifier()
    try:
        train(model, FEATURES, CLASSES, loss=CE, batch_size=5)
        results["odd batch error"] = None
    except ValueError as error:
        results["odd batch error"] = str(error)
    results["mixed strategies"] = []
    outside_optimizer = keras.optimizers.Adam()  # made outside the scope of the model
    with mirrored.scope():
        model = classifier()
    outside_model = classifier()
    for call in (
        lambda: train(model, FEATURES, CLASSES, loss=CE, optimizer=outside_optimizer),
        lambda: _train_in_scope(mirrored, outside_model),
    ):
        try:
            call()
            results["mixed strategies"].append(None)
        except ValueError as error:
            results["mixed strategies"].append(str(error))
    print("RESULTS " + json.dumps(results))


def _train_in_scope(strategy, model):
    with strategy.scope():
        train(model, FEATURES, CLASSES, loss=CE)


if __name__ == "__main__":
    main()
