"""The one training path of the course: `train`, `evaluate` and `TrainingHistory`.

`train(model, x, y, loss=...)` replaces `model.compile(...); model.fit(...)` in every notebook. One
call of the compiled function (`tf.function(jit_compile=True)`) runs up to `steps_per_call`
optimizer steps in an XLA `while` loop, so Python's overhead is paid once per call, not per step.
Each step computes the loss under `tf.GradientTape`, measures the global gradient norm *before*
clipping (recorded per epoch as `grad_norm`), clips (`clip_value` elementwise first, then
`clip_norm` by global norm), checks that loss and gradients are finite and only then applies the
update. A NaN/Inf stops training *before* the bad update: a printed message names the step and
the epoch, `history.diverged` holds it, and nothing is raised (notebook 04 shows such a run).

`train` runs five named steps: check the arguments and lay out the data (`batches.lay_out`);
resolve loss, metrics and optimizer by the explicit rules of `rules.py` (what a loss expects of
its labels comes from a table of Keras losses or from the loss itself, never from its name); get
the compiled steps (`steps.TrainStep`, `steps.EvalStep`) from the one cache,
`compiled.cached(model, _step_key(...), ...)`; run the epochs; finish the history.

With `fast_rnn=True` (the default) every plain `keras.layers.RNN` whose cell is exactly a standard
SimpleRNN/LSTM/GRU cell runs the batched-BPTT loop of `fast_loop.py` inside the compiled step
(same results up to float rounding). `history.xla_used` is True only when the `jit_compile=True`
function really ran: TensorFlow refuses to run one that XLA cannot compile, and `train` then
says so and falls back.

Truncated BPTT (`tbptt_length=k`) needs a model that takes its initial recurrent states as extra
inputs after the data inputs and returns its final states as extra outputs after the prediction
(the *explicit-state contract*, declared by `tbptt_length` or by `state_inputs=n`)::

    tokens = keras.Input((None,), dtype="int32")            # (batch, time)
    h0, c0 = keras.Input((units,)), keras.Input((units,))   # (batch, units) each
    sequence, h, c = keras.layers.RNN(cell, return_sequences=True, return_state=True)(
        keras.layers.Embedding(vocabulary, 16)(tokens), initial_state=[h0, c0])
    model = keras.Model([tokens, h0, c0], [keras.layers.Dense(vocabulary)(sequence), h, c])

Every batch of sequences (time on axis 1 of every data input and of `y`) is cut into windows of
`k` steps (the last may be shorter); each window is one optimizer step; the states start at zero
for every batch and are carried from window to window through `tf.stop_gradient`. With `k` equal
to the sequence length this is exactly full BPTT. Such a model also trains and evaluates without
`tbptt_length` when given `state_inputs=2` (here): the states then start at zero and only the
prediction is used.

A model built inside `strategy.scope()` of a `tf.distribute` strategy (MirroredStrategy over
several GPUs) trains data-parallel with the same call and the same results up to float rounding:
see `course_utils.training.distributed`.

Calling `train` (or `evaluate`) again on the same model with the same settings reuses the compiled
step: no retracing, no XLA compilation, and an optimizer given by name keeps its state (moments,
step count) as with repeated `model.fit` calls; `history.compile_seconds` is then None. The
cache holds the model weakly: a model that goes away takes its compiled steps with it.

A partial last batch is padded to `batch_size` with zero sample weights, so one compiled shape
serves the whole run; losses and metrics are means over real samples (and over unmasked time
steps when the output carries a Keras mask, e.g. after `Embedding(mask_zero=True)`). Results are
deterministic for a fixed seed on one CPU.

Example:
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    history = train(model, x, y, loss=loss, epochs=5)   # x, y: (examples, time) int tokens
    history.history["loss"]                             # 5 floats, one per epoch
    history.xla_used                                    # True
    evaluate(model, x, y, loss=loss)                    # {"loss": ..., "accuracy": ...}
"""

import contextlib
import dataclasses
import time

import numpy as np
import tensorflow as tf

from course_utils import validation
from course_utils.training import rules
from course_utils.compiled import cached, settings_key
from course_utils.training.batches import held_out_data, lay_out
from course_utils.training.distributed import (
    DistributedTrainStep,
    build_optimizer,
    check_batch_size,
    model_strategy,
)
from course_utils.training.progress import TrainingProgress
from course_utils.training.steps import EvalStep, TrainStep

DEFAULT_EVAL_BATCH_SIZE = 128


class TrainingHistory:
    """What `train` returns: per-epoch numbers as in `keras.callbacks.History`, and run facts.

    Attributes:
        history: dict name -> list of per-epoch floats: `loss`, each metric, `val_loss` and
            `val_<metric>` when `validation_data` is given, and `grad_norm` (mean global
            gradient norm before clipping).
        epoch: indices (0-based, like Keras) of the epochs recorded in `history`.
        xla_used: True only when every compiled call of the run (training, and validation when
            given) ran XLA-compiled; False with `jit_compile=False` and after a fallback (XLA
            could not compile the model). Under a `tf.distribute` strategy it means that each
            replica's forward and backward pass ran XLA-compiled; the gradient all-reduce and the
            optimizer update always run outside XLA there (tests/test_distributed.py checks True
            for a model XLA compiles and False for one it cannot).
        diverged: None, or the message printed when a NaN/Inf stopped training.
        steps: optimizer steps applied (with truncated BPTT one step per window).
        seconds_per_step: median wall time of one optimizer step over the calls that did not
            trace or compile (None if all did). Never printed by `train`.
        compile_seconds: wall time of the calls that traced and compiled (their steps
            included), None when the compiled step was reused from an earlier call.
        call_timings: (seconds, optimizer steps) of every other compiled call.
        params: the training arguments (epochs, batch_size, steps_per_call, ...) and `replicas`,
            the devices each optimizer step ran on (1 without a strategy).
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


@dataclasses.dataclass(frozen=True)
class Settings:
    """The checked arguments of one `train` or `evaluate` call."""

    batch_size: int
    jit_compile: bool = True
    fast_rnn: bool = True
    epochs: int = 1
    shuffle: bool = True
    seed: int = 0
    clip_norm: float = None
    clip_value: float = None
    tbptt_length: int = None
    steps_per_call: int = None
    log_every: int = None
    learning_rate: float = None


@dataclasses.dataclass
class Setup:
    """The resolved loss, label kind, metrics and optimizer, with the arguments they came from."""

    loss_argument: object
    metrics_argument: object
    optimizer_argument: object
    kind: str
    loss_fn: object
    metrics: list
    optimizer: object = None


# -- 1. check the arguments and lay out the data ----------------------------------------------
def _settings(
    *,
    epochs,
    batch_size,
    shuffle,
    seed,
    clip_norm,
    clip_value,
    tbptt_length,
    steps_per_call,
    log_every,
    learning_rate,
    jit_compile,
    fast_rnn,
):
    count, optional = validation.integer, validation.optional
    positive = dict(minimum=0.0, minimum_open=True)
    return Settings(
        epochs=count(epochs, "epochs", minimum=1),
        batch_size=count(batch_size, "batch_size", minimum=1),
        shuffle=validation.flag(shuffle, "shuffle"),
        seed=optional(validation.seed, seed, "seed"),
        clip_norm=optional(validation.number, clip_norm, "clip_norm", **positive),
        clip_value=optional(validation.number, clip_value, "clip_value", **positive),
        tbptt_length=optional(count, tbptt_length, "tbptt_length", minimum=1),
        steps_per_call=optional(count, steps_per_call, "steps_per_call", minimum=1),
        log_every=optional(count, log_every, "log_every", minimum=1),
        learning_rate=optional(validation.number, learning_rate, "learning_rate", **positive),
        jit_compile=validation.flag(jit_compile, "jit_compile"),
        fast_rnn=validation.flag(fast_rnn, "fast_rnn"),
    )


# -- 2. resolve loss, metrics and optimizer ---------------------------------------------------
def _resolve(loss, metrics, labels, data, optimizer=None, learning_rate=None, name="y"):
    """`Setup` by the rules of `course_utils.training.rules`; the optimizer (a name is built
    here, inside the model's strategy scope) before the metrics, whose rule may refuse. Sparse
    class labels are checked against the model's classes (`name`: what the labels are called)."""
    keras_loss = rules.as_keras_loss(loss)
    kind = rules.label_kind(keras_loss, labels)
    if data.batches.y is not None and data.prediction_shape:
        rules.check_class_labels(keras_loss, kind, data.batches.y, data.prediction_shape[-1], name)
    built_optimizer = (
        None if optimizer is None else rules.resolve_optimizer(optimizer, learning_rate)
    )
    y_shape = data.batches.y.shape
    return Setup(
        loss_argument=loss,
        metrics_argument=metrics,
        optimizer_argument=optimizer,
        kind=kind,
        loss_fn=rules.loss_function(keras_loss, kind),
        metrics=rules.resolve_metrics(metrics, kind, keras_loss, y_shape, data.prediction_shape),
        optimizer=built_optimizer,
    )


# -- 3. the compiled steps --------------------------------------------------------------------
def _step_key(model, kind, setup, data, settings):
    """THE cache key of a step: every setting its compiled function depends on. Equal settings
    share the step (configurations compared by value, objects by identity); the learning rate
    is left out (a reused optimizer takes the new one); the trainable variables are in, as
    freezing a layer changes them."""
    training = (
        (
            settings_key(setup.optimizer_argument),
            settings.clip_norm,
            settings.clip_value,
            settings.tbptt_length,
        )
        if kind == "train"
        else ()
    )
    return (
        kind,
        settings_key(setup.loss_argument),
        setup.kind,
        settings_key(setup.metrics_argument),
        tuple(type(m) for m in setup.metrics),
        tuple((shape, str(dtype)) for shape, dtype in data.state_specs),
        data.as_tuple,
        settings.jit_compile,
        settings.fast_rnn,
        training,
        tuple(id(v) for v in model.trainable_variables),
    )


def _step_arguments(model, setup, data, settings):
    return dict(
        model=model,
        loss_fn=setup.loss_fn,
        metrics=setup.metrics,
        state_specs=data.state_specs,
        as_tuple=data.as_tuple,
        jit_compile=settings.jit_compile,
        fast_rnn=settings.fast_rnn,
    )


def _training_step(model, strategy, setup, data, settings):
    """The cached `TrainStep` (`DistributedTrainStep` under a strategy), its optimizer built."""
    arguments = dict(
        _step_arguments(model, setup, data, settings),
        optimizer=setup.optimizer,
        clip_norm=settings.clip_norm,
        clip_value=settings.clip_value,
        tbptt_length=settings.tbptt_length,
    )
    step = cached(
        model,
        _step_key(model, "train", setup, data, settings),
        lambda: (
            DistributedTrainStep(strategy=strategy, **arguments)
            if strategy
            else TrainStep(**arguments)
        ),
    )
    if not step.optimizer.built:
        build_optimizer(step.optimizer, step.variables)
    elif isinstance(setup.optimizer_argument, str):  # a reused optimizer keeps its state
        step.optimizer.learning_rate = settings.learning_rate
    return step


def _evaluation_step(model, setup, data, settings):
    return cached(
        model,
        _step_key(model, "eval", setup, data, settings),
        lambda: EvalStep(**_step_arguments(model, setup, data, settings)),
    )


# -- 4. run the epochs ------------------------------------------------------------------------
def _run_epoch(step, batches, order, history, epoch, settings, progress):
    """One pass over the data: (loss sum, weight sum, norm sum, optimizer steps)."""
    for metric in step.metrics:
        metric.reset_state()
    totals = np.zeros(3)
    updates_in_epoch = 0
    for x_call, y_call, w_call, count in batches.calls(order):
        start = time.perf_counter()
        results, traced = step.run(x_call, y_call, w_call, tf.constant(count))
        ok, loss_sum, weight_sum, norm_sum, updates, bad_loss, bad_norm = (
            np.asarray(r) for r in results
        )
        updates = int(updates)
        elapsed = time.perf_counter() - start
        if traced:
            history.compile_seconds = (history.compile_seconds or 0.0) + elapsed
        elif ok and updates:
            history.call_timings.append((elapsed, updates))
        totals += [loss_sum, weight_sum, norm_sum]
        updates_in_epoch, history.steps = updates_in_epoch + updates, history.steps + updates
        if ok and totals[1] > 0:
            progress.update(epoch, history.steps, float(totals[0] / totals[1]))
        if not ok:
            history.diverged = _divergence_message(
                history.steps + 1,
                epoch + 1,
                float(bad_loss),
                float(bad_norm),
                step.optimizer,
                settings.clip_norm,
            )
            break
    return (*(float(total) for total in totals), updates_in_epoch)


def _run_epochs(step, data, held_out, settings, history):
    """Train for `settings.epochs` epochs (fewer on divergence), recording and printing; the live
    display of `progress.py` is emptied at the end, whatever happens."""
    progress = TrainingProgress(settings.epochs)
    try:
        _run_epochs_shown(step, data, held_out, settings, history, progress)
    finally:
        progress.close()


def _run_epochs_shown(step, data, held_out, settings, history, progress):
    rng = np.random.default_rng(settings.seed)
    batches = data.batches
    for epoch in range(settings.epochs):
        order = (
            rng.permutation(batches.examples) if settings.shuffle else np.arange(batches.examples)
        )
        loss_total, weight_total, norm_total, updates = _run_epoch(
            step, batches, order, history, epoch, settings, progress
        )
        if updates:
            values = {"loss": loss_total / max(weight_total, 1e-12)}
            values.update({metric.name: float(metric.result()) for metric in step.metrics})
            if held_out is not None and history.diverged is None:
                values.update(
                    {
                        f"val_{name}": value
                        for name, value in held_out[0].evaluate(held_out[1]).items()
                    }
                )
            values["grad_norm"] = norm_total / updates
            for name, value in values.items():
                history.history.setdefault(name, []).append(value)
            history.epoch.append(epoch)
            last = epoch == settings.epochs - 1 or history.diverged is not None
            if (settings.log_every is not None and (epoch + 1) % settings.log_every == 0) or last:
                shown = {k: v for k, v in values.items() if k != "grad_norm"}
                print(f"epoch {epoch + 1}/{settings.epochs} | {_format_metrics(shown)}")
        if history.diverged is not None:
            print(history.diverged)
            break


def _format_metrics(values):
    return " | ".join(f"{name} {value:.4g}" for name, value in values.items())


def _divergence_message(step, epoch, loss, grad_norm, optimizer, clip_norm):
    if step == 1:  # no update was ever applied: the weights did not blow up, the data is wrong
        return (
            f"Training stopped at step 1 (epoch 1): loss {loss:.4g}, gradient norm "
            f"{grad_norm:.4g} is not finite before any update was applied, so the cause is not "
            "exploding gradients. Likely cause: the inputs or labels of the first batch: NaN or "
            "Inf in x or y, a label outside the classes the model outputs, or a loss that does "
            "not fit the labels (e.g. log of 0). Check them with np.isfinite and y.min(), y.max()."
        )
    learning_rate = optimizer.learning_rate
    learning_rate = float(learning_rate.numpy()) if hasattr(learning_rate, "numpy") else None
    advice = (
        "a lower learning rate"
        if clip_norm is not None
        else "gradient clipping (clip_norm=1.0) or a lower learning rate"
    )
    rate = f" (learning rate {learning_rate:.4g})" if learning_rate is not None else ""
    return (
        f"Training stopped at step {step} (epoch {epoch}): loss {loss:.4g}, gradient norm "
        f"{grad_norm:.4g} is not finite. The update of that step was not applied. Likely "
        f"cause: exploding gradients{rate}; try {advice}."
    )


# -- 5. finish the history --------------------------------------------------------------------
def _finish(history, step, held_out):
    history.xla_used = step.xla_used and (held_out is None or held_out[0].xla_used)
    if history.call_timings:
        history.seconds_per_step = float(np.median([t / n for t, n in history.call_timings]))
    return history


# -- the entry points -------------------------------------------------------------------------
def train(
    model,
    x,
    y=None,
    *,
    loss,
    optimizer="adam",
    learning_rate=1e-3,
    metrics=("accuracy",),
    epochs=1,
    batch_size=32,
    validation_data=None,
    shuffle=True,
    seed=0,
    clip_norm=None,
    clip_value=None,
    tbptt_length=None,
    steps_per_call=None,
    log_every=None,
    jit_compile=True,
    fast_rnn=True,
    labels=None,
    state_inputs=None,
):
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
        metrics: metric names (`"accuracy"` follows what the loss expects of its labels,
            `course_utils.training.rules`), metric objects or callables.
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
            loop of `course_utils.training.fast_loop` (same weights and results up to float
            rounding); False keeps Keras's step-by-step loop.
        labels: what the loss expects of `y`, for a custom loss that does not say it itself:
            "sparse", "categorical", "binary" or "regression" (None: the loss's `labels`
            attribute, the table of Keras losses, or labels passed as given).
        state_inputs: how many model inputs after the data inputs take initial recurrent states
            (None: with `tbptt_length` all of them, else none).

    Returns:
        A `TrainingHistory` (`.history`, `.xla_used`, `.diverged`, `.seconds_per_step`, ...).

    Example:
        history = train(model, x, y, loss="mse", metrics=("mae",), epochs=3)  # x (n, time, 1)
        history.history["loss"]  # [3 floats]
    """
    settings = _settings(
        epochs=epochs,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        clip_norm=clip_norm,
        clip_value=clip_value,
        tbptt_length=tbptt_length,
        steps_per_call=steps_per_call,
        log_every=log_every,
        learning_rate=learning_rate,
        jit_compile=jit_compile,
        fast_rnn=fast_rnn,
    )
    if loss is None:
        validation.fail("loss", "a Keras loss name, a keras.losses.Loss or a callable", loss)
    data = lay_out(
        model,
        x,
        y,
        batch_size=settings.batch_size,
        state_inputs=state_inputs,
        steps_per_call=settings.steps_per_call,
        tbptt_length=settings.tbptt_length,
    )
    held_out = held_out_data(model, validation_data, data)
    strategy = model_strategy(model)
    if strategy:
        check_batch_size(strategy, data.batches.batch_size)
    with strategy.scope() if strategy else contextlib.nullcontext():
        setup = _resolve(loss, metrics, labels, data, optimizer, settings.learning_rate)
        step = _training_step(model, strategy, setup, data, settings)
    if held_out is not None:
        held_out_setup = _resolve(loss, metrics, labels, held_out, name="validation_data's y")
        held_out = (_evaluation_step(model, held_out_setup, held_out, settings), held_out.batches)
    history = TrainingHistory()
    batches = data.batches
    history.params = {
        "epochs": settings.epochs,
        "batch_size": batches.batch_size,
        "steps": batches.steps,
        "steps_per_call": batches.steps_per_call,
        "tbptt_length": settings.tbptt_length,
        "fast_rnn": settings.fast_rnn,
        "replicas": step.replicas,
    }
    _run_epochs(step, data, held_out, settings, history)
    return _finish(history, step, held_out)


def evaluate(
    model,
    x,
    y=None,
    *,
    loss=None,
    metrics=("accuracy",),
    batch_size=DEFAULT_EVAL_BATCH_SIZE,
    jit_compile=True,
    fast_rnn=True,
    labels=None,
    state_inputs=None,
):
    """Evaluate `model` on `(x, y)` with the same compiled machinery as `train`.

    Args:
        model: a `keras.Model` (an explicit-state model runs from zero states).
        x, y: as in `train` (arrays or a Dataset of `(x, y)` with `y=None`).
        loss: optional loss to report under `"loss"`.
        metrics: metric names, objects or callables (as in `train`).
        batch_size: examples per batch.
        jit_compile: False only to compare with a run without XLA.
        fast_rnn, labels, state_inputs: as in `train`.

    Returns:
        dict name -> float, e.g. `{"loss": 0.41, "accuracy": 0.87}`.
    """
    settings = Settings(
        batch_size=validation.integer(batch_size, "batch_size", minimum=1),
        jit_compile=validation.flag(jit_compile, "jit_compile"),
        fast_rnn=validation.flag(fast_rnn, "fast_rnn"),
    )
    data = lay_out(model, x, y, batch_size=settings.batch_size, state_inputs=state_inputs)
    setup = _resolve(loss, metrics, labels, data)
    return _evaluation_step(model, setup, data, settings).evaluate(data.batches)
