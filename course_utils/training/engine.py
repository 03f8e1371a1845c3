"""The one training path of the course: an XLA-compiled step running many optimizer steps a call.

`train(model, x, y, loss=...)` replaces `model.compile(...); model.fit(...)` in every notebook. One
call of the compiled function (`tf.function(jit_compile=True)`) runs up to `steps_per_call`
optimizer steps in an XLA `while` loop, so Python's overhead is paid once per call, not per step.
Each step computes the loss under `tf.GradientTape`, measures the global gradient norm *before*
clipping (recorded per epoch as `grad_norm`), clips (`clip_value` elementwise first, then
`clip_norm` by global norm), checks that loss and gradients are finite and only then applies the
update. A NaN/Inf stops training *before* the bad update: a printed message names the step and
the epoch, `history.diverged` holds it, and nothing is raised (notebook 04 shows such a run).

Speed: with `fast_rnn=True` (the default) every plain `keras.layers.RNN` whose cell is a standard
SimpleRNN/LSTM/GRU cell runs the batched-BPTT loop of `course_utils.training.fast_loop` inside the compiled
step (same weights and results up to float rounding; scripts/benchmark.py measures the gain).
`history.xla_used` is True only when the `jit_compile=True` function really ran: TensorFlow
refuses to run such a function that XLA cannot compile, and `train` then says so and falls back.

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

A model built inside `strategy.scope()` of a `tf.distribute` strategy (MirroredStrategy over
several GPUs) trains data-parallel with the same call and the same results up to float rounding:
see `course_utils.training.distributed`.

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
import contextlib
import math
import time

import numpy as np
import tensorflow as tf

from course_utils.training.distributed import (DistributedSteps, build_optimizer, check_batch_size,
                                      model_strategy)
from course_utils.training.steps import (
    Batches,
    CompiledSteps,
    as_list,
    cached_steps,
    compiled_call,
    resolve_loss,
    resolve_metrics,
    resolve_optimizer,
    settings_key,
    state_input_specs,
)

DEFAULT_EVAL_BATCH_SIZE = 128


class TrainingHistory:
    """What `train` returns: per-epoch numbers as in `keras.callbacks.History`, and run facts.

    Attributes:
        history: dict name -> list of per-epoch floats: `loss`, each metric, `val_loss` and
            `val_<metric>` when `validation_data` is given, and `grad_norm` (mean global
            gradient norm before clipping).
        epoch: indices (0-based, like Keras) of the epochs recorded in `history`.
        xla_used: True when the training step really ran XLA-compiled; False after a fallback
            (XLA could not compile the model). Under a `tf.distribute` strategy it means each
            replica's forward and backward pass ran XLA-compiled; the gradient all-reduce and
            the optimizer update always run outside XLA.
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
            raise ValueError(f"y must be None when {what} is a tf.data.Dataset of (x, y), "
                             f"got y={y!r}")
        batches = list(x.as_numpy_iterator())
        if not batches or not isinstance(batches[0], tuple) or len(batches[0]) != 2:
            raise ValueError(f"a {what} Dataset must yield (x, y) pairs, got {x.element_spec!r}")
        try:
            xs = [np.concatenate(parts) for parts in zip(*[as_list(b[0]) for b in batches])]
            y = np.concatenate([b[1] for b in batches])
        except ValueError as error:
            raise ValueError(f"the batches of the {what} Dataset differ in shape beyond the batch "
                             f"axis ({error}); pad the sequences to one length") from None
        return xs, y, len(batches[0][1])
    xs = [np.asarray(a) for a in as_list(x)]
    if y is None:
        raise ValueError(f"y is required when {what} is an array, got y=None")
    y = np.asarray(y)
    for i, a in enumerate(xs):
        if a.ndim == 0 or len(a) != len(y):
            raise ValueError(f"{what}[{i}] has {a.shape[0] if a.ndim else 0} examples but y has "
                             f"{len(y)}: shapes {a.shape} and {y.shape} must agree on axis 0")
    for name, a in [*((f"{what}[{i}]", a) for i, a in enumerate(xs)), ("y", y)]:
        if np.issubdtype(a.dtype, np.floating) and not np.isfinite(a).all():
            bad = int(np.size(a) - np.isfinite(a).sum())
            raise ValueError(f"{name} contains {bad} NaN or Inf value(s); expected finite numbers "
                             f"(check how the data was made or normalised)")
    return xs, y, None


def _length(value):
    return len(value) if hasattr(value, "__len__") else "?"


def _float32(a):
    return a.astype(np.float32) if np.issubdtype(a.dtype, np.floating) else a


def _run_evaluation(steps, batches, history=None):
    for metric in steps.metrics:
        metric.reset_state()
    loss_total = weight_total = 0.0
    for x, y, weights, count in batches.calls(np.arange(batches.examples)):
        (loss_sum, weight_sum), _ = compiled_call(steps, "eval_call",
                                                   (x, y, weights, tf.constant(count)), history)
        loss_total, weight_total = loss_total + float(loss_sum), weight_total + float(weight_sum)
    results = {} if steps.loss_fn is None else {"loss": loss_total / max(weight_total, 1e-12)}
    results.update({metric.name: float(metric.result()) for metric in steps.metrics})
    return results


def _prepare(model, x, y, loss, metrics, what="x"):
    """Arrays, state specs and resolved metrics; one eager call on two examples builds the model."""
    xs, y, dataset_batch_size = _as_arrays(x, y, what)
    xs, y = [_float32(a) for a in xs], _float32(y)
    state_specs = state_input_specs(model, len(xs))
    sample = [a[:2] for a in xs] + [np.zeros((min(2, len(y)),) + shape, str(dtype))
                                    for shape, dtype in state_specs]
    if len(sample) == 1:
        sample = sample[0]
    elif isinstance(x, tuple) and not state_specs:
        sample = tuple(sample)
    prediction = model(sample, training=False)
    prediction = prediction[0] if state_specs else prediction
    return xs, y, state_specs, resolve_metrics(metrics, loss, y, prediction), dataset_batch_size


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
            loop of `course_utils.training.fast_loop` (same weights and results up to float rounding);
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
    clip_norm = _positive_float("clip_norm", clip_norm)
    clip_value = _positive_float("clip_value", clip_value)
    learning_rate = _positive_float("learning_rate", learning_rate)
    if loss is None:
        raise ValueError("loss is required, got None")
    if validation_data is not None and not isinstance(validation_data, tf.data.Dataset):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be (x_val, y_val) or a Dataset, got "
                             f"{type(validation_data).__name__} of length "
                             f"{_length(validation_data)}")
        validation_data = tuple(validation_data)
    loss_fn, _ = resolve_loss(loss)
    xs, y, state_specs, train_metrics, dataset_batch_size = _prepare(model, x, y, loss, metrics)
    batch_size = dataset_batch_size or batch_size
    if tbptt_length is not None:
        if not state_specs:
            raise ValueError(f"tbptt_length={tbptt_length} needs a model with state inputs and "
                             "outputs (explicit-state contract, see course_utils.training.engine); this "
                             f"model has {len(getattr(model, 'inputs', None) or [])} input(s) for "
                             f"{len(xs)} data input(s)")
        lengths = {a.shape[1] if a.ndim > 1 else None for a in xs + [y]}
        if len(lengths) != 1 or None in lengths:
            raise ValueError("tbptt_length needs every input and y to have the same time axis 1, "
                             f"got shapes {[a.shape for a in xs]} and {y.shape}")
    batches = Batches(xs, y, batch_size, steps_per_call)
    settings = (settings_key(loss), settings_key(metrics), bool(jit_compile), bool(fast_rnn),
                tuple(state_specs), isinstance(x, tuple))
    strategy = model_strategy(model)
    if strategy:
        check_batch_size(strategy, batches.batch_size)
    with strategy.scope() if strategy else contextlib.nullcontext():
        steps = cached_steps(model, ("train", settings_key(optimizer), clip_norm, clip_value,
                                     tbptt_length) + settings, lambda: _train_steps(
            strategy, model, loss_fn, train_metrics, resolve_optimizer(optimizer, learning_rate),
            clip_norm, clip_value, tbptt_length, state_specs, jit_compile, fast_rnn,
            isinstance(x, tuple)))
        if not steps.optimizer.built:
            build_optimizer(steps.optimizer, steps.variables)
        elif isinstance(optimizer, str):  # a reused optimizer keeps its state, takes the new rate
            steps.optimizer.learning_rate = learning_rate
    validation = None
    if validation_data is not None:
        val_x, val_y = (validation_data, None) if isinstance(validation_data, tf.data.Dataset) \
            else validation_data
        val_xs, val_y, _, val_metrics, _ = _prepare(model, val_x, val_y, loss, metrics,
                                                    "validation x")
        validation = (cached_steps(model, ("eval",) + settings[:-1] + (isinstance(val_x, tuple),),
                                    lambda: CompiledSteps(
            model, loss_fn, val_metrics, state_specs=state_specs, jit_compile=jit_compile,
            fast_rnn=fast_rnn, as_tuple=isinstance(val_x, tuple))),
                      Batches(val_xs, val_y, batch_size, None))

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
            results, traced = compiled_call(steps, "train_call",
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
                history.diverged = _divergence_message(
                    history.steps + 1, epoch + 1, float(bad_loss), float(bad_norm),
                    steps.optimizer, clip_norm)
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


def _train_steps(strategy, *args):
    """CompiledSteps, or DistributedSteps for a model built under a tf.distribute strategy."""
    return DistributedSteps(strategy, *args) if strategy else CompiledSteps(*args)


def _format_metrics(values):
    return " | ".join(f"{name} {value:.4g}" for name, value in values.items())


def _divergence_message(step, epoch, loss, grad_norm, optimizer, clip_norm):
    learning_rate = optimizer.learning_rate
    learning_rate = float(learning_rate.numpy()) if hasattr(learning_rate, "numpy") else None
    advice = ("a lower learning rate" if clip_norm is not None else
              "gradient clipping (clip_norm=1.0) or a lower learning rate")
    rate = f" (learning rate {learning_rate:.4g})" if learning_rate is not None else ""
    return (f"Training stopped at step {step} (epoch {epoch}): loss {loss:.4g}, gradient norm "
            f"{grad_norm:.4g} is not finite. The update of that step was not applied. Likely "
            f"cause: exploding gradients{rate}; try {advice}.")


def evaluate(model, x, y=None, *, loss=None, metrics=("accuracy",),
             batch_size=DEFAULT_EVAL_BATCH_SIZE, jit_compile=True, fast_rnn=True):
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
    loss_fn, _ = resolve_loss(loss)
    xs, y, state_specs, eval_metrics, dataset_batch_size = _prepare(model, x, y, loss, metrics)
    batch_size = dataset_batch_size or batch_size
    settings = (settings_key(loss), settings_key(metrics), bool(jit_compile), bool(fast_rnn),
                tuple(state_specs), isinstance(x, tuple))
    steps = cached_steps(model, ("eval",) + settings, lambda: CompiledSteps(
        model, loss_fn, eval_metrics, state_specs=state_specs, jit_compile=jit_compile,
        fast_rnn=fast_rnn, as_tuple=isinstance(x, tuple)))
    return _run_evaluation(steps, Batches(xs, y, batch_size, None))
