"""The explicit rules of `train` and `evaluate`: what a loss expects of its labels, which accuracy
follows from that, and which model inputs are recurrent states. Nothing is guessed from a name.

Labels. Every loss has one of four label kinds (`LABEL_KINDS`):

    "sparse"       integer class ids, one axis fewer than the scores
    "categorical"  one-hot or probability rows shaped like the scores
    "binary"       0/1 targets, one score per target
    "regression"   real-valued targets

The kind of a loss is, in this order: the `labels=` argument of `train`/`evaluate`; the loss's
own `labels` attribute (how a custom loss states it: `my_loss.labels = "sparse"`, or a class
attribute of a `keras.losses.Loss` subclass); the table `KERAS_LOSS_LABELS` of the built-in Keras
losses (exact classes, and the functions `keras.losses.get` returns for names such as "mse");
else None. Labels of a "sparse" loss, and of a loss of unknown kind, are passed to it as given
(integer ids stay integers); the other kinds are cast to the prediction's dtype, as Keras does.

Accuracy. `"accuracy"` in `metrics` becomes SparseCategoricalAccuracy, CategoricalAccuracy or
BinaryAccuracy (threshold 0 for a loss `from_logits`, else 0.5) by the label kind; a regression
loss has no accuracy (an ArgumentError says so). For a loss of unknown kind it follows the rule
of Keras's `model.compile`: one score per target -> binary; labels with one axis fewer than the
scores, or a last axis of 1 -> sparse; else categorical.

State inputs (the explicit-state contract of truncated BPTT, see `course_utils.training.engine`).
A model takes its data inputs first (as many as the arrays in `x`), then `state_inputs` inputs
for the initial recurrent states, and returns the prediction followed by one final state per
state input. `state_inputs` is declared: by the `state_inputs=` argument, or by `tbptt_length`
(then every model input after the data inputs is a state). A model with more inputs than `x`
holds and no declaration is an ArgumentError naming both ways out.
"""

import keras
import numpy as np

from course_utils import validation

LABEL_KINDS = ("sparse", "categorical", "binary", "regression")
L = keras.losses
KERAS_LOSS_LABELS = {
    L.SparseCategoricalCrossentropy: "sparse",
    L.CategoricalCrossentropy: "categorical",
    L.CategoricalFocalCrossentropy: "categorical",
    L.CategoricalHinge: "categorical",
    L.KLDivergence: "categorical",
    L.BinaryCrossentropy: "binary",
    L.BinaryFocalCrossentropy: "binary",
    L.Hinge: "binary",
    L.SquaredHinge: "binary",
    L.MeanSquaredError: "regression",
    L.MeanAbsoluteError: "regression",
    L.MeanAbsolutePercentageError: "regression",
    L.MeanSquaredLogarithmicError: "regression",
    L.Huber: "regression",
    L.LogCosh: "regression",
    L.CosineSimilarity: "regression",
    L.Poisson: "regression",
}
# the function behind each class: what `keras.losses.get("mse")` and friends return
_KERAS_FUNCTION_LABELS = {cls().fn: kind for cls, kind in KERAS_LOSS_LABELS.items()}
del L


# -- losses ------------------------------------------------------------------------------------
def as_keras_loss(loss):
    """A Keras loss name resolved with `keras.losses.get`; a loss object or callable as it is."""
    if loss is None or not isinstance(loss, str):
        if loss is not None and not callable(loss):
            validation.fail("loss", "a Keras loss name, a keras.losses.Loss or a callable", loss)
        return loss
    try:
        return keras.losses.get(loss)
    except ValueError:
        validation.fail(
            "loss",
            "a Keras loss name such as 'mse' or 'binary_crossentropy', a "
            "keras.losses.Loss or a callable",
            loss,
        )


def label_kind(loss, labels=None):
    """What `loss` (resolved by `as_keras_loss`) expects of its labels: one of LABEL_KINDS, or
    None when neither the caller, the loss nor the Keras table says (labels passed as given)."""
    if labels is not None:
        return validation.one_of(labels, "labels", LABEL_KINDS)
    stated = getattr(loss, "labels", None)
    if stated is not None:
        return validation.one_of(stated, f"{loss_name(loss)}.labels", LABEL_KINDS)
    if type(loss) in KERAS_LOSS_LABELS:
        return KERAS_LOSS_LABELS[type(loss)]
    if not isinstance(loss, keras.losses.Loss):
        return _KERAS_FUNCTION_LABELS.get(loss)
    return None


def loss_name(loss):
    if isinstance(loss, keras.losses.Loss):
        return getattr(getattr(loss, "fn", None), "__name__", type(loss).__name__)
    return getattr(loss, "__name__", type(loss).__name__)


def loss_function(loss, kind):
    """fn(y_true, y_pred) -> per-sample (or per-time-step) loss values, None for no loss.

    A `keras.losses.Loss` contributes its unreduced `call`; the engine weights and reduces."""
    if loss is None:
        return None
    unreduced = loss.call if isinstance(loss, keras.losses.Loss) else loss
    if kind in (None, "sparse"):
        return unreduced

    def cast_labels(y_true, y_pred):
        return unreduced(keras.ops.cast(y_true, y_pred.dtype), y_pred)

    return cast_labels


# -- metrics -----------------------------------------------------------------------------------
def accuracy_metric(kind, loss, y_shape, prediction_shape):
    """The accuracy for this label kind (module docstring); Keras's shape rule for kind None."""
    if kind == "regression":
        validation.fail(
            "metrics",
            f"free of 'accuracy' with the regression loss "
            f"{loss_name(loss)} (accuracy needs class labels); pass metrics=() or "
            "e.g. ('mae',)",
            "accuracy",
        )
    if kind is None:
        scores, y_shape = tuple(prediction_shape), tuple(y_shape)
        kind = (
            "binary"
            if scores[-1] == 1
            else "sparse"
            if len(y_shape) < len(scores) or y_shape[-1:] == (1,)
            else "categorical"
        )
    if kind == "sparse":
        return keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    if kind == "categorical":
        return keras.metrics.CategoricalAccuracy(name="accuracy")
    config = getattr(loss, "get_config", dict)()
    return keras.metrics.BinaryAccuracy(
        name="accuracy", threshold=0.0 if config.get("from_logits", False) else 0.5
    )


def resolve_metrics(metrics, kind, loss, y_shape, prediction_shape):
    """Metric objects for `metrics` (names, metric objects or callables)."""
    resolved = []
    for metric in metrics or ():
        if metric in ("accuracy", "acc"):
            resolved.append(accuracy_metric(kind, loss, y_shape, prediction_shape))
        elif isinstance(metric, keras.metrics.Metric):
            resolved.append(metric)
        elif isinstance(metric, str):
            try:
                resolved.append(keras.metrics.get(metric))
            except ValueError:
                validation.fail(
                    "metrics",
                    "Keras metric names, keras.metrics.Metric objects or callables",
                    metric,
                )
            resolved[-1].name = metric
        elif callable(metric):
            resolved.append(keras.metrics.MeanMetricWrapper(metric, name=metric.__name__))
        else:
            validation.fail(
                "metrics", "Keras metric names, keras.metrics.Metric objects or callables", metric
            )
    return resolved


# -- optimizer ---------------------------------------------------------------------------------
def resolve_optimizer(optimizer, learning_rate):
    """An optimizer object: a name built with `learning_rate`, an object used as it is (its own
    learning rate, and its state when reused, win)."""
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    if not isinstance(optimizer, str):
        validation.fail(
            "optimizer", "a Keras optimizer name or a keras.optimizers.Optimizer", optimizer
        )
    try:
        return keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        )
    except ValueError:
        validation.fail(
            "optimizer",
            "a Keras optimizer name such as 'adam' or 'sgd', or a keras.optimizers.Optimizer",
            optimizer,
        )


# -- state inputs ------------------------------------------------------------------------------
def state_input_specs(model, data_inputs, state_inputs=None, tbptt_length=None):
    """[(shape, dtype)] of the model's state inputs under the explicit-state contract (module
    docstring); [] for a model without them."""
    inputs = list(getattr(model, "inputs", None) or [])
    if state_inputs is None:
        state_inputs = max(len(inputs) - data_inputs, 0) if tbptt_length is not None else 0
    state_inputs = validation.integer(state_inputs, "state_inputs", minimum=0)
    if inputs and len(inputs) > data_inputs + state_inputs:
        missing = len(inputs) - data_inputs - state_inputs
        validation.fail_described(
            "x",
            f"{len(inputs) - state_inputs} array(s), one per data input of the model "
            f"({len(inputs)} inputs; if the last {missing} take initial recurrent states, declare "
            f"them with state_inputs={missing})",
            f"{data_inputs} array(s)",
        )
    if state_inputs and len(inputs) != data_inputs + state_inputs:
        validation.fail(
            "state_inputs",
            f"the number of model inputs after the {data_inputs} "
            f"data input(s) ({len(inputs) - data_inputs} for this model)",
            state_inputs,
        )
    if not state_inputs:
        return []
    outputs = list(model.outputs) if isinstance(model.outputs, (list, tuple)) else [model.outputs]
    specs = [(tuple(t.shape[1:]), t.dtype) for t in inputs[data_inputs:]]
    if len(outputs) != 1 + len(specs):
        validation.fail_described(
            "model",
            f"a model returning 1 + {len(specs)} outputs (prediction, final states) for "
            f"its {len(specs)} state input(s)",
            f"{len(outputs)} outputs",
        )
    if any(None in shape for shape, _ in specs):
        validation.fail(
            "model",
            "state inputs of a fixed shape besides the batch axis",
            [shape for shape, _ in specs],
        )
    return specs


def check_class_labels(loss, kind, labels, classes, name="y"):
    """Sparse labels for a Keras loss: whole numbers in [0, classes) (or the loss's `ignore_class`).

    Checked before the compiled step, where XLA would turn a label outside the classes into a NaN
    loss at the first step (or, in a gather, silently into another class).
    """
    if kind != "sparse" or type(loss) not in KERAS_LOSS_LABELS and loss not in (
        _KERAS_FUNCTION_LABELS
    ):
        return
    labels = np.asarray(labels)
    if labels.dtype.kind == "f" and np.all(np.isfinite(labels)):
        if np.any(labels != np.round(labels)):
            validation.fail(name, f"whole-number class labels for {loss_name(loss)}", labels)
    elif labels.dtype.kind not in "iu":
        validation.fail(name, f"integer class labels for {loss_name(loss)}", labels)
    ignore = loss.get_config().get("ignore_class") if isinstance(loss, keras.losses.Loss) else None
    outside = (labels < 0) | (labels >= classes)
    if ignore is not None:
        outside &= labels != ignore
    if np.any(outside):
        raise validation.ArgumentError(
            f"`{name}` must hold class labels in [0, {classes}) (the model outputs {classes} "
            f"classes), got {labels[outside][0]:g} ({int(outside.sum())} of {labels.size} labels "
            "outside)"
        )
