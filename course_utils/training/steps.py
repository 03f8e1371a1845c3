"""The compiled steps behind `course_utils.train` and `course_utils.evaluate`.

`TrainStep` holds the training call of one model, loss, optimizer and settings: one call runs up
to N optimizer steps over stacked batches `xs[i]` of shape (N, batch, ...) (`batches.Batches`) in
one XLA `while` loop, with the truncated-BPTT windows inside when asked. `EvalStep` accumulates
loss and metrics over such batches the same way, without updates. Both are built with keywords
only, get their `tf.function` from `compiled.compiled` and run it through `Step.run`, which
falls back to a call without XLA when XLA cannot compile the model. The engine keeps the steps
of a model in `compiled.cached(model, key, ...)`, so a second `train`/`evaluate` call with the
same settings compiles nothing; a step holds its model through a weak reference, and its
compiled functions hold the step weakly, so the cache never keeps a model alive.

Example:
    step = TrainStep(model=model, loss_fn=rules.loss_function(keras.losses.get("mse"),
                     "regression"), metrics=[], optimizer=keras.optimizers.Adam())
    step.optimizer.build(step.variables)
    batches = Batches([x], y, batch_size=32, steps_per_call=20)   # x (n, ...), y (n, ...)
    for x_call, y_call, weights, count in batches.calls(np.arange(len(y))):
        results, traced = step.run(x_call, y_call, weights, tf.constant(count))
"""

import contextlib
import weakref

import numpy as np
import tensorflow as tf

from course_utils.keras_private import keras_mask
from course_utils.compiled import compiled
from course_utils.training.fast_loop import fast_loops


def per_element_weights(sample_weights, values, prediction):
    """Broadcast per-sample weights (batch,) to the loss values, times the output's Keras mask."""
    rank = len(values.shape)
    weights = tf.reshape(sample_weights, [-1] + [1] * (rank - 1)) * tf.ones_like(values, tf.float32)
    mask = keras_mask(prediction)
    if mask is not None and len(mask.shape) == rank:
        weights = weights * tf.cast(mask, tf.float32)
    return weights


def holding_weakly(method):
    """The bound `method` as a function that holds its object weakly: a compiled function in
    the cache must not keep its owner alive (compiled.py). (A plain `weakref.ref`, not
    `weakref.WeakMethod`: AutoGraph would convert the latter's `super()` call, which reads the
    locals of every frame on the stack and so keeps the caller's model alive.)"""
    owner, function = weakref.ref(method.__self__), method.__func__

    def call(*args):
        return function(owner(), *args)

    return call


class Step:
    """What training and evaluation share: the model's forward pass, the weighted losses, and
    running the compiled call with its XLA fallback. Subclasses define `_call`."""

    name = "step"

    def __init__(
        self,
        *,
        model,
        loss_fn,
        metrics,
        state_specs=(),
        as_tuple=False,
        jit_compile=True,
        fast_rnn=True,
    ):
        self._model = weakref.ref(model)
        self.loss_fn, self.metrics = loss_fn, list(metrics)
        self.state_specs = list(state_specs)
        self.as_tuple = as_tuple  # pass several data inputs as a tuple (as the caller gave them)
        self.jit_compile, self.fast_rnn = bool(jit_compile), bool(fast_rnn)

    @property
    def model(self):
        return self._model()

    @property
    def xla_used(self):
        """True while the compiled call runs with XLA (False from a fallback on)."""
        return self.jit_compile

    def function(self):
        """The compiled call, with XLA while `self.jit_compile`."""
        return compiled(
            self, self.name, lambda: holding_weakly(self._call), jit_compile=self.jit_compile
        )

    def run(self, *args):
        """Run the compiled call: (results, whether it traced and compiled). If XLA cannot compile
        the model, say so and run without XLA, now and in every later call of this step."""
        function = self.function()
        traces = function.experimental_get_tracing_count()
        try:
            with self._loops():
                results = function(*args)
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as error:
            if not self.jit_compile or "compil" not in str(error).lower():
                raise
            print(
                f"XLA could not compile this model ({str(error).splitlines()[0][:120]}); "
                "running without XLA"
            )
            self.jit_compile = False
            with self._loops():
                return self.function()(*args), True
        return results, function.experimental_get_tracing_count() != traces

    def _loops(self):
        return fast_loops(self.model) if self.fast_rnn else contextlib.nullcontext()

    def _forward(self, x, states, training):
        inputs = list(x) + list(states)
        if len(inputs) == 1:
            inputs = inputs[0]
        elif self.as_tuple and not states:
            inputs = tuple(inputs)
        outputs = self.model(inputs, training=training)
        if self.state_specs:
            return outputs[0], list(outputs[1:])
        return outputs, []

    def _zero_states(self, batch):
        return [tf.zeros((batch,) + shape, dtype) for shape, dtype in self.state_specs]

    def _losses(self, y, prediction, weights):
        """(weighted loss sum, weight sum, per-element weights) of one batch."""
        values = tf.cast(self.loss_fn(y, prediction), tf.float32)  # (batch,) or (batch, time)
        if len(values.shape) == 0:  # a callable that already averaged over the batch
            return values * tf.reduce_sum(weights), tf.reduce_sum(weights), weights
        element_weights = per_element_weights(weights, values, prediction)
        return (
            tf.reduce_sum(values * element_weights),
            tf.reduce_sum(element_weights),
            element_weights,
        )


class EvalStep(Step):
    """The compiled evaluation call: loss sums and metric updates over N stacked batches."""

    name = "evaluation"

    def evaluate(self, batches):
        """{"loss": mean loss (when there is a loss), metric name: result} over all `batches`."""
        for metric in self.metrics:
            metric.reset_state()
        loss_total = weight_total = 0.0
        for x, y, weights, count in batches.calls(np.arange(batches.examples)):
            (loss_sum, weight_sum), _ = self.run(x, y, weights, tf.constant(count))
            loss_total += float(loss_sum)
            weight_total += float(weight_sum)
        results = {} if self.loss_fn is None else {"loss": loss_total / max(weight_total, 1e-12)}
        results.update({metric.name: float(metric.result()) for metric in self.metrics})
        return results

    def _call(self, xs, y, weights, steps):
        def body(i, loss_total, weight_total):
            states = self._zero_states(weights.shape[1])
            prediction, _ = self._forward([t[i] for t in xs], states, training=False)
            if self.loss_fn is None:
                values = tf.zeros(tf.shape(prediction)[:-1])  # metrics average over the last axis
                loss_sum, weight_sum = tf.constant(0.0), tf.constant(0.0)
                element_weights = per_element_weights(weights[i], values, prediction)
            else:
                loss_sum, weight_sum, element_weights = self._losses(y[i], prediction, weights[i])
            for metric in self.metrics:
                metric.update_state(y[i], prediction, sample_weight=element_weights)
            return i + 1, loss_total + loss_sum, weight_total + weight_sum

        zero = tf.constant(0.0)
        return tf.while_loop(
            lambda i, *_: i < steps,
            body,
            (tf.constant(0), zero, zero),
            maximum_iterations=weights.shape[0],
        )[1:]


class TrainStep(Step):
    """The compiled training call: up to N optimizer steps over N stacked batches.

    Each step computes the loss under `tf.GradientTape`, measures the global gradient norm
    before clipping, clips (`clip_value` elementwise, then `clip_norm` globally) and applies the
    update only if loss and norm are finite. The call returns (ok, loss sum, weight sum, norm
    sum, updates, loss and gradient norm of the first bad step)."""

    name = "training"
    replicas = 1

    def __init__(self, *, optimizer, clip_norm=None, clip_value=None, tbptt_length=None, **common):
        super().__init__(**common)
        self.optimizer = optimizer
        self.clip_norm, self.clip_value, self.tbptt_length = clip_norm, clip_value, tbptt_length
        self.variables = list(self.model.trainable_variables)

    def _gradients(self, x, y, weights, states):
        """Forward and backward pass of one batch: (grads, loss sum, weight sum, prediction,
        element weights, new states). The objective is the weighted mean loss plus the model's
        own losses (regularizers); `DistributedTrainStep` overrides `_objective` to sum instead."""
        with tf.GradientTape() as tape:
            prediction, new_states = self._forward(x, states, training=True)
            loss_sum, weight_sum, element_weights = self._losses(y, prediction, weights)
            objective = self._objective(loss_sum, weight_sum)
        grads = tape.gradient(objective, self.variables)
        grads = [
            tf.zeros_like(v) if g is None else tf.convert_to_tensor(g)
            for g, v in zip(grads, self.variables)
        ]
        return grads, loss_sum, weight_sum, prediction, element_weights, new_states

    def _objective(self, loss_sum, weight_sum):
        return loss_sum / tf.maximum(weight_sum, 1e-12) + self._model_losses()

    def _model_losses(self):
        """Weight regularizers and add_loss terms of the model (0.0 when it has none)."""
        if not self.model.losses:
            return tf.constant(0.0)
        return tf.add_n([tf.cast(term, tf.float32) for term in self.model.losses])

    def _step(self, x, y, weights, states, carry):
        """One optimizer step: (new carry, new states without gradient)."""
        grads, loss_sum, weight_sum, prediction, element_weights, new_states = self._gradients(
            x, y, weights, states
        )
        loss = self._objective(loss_sum, weight_sum)  # one device: the objective is the loss
        return self._apply(
            grads, loss, loss_sum, weight_sum, y, prediction, element_weights, carry
        ), [tf.stop_gradient(s) for s in new_states]

    def _apply(self, grads, loss, loss_sum, weight_sum, y, prediction, element_weights, carry):
        """Measure the gradient norm, clip, and apply the update and metrics if all is finite."""
        ok, loss_total, weight_total, norm_total, updates, bad_loss, bad_norm = carry
        grad_norm = tf.linalg.global_norm(grads)  # before clipping
        finite = tf.math.is_finite(loss) & tf.math.is_finite(grad_norm)
        if self.clip_value is not None:
            grads = [tf.clip_by_value(g, -self.clip_value, self.clip_value) for g in grads]
        if self.clip_norm is not None:
            grads, _ = tf.clip_by_global_norm(grads, self.clip_norm)
        apply = ok & finite

        def update():
            self.optimizer.apply(grads, self.variables)
            for metric in self.metrics:
                metric.update_state(y, prediction, sample_weight=element_weights)
            return tf.constant(True)

        tf.cond(apply, update, lambda: tf.constant(False))
        first_bad = ok & ~finite
        return (
            apply,
            loss_total + tf.where(apply, loss_sum, 0.0),
            weight_total + tf.where(apply, weight_sum, 0.0),
            norm_total + tf.where(apply, grad_norm, 0.0),
            updates + tf.cast(apply, tf.int32),
            tf.where(first_bad, loss, bad_loss),
            tf.where(first_bad, grad_norm, bad_norm),
        )

    def _batch(self, x, y, weights, carry):
        """All optimizer steps of one batch: one step, or one per truncated-BPTT window."""
        batch = weights.shape[0]
        states = self._zero_states(batch)
        k, length = self.tbptt_length, y.shape[1] if len(y.shape) > 1 else None
        if k is None or k >= length:
            return self._step(x, y, weights, states, carry)[0]
        windows, rest = divmod(length, k)

        def split(t):  # (batch, time, ...) -> (windows, batch, k, ...)
            head = tf.reshape(t[:, : windows * k], (batch, windows, k) + tuple(t.shape[2:]))
            return tf.transpose(head, [1, 0] + list(range(2, len(head.shape))))

        x_windows, y_windows = [split(t) for t in x], split(y)

        def body(j, states, carry):
            carry, states = self._step(
                [t[j] for t in x_windows], y_windows[j], weights, states, carry
            )
            return j + 1, states, carry

        _, states, carry = tf.while_loop(
            lambda j, states, carry: (j < windows) & carry[0],
            body,
            (tf.constant(0), states, carry),
            maximum_iterations=windows,
        )
        if rest:
            carry = self._step(
                [t[:, windows * k :] for t in x], y[:, windows * k :], weights, states, carry
            )[0]
        return carry

    def _call(self, xs, y, weights, steps):
        zero = tf.constant(0.0)
        carry = (tf.constant(True), zero, zero, zero, tf.constant(0), zero, zero)

        def body(i, carry):
            return i + 1, self._batch([t[i] for t in xs], y[i], weights[i], carry)

        _, carry = tf.while_loop(
            lambda i, carry: (i < steps) & carry[0],
            body,
            (tf.constant(0), carry),
            maximum_iterations=weights.shape[0],
        )
        return carry
