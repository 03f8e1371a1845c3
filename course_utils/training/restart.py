"""Start a new run in a model that has already trained, keeping its compiled training step.

Compiling a training step with XLA takes longer than training the small models of this course,
and `train` caches the step per model and optimizer. A comparison over seeds therefore builds one
model (and one optimizer object) per configuration and restarts it for every seed: the weights
of a freshly built model of that seed, and a fresh optimizer state. Training after `restart`
gives exactly what training a newly built model gives (tests/test_restart.py checks losses and
weights), minus the compilation.

Example:
    model, optimizer = build_model(seed=0), keras.optimizers.Adam(1e-2)
    for seed in (0, 1, 2):
        restart(model, optimizer, build_model(seed=seed).get_weights())
        history = train(model, x, y, loss=loss, optimizer=optimizer)   # compiles only once
"""

import keras

from course_utils import validation


def restart(model, optimizer, weights, learning_rate=None):
    """Give `model` the `weights` and `optimizer` the state of a new, unused optimizer.

    Args:
        model: the Keras model whose compiled training step should be reused.
        optimizer: the `keras.optimizers.Optimizer` object passed to `train` with this model.
        weights: `get_weights()` of a newly built model of the same architecture.
        learning_rate: the learning rate of the new run; None keeps the optimizer's configured one.

    Returns:
        None. Every optimizer variable (step count, moments, accumulators, learning rate) takes
        the value a new optimizer of the same configuration starts with.
    """
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        validation.fail("optimizer", "the keras.optimizers.Optimizer given to train", optimizer)
    if learning_rate is not None:
        learning_rate = validation.number(
            learning_rate, "learning_rate", minimum=0, minimum_open=True
        )
    expected = len(model.get_weights())
    if not isinstance(weights, (list, tuple)) or len(weights) != expected:
        validation.fail(
            "weights", f"model.get_weights() of a model like this one ({expected} arrays)", weights
        )
    model.set_weights(weights)
    if optimizer.built:
        fresh = type(optimizer).from_config(optimizer.get_config())
        fresh.build(model.trainable_variables)
        for variable, start in zip(optimizer.variables, fresh.variables, strict=True):
            variable.assign(start)
    if learning_rate is not None:
        optimizer.learning_rate = learning_rate
