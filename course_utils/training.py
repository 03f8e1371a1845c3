"""The one training path of the course: an XLA-compiled step that runs many optimizer steps per call.

`train(model, x, y, loss=...)` replaces `model.compile(...); model.fit(...)` in every notebook. One
call of the compiled function (`tf.function(jit_compile=True)`) runs up to `steps_per_call`
optimizer steps in an XLA `while` loop, so Python's overhead is paid once per call, not per step.
Each step computes the loss under `tf.GradientTape`, measures the global gradient norm *before*
clipping (recorded per epoch as `grad_norm`), clips (`clip_value` elementwise first, then
`clip_norm` by global norm), checks that loss and gradients are finite and only then applies the
update. A NaN/Inf stops training *before* the bad update: a printed message names the step and
the epoch, `history.diverged` holds it, and nothing is raised (notebook 04 shows such a run).

Truncated BPTT (`tbptt_length=k`) needs a model that takes its initial recurrent states as extra
inputs after the data inputs and returns its final states as extra outputs after the prediction
(the *explicit-state contract*)::

    tokens = keras.Input((None,), dtype="int32")            # (batch, time)
    h0, c0 = keras.Input((units,)), keras.Input((units,))   # (batch, units) each
    sequence, h, c = keras.layers.RNN(cell, return_sequences=True, return_state=True)(
        keras.layers.Embedding(vocabulary, 16)(tokens), initial_state=[h0, c0])
    model = keras.Model([tokens, h0, c0], [keras.layers.Dense(vocabulary)(sequence), h, c])

Every batch of sequences (time on axis 1 of every data input and of `y`) is cut into windows of
`k` steps (the last may be shorter); each window is one optimizer step; the states start at zero
for every batch and are carried from window to window through `tf.stop_gradient`. With `k` equal
to the sequence length this is exactly full BPTT. Such a model also trains and evaluates without
`tbptt_length`: the states then start at zero and only the prediction is used.

Calling `train` (or `evaluate`) again on the same model with the same settings reuses the compiled
step: no retracing, no XLA compilation, and an optimizer given by name keeps its state (moments,
step count) as with repeated `model.fit` calls; `history.compile_seconds` is then None.

A partial last batch is padded to `batch_size` with zero sample weights, so one compiled shape
serves the whole run; losses and metrics are means over real samples (and over unmasked time
steps when the output carries a Keras mask, e.g. after `Embedding(mask_zero=True)`). Results are
deterministic for a fixed seed on one CPU. Do not call
`tf.config.experimental.enable_op_determinism()`: it silently turns XLA off.

Example:
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    history = train(model, x, y, loss=loss, epochs=5)   # x, y: (examples, time) int tokens
    history.history["loss"]                             # 5 floats, one per epoch
    history.xla_used                                    # True
    evaluate(model, x, y, loss=loss)                    # {"loss": ..., "accuracy": ...}
"""
import math
import time

import contextlib

import keras
import numpy as np
import tensorflow as tf

from course_utils.fast_rnn import fast_loops

DEFAULT_STEPS_PER_CALL = 50  # optimizer steps fused into one compiled call when not given
DEFAULT_EVAL_BATCH_SIZE = 128


class TrainingHistory:
    """What `train` returns: per-epoch numbers like `keras.callbacks.History`, plus facts of the run.

    Attributes:
        history: dict name -> list of per-epoch floats: `loss`, each metric, `val_loss` and
            `val_<metric>` when `validation_data` is given, and `grad_norm` (mean global
            gradient norm before clipping).
        epoch: indices (0-based, like Keras) of the epochs recorded in `history`.
        xla_used: True when the training step really ran XLA-compiled.
        diverged: None, or the message printed when a NaN/Inf stopped training.
        steps: optimizer steps applied (with truncated BPTT one step per window).
        seconds_per_step: median wall time of one optimizer step over the calls that did not
            trace or compile (None if all did). Never printed by `train`.
        compile_seconds: wall time of the calls that traced and compiled (their steps
            included), None when the compiled step was reused from an earlier call.
        call_timings: (seconds, optimizer steps) of every other compiled call.
        params: the training arguments (epochs, batch_size, steps_per_call, ...).
    """

    def __init__(self):
        self.history = {}
        self.epoch = []
        self.xla_used = False
        self.diverged = None
        self.steps = 0
        self.seconds_per_step = None
        self.compile_seconds = None
        self.call_timings = []
        self.params = {}

    def __repr__(self):
        last = {name: float(f"{values[-1]:.4g}") for name, values in self.history.items() if values}
        return f"TrainingHistory(epochs={len(self.epoch)}, xla_used={self.xla_used}, last={last})"


# -- argument checks --------------------------------------------------------------------------
def _positive_int(name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer{' or None' if allow_none else ''}, "
                         f"got {value!r}")
    return int(value)


def _positive_float(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number or None, got {value!r}")
    return float(value)


def _as_arrays(x, y, what="x"):
    """Return (input arrays, labels, the Dataset's batch size or None); a Dataset is read once."""
    if isinstance(x, tf.data.Dataset):
        if y is not None:
            raise ValueError(f"y must be None when {what} is a tf.data.Dataset of (x, y), got y={y!r}")
        batches = list(x.as_numpy_iterator())
        if not batches or not isinstance(batches[0], tuple) or len(batches[0]) != 2:
            raise ValueError(f"a {what} Dataset must yield (x, y) pairs, got {x.element_spec!r}")
        try:
            xs = [np.concatenate(parts) for parts in zip(*[_as_list(b[0]) for b in batches])]
            y = np.concatenate([b[1] for b in batches])
        except ValueError as error:
            raise ValueError(f"the batches of the {what} Dataset differ in shape beyond the batch "
                             f"axis ({error}); pad the sequences to one length") from None
        return xs, y, len(batches[0][1])
    xs = [np.asarray(a) for a in _as_list(x)]
    if y is None:
        raise ValueError(f"y is required when {what} is an array, got y=None")
    y = np.asarray(y)
    for i, a in enumerate(xs):
        if a.ndim == 0 or len(a) != len(y):
            raise ValueError(f"{what}[{i}] has {a.shape[0] if a.ndim else 0} examples but y has "
                             f"{len(y)}: shapes {a.shape} and {y.shape} must agree on axis 0")
    return xs, y, None


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _float32(a):
    return a.astype(np.float32) if np.issubdtype(a.dtype, np.floating) else a


# -- loss, metrics, optimizer -----------------------------------------------------------------
def _loss_name(loss):
    if isinstance(loss, str):
        return loss
    if isinstance(loss, keras.losses.Loss):
        fn = getattr(loss, "fn", None)
        return getattr(fn, "__name__", type(loss).__name__)
    return getattr(loss, "__name__", type(loss).__name__)


def _resolve_loss(loss):
    """Return fn(y_true, y_pred) -> per-sample (or per-time-step) loss values, and its name."""
    if loss is None:
        return None, None
    name = _loss_name(loss).lower()
    if isinstance(loss, str):
        try:
            loss = keras.losses.get(loss)
        except ValueError:
            raise ValueError(f"unknown loss {name!r}; use a Keras loss name or a callable") from None
    if isinstance(loss, keras.losses.Loss):
        unreduced = loss.call
    elif callable(loss):
        unreduced = loss
    else:
        raise TypeError(f"loss must be a Keras loss name, a keras.losses.Loss or a callable, "
                        f"got {loss!r}")
    cast_labels = isinstance(loss, keras.losses.Loss) or not callable(loss) or "sparse" not in name

    def fn(y_true, y_pred):
        if "sparse" not in name and cast_labels:
            y_true = tf.cast(y_true, y_pred.dtype)
        return unreduced(y_true, y_pred)

    return fn, name


def _accuracy_for(loss, y_rank, prediction):
    name = _loss_name(loss).lower() if loss is not None else ""
    from_logits = bool(getattr(loss, "get_config", lambda: {})().get("from_logits", False))
    if "sparse" in name or (not name and y_rank == len(prediction.shape) - 1):
        return keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    if "binary" in name or (not name and prediction.shape[-1] == 1):
        return keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0 if from_logits else 0.5)
    return keras.metrics.CategoricalAccuracy(name="accuracy")


def _resolve_metrics(metrics, loss, y, prediction):
    resolved = []
    for metric in metrics or ():
        if metric in ("accuracy", "acc"):
            resolved.append(_accuracy_for(loss, y.ndim, prediction))
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


def _resolve_optimizer(optimizer, learning_rate):
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
class _Batches:
    """Cuts arrays into calls of `steps_per_call` stacked batches: x (N, batch, ...), weights (N, batch)."""

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


def _state_inputs(model, num_x_inputs):
    """Shapes and dtypes of the model's state inputs under the explicit-state contract."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) <= num_x_inputs:
        return []
    outputs = _as_list(model.outputs)
    specs = [(tuple(t.shape[1:]), t.dtype) for t in inputs[num_x_inputs:]]
    if len(outputs) != 1 + len(specs):
        raise ValueError(f"the model has {len(inputs)} inputs for {num_x_inputs} data input(s), so "
                         f"{len(specs)} state input(s); it must then return 1 + {len(specs)} outputs "
                         f"(prediction, final states), got {len(outputs)}")
    if any(None in shape for shape, _ in specs):
        raise ValueError(f"state inputs need a fixed shape besides the batch axis, got {specs}")
    return specs


def _element_weights(sample_weights, values, prediction):
    """Broadcast per-sample weights (batch,) to the loss values, times the output's Keras mask."""
    rank = len(values.shape)
    weights = tf.reshape(sample_weights, [-1] + [1] * (rank - 1)) * tf.ones_like(values, tf.float32)
    mask = getattr(prediction, "_keras_mask", None)
    if mask is not None and len(mask.shape) == rank:
        weights = weights * tf.cast(mask, tf.float32)
    return weights


# -- the compiled functions -------------------------------------------------------------------
class _CompiledSteps:
    """The XLA-compiled training and evaluation calls for one model, loss and optimizer."""

    def __init__(self, model, loss_fn, metrics, optimizer=None, clip_norm=None, clip_value=None,
                 tbptt_length=None, state_specs=(), jit_compile=True, fast_rnn=True, as_tuple=False):
        self.fast_rnn = fast_rnn
        self.as_tuple = as_tuple  # pass several data inputs as a tuple (as the caller gave them)
        self.model, self.loss_fn, self.metrics, self.optimizer = model, loss_fn, metrics, optimizer
        self.clip_norm, self.clip_value, self.tbptt_length = clip_norm, clip_value, tbptt_length
        self.state_specs = list(state_specs)
        self.variables = list(model.trainable_variables)
        self.jit_compile = jit_compile
        self.train_call = tf.function(self._train_call, jit_compile=jit_compile)
        self.eval_call = tf.function(self._eval_call, jit_compile=jit_compile)

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
        element_weights = _element_weights(weights, values, prediction)
        return tf.reduce_sum(values * element_weights), tf.reduce_sum(element_weights), element_weights

    def _step(self, x, y, weights, states, carry):
        """One optimizer step; carry = (ok, loss sum, weight sum, norm sum, updates, bad loss, bad norm)."""
        ok, loss_total, weight_total, norm_total, updates, bad_loss, bad_norm = carry
        with tf.GradientTape() as tape:
            prediction, new_states = self._forward(x, states, training=True)
            loss_sum, weight_sum, element_weights = self._losses(y, prediction, weights)
            loss = loss_sum / tf.maximum(weight_sum, 1e-12)
            if self.model.losses:  # weight regularizers and add_loss terms
                loss += tf.add_n([tf.cast(term, tf.float32) for term in self.model.losses])
        grads = tape.gradient(loss, self.variables)
        grads = [tf.zeros_like(v) if g is None else tf.convert_to_tensor(g)
                 for g, v in zip(grads, self.variables)]
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
        carry = (apply,
                 loss_total + tf.where(apply, loss_sum, 0.0),
                 weight_total + tf.where(apply, weight_sum, 0.0),
                 norm_total + tf.where(apply, grad_norm, 0.0),
                 updates + tf.cast(apply, tf.int32),
                 tf.where(first_bad, loss, bad_loss),
                 tf.where(first_bad, grad_norm, bad_norm))
        return carry, [tf.stop_gradient(s) for s in new_states]

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
            carry, states = self._step([t[j] for t in x_windows], y_windows[j], weights, states, carry)
            return j + 1, states, carry

        _, states, carry = tf.while_loop(lambda j, states, carry: (j < windows) & carry[0], body,
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
                element_weights = _element_weights(weights[i], values, prediction)
            else:
                loss_sum, weight_sum, element_weights = self._losses(y[i], prediction, weights[i])
            for metric in self.metrics:
                metric.update_state(y[i], prediction, sample_weight=element_weights)
            return i + 1, loss_total + loss_sum, weight_total + weight_sum

        zero = tf.constant(0.0)
        return tf.while_loop(lambda i, *_: i < steps, body, (tf.constant(0), zero, zero),
                             maximum_iterations=weights.shape[0])[1:]


def _compiled_call(steps, name, args, history=None):
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
        steps.train_call = tf.function(steps._train_call, jit_compile=False)
        steps.eval_call = tf.function(steps._eval_call, jit_compile=False)
        with fast_loops(steps.model) if steps.fast_rnn else contextlib.nullcontext():
            return getattr(steps, name)(*args), True
    if history is not None:
        history.xla_used = history.xla_used and steps.jit_compile
    return results, function.experimental_get_tracing_count() != traces


def _cached_steps(model, key, make):
    """The model's compiled steps for these settings: a second `train`/`evaluate` call with the
    same settings reuses them (no retracing, no XLA recompilation)."""
    cache = model.__dict__.setdefault("_course_utils_compiled_steps", {})
    key = key + (tuple(id(v) for v in model.trainable_variables),)
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _key(value):
    """Hashable identity of a loss, metric or optimizer argument (configs compared by value)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_key(v) for v in value)
    if isinstance(value, keras.losses.Loss):
        try:
            return (type(value), repr(sorted(value.get_config().items())))
        except Exception:  # an unserializable custom loss: compare by identity
            return id(value)
    return id(value)


def _run_evaluation(steps, batches, history=None):
    for metric in steps.metrics:
        metric.reset_state()
    loss_total = weight_total = 0.0
    for x, y, weights, count in batches.calls(np.arange(batches.examples)):
        (loss_sum, weight_sum), _ = _compiled_call(steps, "eval_call",
                                                   (x, y, weights, tf.constant(count)), history)
        loss_total, weight_total = loss_total + float(loss_sum), weight_total + float(weight_sum)
    results = {} if steps.loss_fn is None else {"loss": loss_total / max(weight_total, 1e-12)}
    results.update({metric.name: float(metric.result()) for metric in steps.metrics})
    return results


def _prepare(model, x, y, loss, metrics, what="x"):
    """Arrays, state specs and resolved metrics; one eager call on two examples builds the model."""
    xs, y, dataset_batch_size = _as_arrays(x, y, what)
    xs, y = [_float32(a) for a in xs], _float32(y)
    state_specs = _state_inputs(model, len(xs))
    sample = [a[:2] for a in xs] + [np.zeros((min(2, len(y)),) + shape, str(dtype))
                                    for shape, dtype in state_specs]
    if len(sample) == 1:
        sample = sample[0]
    elif isinstance(x, tuple) and not state_specs:
        sample = tuple(sample)
    prediction = model(sample, training=False)
    prediction = prediction[0] if state_specs else prediction
    return xs, y, state_specs, _resolve_metrics(metrics, loss, y, prediction), dataset_batch_size


def train(model, x, y=None, *, loss, optimizer="adam", learning_rate=1e-3, metrics=("accuracy",),
          epochs=1, batch_size=32, validation_data=None, shuffle=True, seed=0, clip_norm=None,
          clip_value=None, tbptt_length=None, steps_per_call=None, log_every=None,
          jit_compile=True, fast_rnn=True):
    """Train `model` with the course's XLA-compiled step and return a `TrainingHistory`.

    Args:
        model: a `keras.Model`; for `tbptt_length` one following the explicit-state contract
            (module docstring).
        x: input array, a tuple/list of arrays for several inputs, or a `tf.data.Dataset` of
            `(x, y)` batches (read into memory once, its batch size replaces `batch_size`;
            `y` must then be None; shuffling is then done by `train`).
        y: target array with as many examples as `x`.
        loss: a Keras loss name, a `keras.losses.Loss` or a callable `(y_true, y_pred)`.
        optimizer: a Keras optimizer name (built with `learning_rate`) or an optimizer object
            (used as it is; its state carries over between calls).
        learning_rate: learning rate for an optimizer given by name.
        metrics: metric names (`"accuracy"` follows the loss, as in Keras), metric objects or
            callables.
        epochs: passes over the data.
        batch_size: examples per optimizer step (the last batch is padded, with zero weight).
        validation_data: `(x_val, y_val)` or a Dataset, evaluated after every epoch.
        shuffle: reshuffle the examples every epoch (NumPy generator seeded with `seed`).
        seed: seed of the shuffling; the model's own initialisation and dropout come from
            `keras.utils.set_random_seed` (`course_utils.setup`) before the model was built.
        clip_norm: clip the gradients to this global norm (applied after `clip_value`).
        clip_value: clip every gradient element to [-clip_value, clip_value].
        tbptt_length: truncated BPTT window in time steps (None: full BPTT).
        steps_per_call: batches per compiled call (default: min(50, batches per epoch)).
        log_every: print a line of rounded metrics every `log_every` epochs (None: only a final
            line). Never prints timings.
        jit_compile: False only to compare with a run without XLA.
        fast_rnn: run every plain `keras.layers.RNN` with a standard cell through the batched-BPTT
            loop of `course_utils.fast_rnn` (same weights and results up to float rounding);
            False keeps Keras's step-by-step loop.

    Returns:
        A `TrainingHistory` (`.history`, `.xla_used`, `.diverged`, `.seconds_per_step`, ...).

    Example:
        history = train(model, x, y, loss="mse", metrics=("mae",), epochs=3)  # x (n, time, 1)
        history.history["loss"]  # [3 floats]
    """
    epochs = _positive_int("epochs", epochs)
    batch_size = _positive_int("batch_size", batch_size)
    tbptt_length = _positive_int("tbptt_length", tbptt_length, allow_none=True)
    steps_per_call = _positive_int("steps_per_call", steps_per_call, allow_none=True)
    log_every = _positive_int("log_every", log_every, allow_none=True)
    clip_norm, clip_value = _positive_float("clip_norm", clip_norm), _positive_float("clip_value", clip_value)
    learning_rate = _positive_float("learning_rate", learning_rate)
    if loss is None:
        raise ValueError("loss is required, got None")
    loss_fn, _ = _resolve_loss(loss)
    xs, y, state_specs, train_metrics, dataset_batch_size = _prepare(model, x, y, loss, metrics)
    batch_size = dataset_batch_size or batch_size
    if tbptt_length is not None:
        if not state_specs:
            raise ValueError(f"tbptt_length={tbptt_length} needs a model with state inputs and "
                             "outputs (explicit-state contract, see course_utils.training); this "
                             f"model has {len(getattr(model, 'inputs', None) or [])} input(s) for "
                             f"{len(xs)} data input(s)")
        lengths = {a.shape[1] if a.ndim > 1 else None for a in xs + [y]}
        if len(lengths) != 1 or None in lengths:
            raise ValueError("tbptt_length needs every input and y to have the same time axis 1, "
                             f"got shapes {[a.shape for a in xs]} and {y.shape}")
    batches = _Batches(xs, y, batch_size, steps_per_call)
    settings = (_key(loss), _key(metrics), bool(jit_compile), bool(fast_rnn), tuple(state_specs),
                isinstance(x, tuple))
    steps = _cached_steps(model, ("train", _key(optimizer), clip_norm, clip_value, tbptt_length)
                          + settings, lambda: _CompiledSteps(
        model, loss_fn, train_metrics, _resolve_optimizer(optimizer, learning_rate), clip_norm,
        clip_value, tbptt_length, state_specs, jit_compile, fast_rnn, isinstance(x, tuple)))
    if not steps.optimizer.built:
        steps.optimizer.build(steps.variables)
    elif isinstance(optimizer, str):  # a reused optimizer keeps its state, takes the new rate
        steps.optimizer.learning_rate = learning_rate
    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, tf.data.Dataset):
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be (x_val, y_val) or a Dataset, got "
                                 f"{type(validation_data).__name__} of length "
                                 f"{len(validation_data) if hasattr(validation_data, '__len__') else '?'}")
            validation_data = tuple(validation_data)
        val_x, val_y = (validation_data, None) if isinstance(validation_data, tf.data.Dataset) \
            else validation_data
        val_xs, val_y, _, val_metrics, _ = _prepare(model, val_x, val_y, loss, metrics,
                                                    "validation x")
        validation = (_cached_steps(model, ("eval",) + settings[:-1] + (isinstance(val_x, tuple),),
                                    lambda: _CompiledSteps(
            model, loss_fn, val_metrics, state_specs=state_specs, jit_compile=jit_compile,
            fast_rnn=fast_rnn, as_tuple=isinstance(val_x, tuple))),
                      _Batches(val_xs, val_y, batch_size, None))

    history = TrainingHistory()
    history.xla_used = bool(jit_compile)
    history.params = {"epochs": epochs, "batch_size": batches.batch_size, "steps": batches.steps,
                      "steps_per_call": batches.steps_per_call, "tbptt_length": tbptt_length,
                      "fast_rnn": fast_rnn}
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        for metric in steps.metrics:
            metric.reset_state()
        loss_total = weight_total = norm_total = 0.0
        updates_in_epoch = 0
        order = rng.permutation(batches.examples) if shuffle else np.arange(batches.examples)
        for x_call, y_call, w_call, count in batches.calls(order):
            start = time.perf_counter()
            results, traced = _compiled_call(steps, "train_call",
                                             (x_call, y_call, w_call, tf.constant(count)), history)
            ok, loss_sum, weight_sum, norm_sum, updates, bad_loss, bad_norm = (
                np.asarray(r) for r in results)
            ok, updates = bool(ok), int(updates)
            elapsed = time.perf_counter() - start
            if traced:
                history.compile_seconds = (history.compile_seconds or 0.0) + elapsed
            elif ok and updates:
                history.call_timings.append((elapsed, updates))
            loss_total += float(loss_sum)
            weight_total += float(weight_sum)
            norm_total += float(norm_sum)
            updates_in_epoch += updates
            history.steps += updates
            if not ok:
                history.diverged = _divergence_message(history.steps + 1, epoch + 1, float(bad_loss),
                                                       float(bad_norm), steps.optimizer, clip_norm)
                break
        if updates_in_epoch:
            values = {"loss": loss_total / max(weight_total, 1e-12)}
            values.update({metric.name: float(metric.result()) for metric in steps.metrics})
            if validation is not None and history.diverged is None:
                values.update({f"val_{name}": value for name, value in
                               _run_evaluation(*validation, history).items()})
            values["grad_norm"] = norm_total / updates_in_epoch
            for name, value in values.items():
                history.history.setdefault(name, []).append(value)
            history.epoch.append(epoch)
            last = epoch == epochs - 1 or history.diverged is not None
            if (log_every is not None and (epoch + 1) % log_every == 0) or last:
                shown = {k: v for k, v in values.items() if k != "grad_norm"}
                print(f"epoch {epoch + 1}/{epochs} | {_format_metrics(shown)}")
        if history.diverged is not None:
            print(history.diverged)
            break
    if history.call_timings:
        history.seconds_per_step = float(np.median([t / n for t, n in history.call_timings]))
    return history


def _format_metrics(values):
    return " | ".join(f"{name} {value:.4g}" for name, value in values.items())


def _divergence_message(step, epoch, loss, grad_norm, optimizer, clip_norm):
    learning_rate = optimizer.learning_rate
    learning_rate = float(learning_rate.numpy()) if hasattr(learning_rate, "numpy") else None
    advice = ("a lower learning rate" if clip_norm is not None else
              "gradient clipping (clip_norm=1.0) or a lower learning rate")
    rate = f" (learning rate {learning_rate:.4g})" if learning_rate is not None else ""
    return (f"Training stopped at step {step} (epoch {epoch}): loss {loss:.4g}, gradient norm "
            f"{grad_norm:.4g} is not finite. The update of that step was not applied. Likely cause: "
            f"exploding gradients{rate}; try {advice}.")


def evaluate(model, x, y=None, *, loss=None, metrics=("accuracy",), batch_size=DEFAULT_EVAL_BATCH_SIZE,
             jit_compile=True, fast_rnn=True):
    """Evaluate `model` on `(x, y)` with the same compiled machinery as `train`.

    Args:
        model: a `keras.Model` (an explicit-state model runs from zero states).
        x, y: as in `train` (arrays or a Dataset of `(x, y)` with `y=None`).
        loss: optional loss to report under `"loss"`.
        metrics: metric names, objects or callables (as in `train`).
        batch_size: examples per batch.
        jit_compile: False only to compare with a run without XLA.
        fast_rnn: as in `train`.

    Returns:
        dict name -> float, e.g. `{"loss": 0.41, "accuracy": 0.87}`.
    """
    batch_size = _positive_int("batch_size", batch_size)
    loss_fn, _ = _resolve_loss(loss)
    xs, y, state_specs, eval_metrics, dataset_batch_size = _prepare(model, x, y, loss, metrics)
    batch_size = dataset_batch_size or batch_size
    settings = (_key(loss), _key(metrics), bool(jit_compile), bool(fast_rnn), tuple(state_specs),
                isinstance(x, tuple))
    steps = _cached_steps(model, ("eval",) + settings, lambda: _CompiledSteps(
        model, loss_fn, eval_metrics, state_specs=state_specs, jit_compile=jit_compile,
        fast_rnn=fast_rnn, as_tuple=isinstance(x, tuple)))
    return _run_evaluation(steps, _Batches(xs, y, batch_size, None))
