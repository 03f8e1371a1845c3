"""The compiled step behind `course_utils.train`: data layout, losses, metrics, the XLA loop.

`CompiledSteps` holds two `tf.function(jit_compile=True)` functions for one model, loss and
optimizer: `train_call(xs, y, weights, steps)` runs up to N optimizer steps over stacked batches
`xs[i]` of shape (N, batch, ...) in one XLA `while` loop (with the truncated-BPTT windows inside
when asked), and `eval_call` accumulates loss and metrics the same way. `Batches` lays the data out
in that shape (a partial last batch padded with zero weights); `cached_steps` keeps the compiled
steps on the model, so a second `train`/`evaluate` call with the same settings compiles nothing.
Notebooks call `course_utils.train`; this module is its machinery (tested through it in
tests/test_training.py).

Example:
    steps = CompiledSteps(model, resolve_loss("mse")[0], [], keras.optimizers.Adam())
    steps.optimizer.build(steps.variables)
    batches = Batches([x], y, batch_size=32, steps_per_call=20)   # x (n, ...), y (n, ...)
    for x_call, y_call, weights, count in batches.calls(np.arange(len(y))):
        results, traced = compiled_call(steps, "train_call",
                                        (x_call, y_call, weights, tf.constant(count)))
"""
import contextlib
import math

import keras
import numpy as np
import tensorflow as tf

from course_utils.training.fast_loop import fast_loops

DEFAULT_STEPS_PER_CALL = 50  # optimizer steps fused into one compiled call when not given


def as_list(x):
    """x itself if it is a list or tuple (as a list), else [x]."""
    return list(x) if isinstance(x, (list, tuple)) else [x]


# -- loss, metrics, optimizer -----------------------------------------------------------------
def loss_name(loss):
    if isinstance(loss, str):
        return loss
    if isinstance(loss, keras.losses.Loss):
        fn = getattr(loss, "fn", None)
        return getattr(fn, "__name__", type(loss).__name__)
    return getattr(loss, "__name__", type(loss).__name__)


def resolve_loss(loss):
    """Return fn(y_true, y_pred) -> per-sample (or per-time-step) loss values, and its name."""
    if loss is None:
        return None, None
    name = loss_name(loss).lower()
    if isinstance(loss, str):
        try:
            loss = keras.losses.get(loss)
        except ValueError:
            raise ValueError(f"unknown loss {name!r}; use a Keras loss name or a "
                             "callable") from None
    if isinstance(loss, keras.losses.Loss):
        unreduced = loss.call
    elif callable(loss):
        unreduced = loss
    else:
        raise TypeError(f"loss must be a Keras loss name, a keras.losses.Loss or a callable, "
                        f"got {loss!r}")
    def fn(y_true, y_pred):
        if "sparse" not in name:  # Keras casts labels to the loss dtype too; sparse ones stay ints
            y_true = tf.cast(y_true, y_pred.dtype)
        return unreduced(y_true, y_pred)

    return fn, name


def accuracy_metric_for(loss, y_shape, prediction):
    """The accuracy that fits the labels, as Keras picks it: one score per example or a binary
    loss -> binary; integer labels (one axis fewer than the scores, or a last axis of 1) -> sparse
    categorical; else categorical (one-hot labels)."""
    name = loss_name(loss).lower() if loss is not None else ""
    from_logits = bool(getattr(loss, "get_config", lambda: {})().get("from_logits", False))
    scores = tuple(prediction.shape)
    if "binary" in name or scores[-1] == 1:
        return keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0 if from_logits else 0.5)
    if len(y_shape) < len(scores) or y_shape[-1:] == (1,):
        return keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    return keras.metrics.CategoricalAccuracy(name="accuracy")


def resolve_metrics(metrics, loss, y, prediction):
    resolved = []
    for metric in metrics or ():
        if metric in ("accuracy", "acc"):
            resolved.append(accuracy_metric_for(loss, y.shape, prediction))
        elif isinstance(metric, keras.metrics.Metric):
            resolved.append(metric)
        elif isinstance(metric, str):
            try:
                resolved.append(keras.metrics.get(metric))
            except ValueError:
                raise ValueError(f"unknown metric {metric!r}; use a Keras metric name, "
                                 "a keras.metrics.Metric or a callable") from None
            resolved[-1].name = metric
        elif callable(metric):
            resolved.append(keras.metrics.MeanMetricWrapper(metric, name=metric.__name__))
        else:
            raise TypeError(f"metrics must hold names, keras.metrics.Metric objects or callables, "
                            f"got {metric!r}")
    return resolved


def resolve_optimizer(optimizer, learning_rate):
    if isinstance(optimizer, str):
        try:
            return keras.optimizers.get({"class_name": optimizer,
                                         "config": {"learning_rate": learning_rate}})
        except ValueError:
            raise ValueError(f"unknown optimizer {optimizer!r}; use a Keras optimizer name such as "
                             "'adam' or 'sgd', or a keras.optimizers.Optimizer") from None
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer  # its own learning rate (and state, when reused) wins
    raise TypeError(f"optimizer must be a name or a keras.optimizers.Optimizer, got {optimizer!r}")


# -- data: shuffled, padded, stacked batches ----------------------------------------------------
class Batches:
    """Arrays cut into calls of N = `steps_per_call` stacked batches, x (N, batch, ...)."""

    def __init__(self, xs, y, batch_size, steps_per_call):
        self.xs, self.y, self.examples = xs, y, len(y)
        self.batch_size = min(batch_size, self.examples)
        self.steps = math.ceil(self.examples / self.batch_size)
        self.steps_per_call = min(steps_per_call or DEFAULT_STEPS_PER_CALL, self.steps)

    def calls(self, order):
        """Yield (x list, y, weights, steps in this call); padding entries carry weight 0."""
        per_call = self.steps_per_call * self.batch_size
        total = math.ceil(self.steps / self.steps_per_call) * per_call
        index = np.zeros(total, dtype=np.int64)
        index[:self.examples] = order
        weights = np.zeros(total, dtype=np.float32)
        weights[:self.examples] = 1.0
        shape = (-1, self.steps_per_call, self.batch_size)
        xs = [a[index].reshape(shape + a.shape[1:]) for a in self.xs]
        y = self.y[index].reshape(shape + self.y.shape[1:])
        weights = weights.reshape(shape)
        for call in range(len(weights)):
            steps = min(self.steps_per_call, self.steps - call * self.steps_per_call)
            yield [a[call] for a in xs], y[call], weights[call], steps


def state_input_specs(model, num_x_inputs):
    """Shapes and dtypes of the model's state inputs under the explicit-state contract."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) <= num_x_inputs:
        return []
    outputs = as_list(model.outputs)
    specs = [(tuple(t.shape[1:]), t.dtype) for t in inputs[num_x_inputs:]]
    if len(outputs) != 1 + len(specs):
        raise ValueError(f"the model has {len(inputs)} inputs for {num_x_inputs} data input(s), "
                         f"so {len(specs)} state input(s); it must then return 1 + {len(specs)} "
                         f"outputs (prediction, final states), got {len(outputs)}")
    if any(None in shape for shape, _ in specs):
        raise ValueError(f"state inputs need a fixed shape besides the batch axis, got {specs}")
    return specs


def per_element_weights(sample_weights, values, prediction):
    """Broadcast per-sample weights (batch,) to the loss values, times the output's Keras mask."""
    rank = len(values.shape)
    weights = tf.reshape(sample_weights, [-1] + [1] * (rank - 1)) * tf.ones_like(values, tf.float32)
    mask = getattr(prediction, "_keras_mask", None)
    if mask is not None and len(mask.shape) == rank:
        weights = weights * tf.cast(mask, tf.float32)
    return weights


# -- the compiled functions -------------------------------------------------------------------
class CompiledSteps:
    """The XLA-compiled training and evaluation calls for one model, loss and optimizer."""

    def __init__(self, model, loss_fn, metrics, optimizer=None, clip_norm=None, clip_value=None,
                 tbptt_length=None, state_specs=(), jit_compile=True, fast_rnn=True,
                 as_tuple=False):
        self.fast_rnn = fast_rnn
        self.as_tuple = as_tuple  # pass several data inputs as a tuple (as the caller gave them)
        self.model, self.loss_fn, self.metrics, self.optimizer = model, loss_fn, metrics, optimizer
        self.clip_norm, self.clip_value, self.tbptt_length = clip_norm, clip_value, tbptt_length
        self.state_specs = list(state_specs)
        self.variables = list(model.trainable_variables)
        self.jit_compile = jit_compile
        self.make_functions()

    def make_functions(self):
        """(Re)build the compiled functions, with XLA when `self.jit_compile`."""
        self.train_call = tf.function(self._train_call, jit_compile=self.jit_compile)
        self.eval_call = tf.function(self._eval_call, jit_compile=self.jit_compile)

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

    def _losses(self, y, prediction, weights):
        values = tf.cast(self.loss_fn(y, prediction), tf.float32)  # (batch,) or (batch, time)
        if len(values.shape) == 0:  # a callable that already averaged over the batch
            return values * tf.reduce_sum(weights), tf.reduce_sum(weights), weights
        element_weights = per_element_weights(weights, values, prediction)
        return (tf.reduce_sum(values * element_weights), tf.reduce_sum(element_weights),
                element_weights)

    def _gradients(self, x, y, weights, states):
        """Forward and backward pass of one batch: (grads, loss sum, weight sum, prediction,
        element weights, new states). The objective is the weighted mean loss plus the model's
        own losses (regularizers); `DistributedSteps` overrides `_objective` to sum instead."""
        with tf.GradientTape() as tape:
            prediction, new_states = self._forward(x, states, training=True)
            loss_sum, weight_sum, element_weights = self._losses(y, prediction, weights)
            objective = self._objective(loss_sum, weight_sum)
        grads = tape.gradient(objective, self.variables)
        grads = [tf.zeros_like(v) if g is None else tf.convert_to_tensor(g)
                 for g, v in zip(grads, self.variables)]
        return grads, loss_sum, weight_sum, prediction, element_weights, new_states

    def _objective(self, loss_sum, weight_sum):
        return loss_sum / tf.maximum(weight_sum, 1e-12) + self._model_losses()

    def _model_losses(self):
        """Weight regularizers and add_loss terms of the model (0.0 when it has none)."""
        if not self.model.losses:
            return tf.constant(0.0)
        return tf.add_n([tf.cast(term, tf.float32) for term in self.model.losses])

    def _step(self, x, y, weights, states, carry):
        """One optimizer step. carry: (ok, loss sum, weight sum, norm sum, updates, loss and
        gradient norm of the first bad step)."""
        grads, loss_sum, weight_sum, prediction, element_weights, new_states = self._gradients(
            x, y, weights, states)
        loss = self._objective(loss_sum, weight_sum)  # one device: the objective is the loss
        return self._apply(grads, loss, loss_sum, weight_sum, y, prediction, element_weights,
                           carry), [tf.stop_gradient(s) for s in new_states]

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
        return (apply,
                loss_total + tf.where(apply, loss_sum, 0.0),
                weight_total + tf.where(apply, weight_sum, 0.0),
                norm_total + tf.where(apply, grad_norm, 0.0),
                updates + tf.cast(apply, tf.int32),
                tf.where(first_bad, loss, bad_loss),
                tf.where(first_bad, grad_norm, bad_norm))

    def _batch(self, x, y, weights, carry):
        """All optimizer steps of one batch: one step, or one per truncated-BPTT window."""
        batch = weights.shape[0]
        states = [tf.zeros((batch,) + shape, dtype) for shape, dtype in self.state_specs]
        k, length = self.tbptt_length, y.shape[1] if len(y.shape) > 1 else None
        if k is None or k >= length:
            return self._step(x, y, weights, states, carry)[0]
        windows, rest = divmod(length, k)

        def split(t):  # (batch, time, ...) -> (windows, batch, k, ...)
            head = tf.reshape(t[:, :windows * k], (batch, windows, k) + tuple(t.shape[2:]))
            return tf.transpose(head, [1, 0] + list(range(2, len(head.shape))))

        x_windows, y_windows = [split(t) for t in x], split(y)

        def body(j, states, carry):
            carry, states = self._step([t[j] for t in x_windows], y_windows[j], weights, states,
                                       carry)
            return j + 1, states, carry

        _, states, carry = tf.while_loop(
            lambda j, states, carry: (j < windows) & carry[0], body,
            (tf.constant(0), states, carry), maximum_iterations=windows)
        if rest:
            carry = self._step([t[:, windows * k:] for t in x], y[:, windows * k:], weights,
                               states, carry)[0]
        return carry

    def _train_call(self, xs, y, weights, steps):
        zero = tf.constant(0.0)
        carry = (tf.constant(True), zero, zero, zero, tf.constant(0), zero, zero)

        def body(i, carry):
            return i + 1, self._batch([t[i] for t in xs], y[i], weights[i], carry)

        _, carry = tf.while_loop(lambda i, carry: (i < steps) & carry[0], body,
                                 (tf.constant(0), carry), maximum_iterations=weights.shape[0])
        return carry

    def _eval_call(self, xs, y, weights, steps):
        def body(i, loss_total, weight_total):
            batch = weights.shape[1]
            states = [tf.zeros((batch,) + shape, dtype) for shape, dtype in self.state_specs]
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
        return tf.while_loop(lambda i, *_: i < steps, body, (tf.constant(0), zero, zero),
                             maximum_iterations=weights.shape[0])[1:]


def compiled_call(steps, name, args, history=None):
    """Run `steps.<name>` (train_call or eval_call); return (results, whether it traced/compiled).

    If XLA cannot compile the model, say so once and run without XLA (history.xla_used = False).
    """
    function = getattr(steps, name)
    traces = function.experimental_get_tracing_count()
    try:
        with fast_loops(steps.model) if steps.fast_rnn else contextlib.nullcontext():
            results = function(*args)
    except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as error:
        if not steps.jit_compile or "compil" not in str(error).lower():
            raise
        print(f"XLA could not compile this model ({str(error).splitlines()[0][:120]}); "
              "running without XLA")
        steps.jit_compile = False
        steps.make_functions()
        if history is not None:
            history.xla_used = False
        with fast_loops(steps.model) if steps.fast_rnn else contextlib.nullcontext():
            return getattr(steps, name)(*args), True
    if history is not None:
        history.xla_used = history.xla_used and steps.jit_compile
    return results, function.experimental_get_tracing_count() != traces


def cached_steps(model, key, make):
    """The model's compiled steps for these settings: a second `train`/`evaluate` call with the
    same settings reuses them (no retracing, no XLA recompilation)."""
    cache = model.__dict__.setdefault("_course_utils_compiled_steps", {})
    key = key + (tuple(id(v) for v in model.trainable_variables),)
    if key not in cache:
        cache[key] = make()
    return cache[key]


def settings_key(value):
    """Hashable identity of a loss, metric or optimizer argument (configs compared by value)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(settings_key(v) for v in value)
    if isinstance(value, keras.losses.Loss):
        try:
            return (type(value), repr(sorted(value.get_config().items())))
        except Exception:  # an unserializable custom loss: compare by identity
            return id(value)
    return id(value)
