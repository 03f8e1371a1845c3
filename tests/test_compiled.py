"""course_utils.compiled: the one cache of compiled functions and steps, and how `train`
and `evaluate` use it. Equal settings reuse a step (no retracing, no recompilation), different
settings never do, the cache holds its owners weakly (a model that goes away is freed with its
steps), and nothing is stored on the user's model."""

import gc
import weakref

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import compiled
from course_utils.compiled import settings_key
from course_utils.training.engine import evaluate, train

CE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
RNG = np.random.default_rng(0)
X = RNG.normal(size=(24, 4)).astype("float32")
Y = RNG.integers(0, 3, 24)


class Owner:
    def method(self):
        return 0


def counting_build(builds):
    def build():
        builds.append(None)
        return lambda x: 2.0 * x

    return build


def classifier():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(3)]
    )


def trace_counts(model):
    return [step.function().experimental_get_tracing_count() for step in compiled.entries(model)]


class TestTheCache:
    def test_one_function_per_owner_key_and_options(self):
        owner, builds = Owner(), []
        double = compiled.compiled(owner, "double", counting_build(builds), jit_compile=True)
        again = compiled.compiled(owner, "double", counting_build(builds), jit_compile=True)
        assert again is double
        assert len(builds) == 1 and float(double(tf.constant(3.0))) == 6.0
        assert compiled.compiled(owner, "double", counting_build(builds)) is not double
        assert compiled.compiled(Owner(), "double", counting_build(builds)) is not double
        assert len(builds) == 3

    def test_the_owner_is_held_weakly(self):
        owner = Owner()
        compiled.compiled(owner, "double", counting_build([]))
        compiled.cached(owner, "step", object)
        alive = weakref.ref(owner)
        del owner
        gc.collect()
        assert alive() is None

    def test_a_bound_method_owner_is_its_object(self):
        owner, builds = Owner(), []
        first = compiled.compiled(owner.method, "k", counting_build(builds))
        assert compiled.compiled(owner.method, "k", counting_build(builds)) is first  # new method
        assert len(builds) == 1 and len(compiled.entries(owner)) == 1

    def test_an_owner_keeps_its_most_recent_entries(self):
        owner = Owner()
        made = [compiled.cached(owner, i, object) for i in range(compiled.MAX_PER_OWNER + 3)]
        assert compiled.entries(owner) == made[3:]
        assert compiled.cached(owner, 0, object) is not made[0]  # evicted, made again
        assert compiled.cached(owner, compiled.MAX_PER_OWNER + 2, object) is made[-1]

    def test_keys_compare_configurations_by_value_and_objects_by_identity(self):
        same = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        other = keras.losses.SparseCategoricalCrossentropy(from_logits=False)
        assert settings_key(CE) == settings_key(same) != settings_key(other)
        assert settings_key({"a": [1, 2]}) == settings_key({"a": (1, 2)})
        first, second = (lambda: 0), (lambda: 0)
        assert settings_key(first) == settings_key(first) != settings_key(second)
        assert settings_key(id(first)) != settings_key(first)  # an int is not an identity


class TestTrainingSteps:
    def test_equal_settings_reuse_the_steps_without_retracing(self):
        model = classifier()
        first = train(model, X, Y, loss=CE, epochs=1, batch_size=8, validation_data=(X, Y))
        steps, traces = compiled.entries(model), trace_counts(model)
        assert [type(step).__name__ for step in steps] == ["TrainStep", "EvalStep"]
        equal_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        second = train(model, X, Y, loss=equal_loss, epochs=2, batch_size=8, validation_data=(X, Y))
        evaluate(model, X, Y, loss=CE, batch_size=8)  # the validation step of `train`
        assert first.compile_seconds > 0 and second.compile_seconds is None
        assert compiled.entries(model) == steps and trace_counts(model) == traces
        assert not [name for name in vars(model) if "course" in name]  # nothing stored on it

    @pytest.mark.parametrize(
        "change",
        [
            dict(clip_norm=1.0),
            dict(clip_value=0.5),
            dict(optimizer="sgd"),
            dict(metrics=()),
            dict(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False)),
            dict(jit_compile=False),
            dict(fast_rnn=False),
            dict(x=(X,)),
        ],
        ids=lambda change: ",".join(change),
    )
    @pytest.mark.slow  # compiles a step per setting
    def test_a_different_setting_gets_its_own_step(self, change):
        model = classifier()
        settings = dict(x=X, loss=CE, epochs=1, batch_size=8)
        train(model, y=Y, **settings)
        changed = train(model, y=Y, **{**settings, **change})
        assert changed.compile_seconds is not None and len(compiled.entries(model)) == 2
        again = train(model, y=Y, **settings)  # the first step is still there
        assert again.compile_seconds is None and len(compiled.entries(model)) == 2

    def test_a_new_learning_rate_reuses_the_step_and_takes_effect(self):
        slow, fast = classifier(), classifier()
        for model in (slow, fast):
            train(model, X, Y, loss=CE, optimizer="sgd", learning_rate=0.1, batch_size=24)
        before = [w.copy() for w in fast.get_weights()]
        history = train(fast, X, Y, loss=CE, optimizer="sgd", learning_rate=0.3, batch_size=24)
        train(slow, X, Y, loss=CE, optimizer="sgd", learning_rate=0.1, batch_size=24)
        assert history.compile_seconds is None
        for b, s, f in zip(before, slow.get_weights(), fast.get_weights()):
            np.testing.assert_allclose(f - b, 3.0 * (s - b), rtol=1e-4, atol=1e-6)

    def test_freezing_a_layer_gets_a_new_step_that_leaves_it_alone(self):
        model = classifier()
        train(model, X, Y, loss=CE, batch_size=8)
        model.layers[0].trainable = False
        frozen = [w.copy() for w in model.layers[0].get_weights()]
        history = train(model, X, Y, loss=CE, batch_size=8)
        assert history.compile_seconds is not None
        for before, after in zip(frozen, model.layers[0].get_weights()):
            np.testing.assert_array_equal(before, after)

    def test_a_model_that_goes_away_is_freed_with_its_steps(self):
        model = classifier()
        train(model, X, Y, loss=CE, batch_size=8, validation_data=(X, Y))
        step = weakref.ref(compiled.entries(model)[0])
        alive = weakref.ref(model)
        del model
        gc.collect()
        assert alive() is None and step() is None
