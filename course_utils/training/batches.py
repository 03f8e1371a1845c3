"""The data of a `train` or `evaluate` call: checked arrays, laid out in stacked batches.

`lay_out(model, x, y, ...)` checks the arrays (or reads a `tf.data.Dataset` of `(x, y)` batches
once), finds the model's state inputs by the rule of `course_utils.training.rules`, builds the
model with one eager call on two examples, and returns a `Data`: the `Batches` that cut the
arrays into calls of N = `steps_per_call` stacked batches, x (N, batch, ...), the last batch
padded with zero weights so that one compiled shape serves the whole run.

Example:
    data = lay_out(model, x, y, batch_size=32, steps_per_call=20)   # x (n, ...), y (n, ...)
    for x_call, y_call, weights, count in data.batches.calls(np.arange(len(y))):
        ...                                                          # x_call[0]: (20, 32, ...)
"""

import dataclasses
import math

import numpy as np
import tensorflow as tf

from course_utils import validation
from course_utils.training import rules

DEFAULT_STEPS_PER_CALL = 50  # optimizer steps fused into one compiled call when not given


def as_list(x):
    """x itself if it is a list or tuple (as a list), else [x]."""
    return list(x) if isinstance(x, (list, tuple)) else [x]


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
        index[: self.examples] = order
        weights = np.zeros(total, dtype=np.float32)
        weights[: self.examples] = 1.0
        shape = (-1, self.steps_per_call, self.batch_size)
        xs = [a[index].reshape(shape + a.shape[1:]) for a in self.xs]
        y = self.y[index].reshape(shape + self.y.shape[1:])
        weights = weights.reshape(shape)
        for call in range(len(weights)):
            steps = min(self.steps_per_call, self.steps - call * self.steps_per_call)
            yield [a[call] for a in xs], y[call], weights[call], steps


@dataclasses.dataclass
class Data:
    """The checked arrays of one call, laid out for the compiled steps."""

    batches: Batches
    batch_size: int  # as asked (or the Dataset's), before `Batches` caps it at the examples
    state_specs: list
    as_tuple: bool  # several data inputs given as a tuple are passed on as one
    prediction_shape: tuple


def as_arrays(x, y, what):
    """(input arrays, labels, the Dataset's batch size or None); a Dataset is read once."""
    if isinstance(x, tf.data.Dataset):
        if y is not None:
            validation.fail("y", f"None when `{what}` is a tf.data.Dataset of (x, y) pairs", y)
        batches = list(x.as_numpy_iterator())
        if not batches or not isinstance(batches[0], tuple) or len(batches[0]) != 2:
            validation.fail(what, "a tf.data.Dataset of (x, y) pairs", x.element_spec)
        try:
            xs = [np.concatenate(parts) for parts in zip(*[as_list(b[0]) for b in batches])]
            y = np.concatenate([b[1] for b in batches])
        except ValueError as error:
            validation.fail_described(
                what,
                "a Dataset whose batches agree in shape beyond the "
                "batch axis (pad the sequences to one length)",
                error,
            )
        return xs, y, len(batches[0][1])
    xs = [np.asarray(a) for a in as_list(x)]
    if y is None:
        validation.fail("y", f"an array of targets when `{what}` is an array", y)
    y = np.asarray(y)
    names = [what] if not isinstance(x, (list, tuple)) else [f"{what}[{i}]" for i in range(len(xs))]
    for name, a in zip(names, xs):
        if a.ndim == 0 or len(a) != len(y):
            validation.fail_described(
                "y",
                f"{len(a) if a.ndim else 0} examples long, as many as `{name}` (shapes "
                f"{a.shape} and {y.shape} must agree on axis 0)",
                f"{len(y)} examples",
            )
    for name, a in [*zip(names, xs), ("y", y)]:
        if np.issubdtype(a.dtype, np.floating) and not np.isfinite(a).all():
            validation.fail_described(
                name,
                "finite everywhere (check how the data was made or normalised)",
                f"{np.size(a) - np.isfinite(a).sum()} NaN or Inf value(s)",
            )
    return xs, y, None


def float32(a):
    return a.astype(np.float32) if np.issubdtype(a.dtype, np.floating) else a


def lay_out(
    model, x, y, *, batch_size, steps_per_call=None, state_inputs=None, tbptt_length=None, what="x"
):
    """`Data` for (x, y): checked arrays, state specs, batches; one eager call on two examples
    builds the model and gives the prediction's shape."""
    xs, y, dataset_batch_size = as_arrays(x, y, what)
    xs, y = [float32(a) for a in xs], float32(y)
    state_specs = rules.state_input_specs(model, len(xs), state_inputs, tbptt_length)
    if tbptt_length is not None:
        if not state_specs:
            validation.fail_described(
                "tbptt_length",
                "None for a model without state inputs (truncated BPTT needs the "
                "explicit-state contract, see course_utils.training.engine); this model has "
                f"{len(getattr(model, 'inputs', None) or [])} input(s) for {len(xs)} data "
                "input(s)",
                tbptt_length,
            )
        lengths = {a.shape[1] if a.ndim > 1 else None for a in xs + [y]}
        if len(lengths) != 1 or None in lengths:
            validation.fail_described(
                "y",
                "as long on time axis 1 as every data input (truncated BPTT cuts that axis)",
                f"shapes {[a.shape for a in xs]} and {y.shape}",
            )
    sample = [a[:2] for a in xs] + [
        np.zeros((min(2, len(y)),) + shape, str(dtype)) for shape, dtype in state_specs
    ]
    if len(sample) == 1:
        sample = sample[0]
    elif isinstance(x, tuple) and not state_specs:
        sample = tuple(sample)
    prediction = model(sample, training=False)
    prediction = prediction[0] if state_specs else prediction
    batch_size = dataset_batch_size or batch_size
    return Data(
        batches=Batches(xs, y, batch_size, steps_per_call),
        batch_size=batch_size,
        state_specs=state_specs,
        as_tuple=isinstance(x, tuple),
        prediction_shape=tuple(prediction.shape),
    )


def held_out_data(model, validation_data, data):
    """`Data` of `validation_data` ((x, y) or a Dataset) with the batch size and state inputs of
    the training `data`, or None."""
    if validation_data is None:
        return None
    if isinstance(validation_data, tf.data.Dataset):
        val_x, val_y = validation_data, None
    elif isinstance(validation_data, (tuple, list)) and len(validation_data) == 2:
        val_x, val_y = validation_data
    else:
        length = len(validation_data) if hasattr(validation_data, "__len__") else "?"
        validation.fail_described(
            "validation_data",
            "(x_val, y_val) or a tf.data.Dataset of (x, y) batches",
            f"{type(validation_data).__name__} of length {length}",
        )
    return lay_out(
        model,
        val_x,
        val_y,
        batch_size=data.batch_size,
        state_inputs=len(data.state_specs),
        what="validation x",
    )
