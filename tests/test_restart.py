"""course_utils.training.restart: a restarted model trains exactly like a newly built one, and
the second run compiles nothing."""

import keras
import numpy as np
import pytest

from course_utils.training import restart, train
from course_utils.validation import ArgumentError

CE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def classifier(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(3)]
    )


def data(n=48):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, n)
    return (rng.normal(size=(n, 4)) + 2.0 * np.eye(3, 4)[y]).astype("float32"), y


def run(model, optimizer):
    x, y = data()
    return train(model, x, y, loss=CE, optimizer=optimizer, epochs=3, batch_size=16, seed=5)


@pytest.mark.parametrize(
    "make_optimizer",
    [lambda: keras.optimizers.Adam(0.02), lambda: keras.optimizers.Adagrad(0.1)],
    ids=["adam", "adagrad (accumulators do not start at 0)"],
)
def test_a_restarted_run_equals_a_new_model_and_compiles_nothing(make_optimizer):
    model, optimizer = classifier(seed=0), make_optimizer()
    run(model, optimizer)  # the first run: trains, moves the optimizer's state
    restart(model, optimizer, classifier(seed=1).get_weights())
    again = run(model, optimizer)
    fresh_model = classifier(seed=1)
    fresh = run(fresh_model, make_optimizer())
    assert again.history["loss"] == fresh.history["loss"]
    for ours, reference in zip(model.get_weights(), fresh_model.get_weights()):
        np.testing.assert_array_equal(ours, reference)
    assert again.compile_seconds is None and fresh.compile_seconds is not None


def test_a_new_learning_rate_is_used():
    model, optimizer = classifier(seed=0), keras.optimizers.Adam(0.02)
    run(model, optimizer)
    restart(model, optimizer, classifier(seed=1).get_weights(), learning_rate=0.005)
    again = run(model, optimizer)
    fresh = run(classifier(seed=1), keras.optimizers.Adam(0.005))
    assert again.history["loss"] == fresh.history["loss"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(optimizer="adam"), "`optimizer` must be the keras.optimizers.Optimizer"),
        (dict(weights=[np.zeros(3)]), "`weights` must be model.get_weights() of a model"),
        (dict(learning_rate=0.0), "`learning_rate` must be"),
    ],
)
def test_bad_arguments_are_named(arguments, message):
    model = classifier(seed=0)
    given = dict(optimizer=keras.optimizers.Adam(), weights=model.get_weights()) | arguments
    with pytest.raises(ArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        restart(model, **given)
