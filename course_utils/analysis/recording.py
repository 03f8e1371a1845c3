"""Record a cell's gate activations and states over a sequence, for plots and experiments.

`record_gates` runs the cell's own `step` method (the same code `call()` uses inside
`keras.layers.RNN`, so there is no second copy of the equations) in a plain Python loop over
time and stacks every entry of the gates dict:

    LSTMCell       input, forget, candidate, output, cell, hidden
    GRUCell        update, reset, candidate, hidden
    SimpleRNNCell  hidden
    LeakyRNNCell   candidate, hidden;  SkipRNNCell  hidden

Example:
    layer = keras.layers.RNN(LSTMCell(16), return_sequences=True)
    gates = record_gates(layer, embedded)  # embedded: (batch, time, features)
    gates["forget"].shape                  # (batch, time, 16), a NumPy array
"""

import numpy as np
from keras import ops

from course_utils.validation import shape

__all__ = ["record_gates"]


def _unwrap(rnn_layer_or_cell):
    """Return `(cell, go_backwards)` for a course cell or a `keras.layers.RNN` holding one."""
    cell = getattr(rnn_layer_or_cell, "cell", rnn_layer_or_cell)
    go_backwards = bool(getattr(rnn_layer_or_cell, "go_backwards", False))
    if not callable(getattr(cell, "step", None)):
        raise TypeError(
            f"record_gates needs a course_utils cell (or keras.layers.RNN holding one) with a "
            f"`step` method, got {type(rnn_layer_or_cell).__name__} holding "
            f"{type(cell).__name__}; Keras's built-in cells cannot report their gates -- copy "
            "their weights into course_utils.LSTMCell / GRUCell / SimpleRNNCell instead"
        )
    return cell, go_backwards


def record_gates(rnn_layer_or_cell, inputs, initial_state=None, mask=None, training=False):
    """Run a cell step by step over `inputs` and return its gates and states as NumPy arrays.

    Args:
        rnn_layer_or_cell: a course cell (`LSTMCell`, `GRUCell`, `SimpleRNNCell`, `LeakyRNNCell`,
            `SkipRNNCell`) or a `keras.layers.RNN` wrapping one. An unbuilt cell is built.
        inputs: (batch, time, features) array, e.g. the output of the model's Embedding layer.
        initial_state: None (zeros) or a list with one (batch, size) array per cell state,
            as for `keras.layers.RNN(...)(inputs, initial_state=...)`.
        mask: None or a (batch, time) boolean array; at masked steps the states carry over
            unchanged (as in `keras.layers.RNN`) and every recorded value is NaN, so a heat map
            shows padding as blank.
        training: run with the cell's dropout masks (default False).

    Returns:
        dict gate name -> float array (batch, time, units). Index t is input position t, also
        for an RNN with `go_backwards=True` (whose own `return_sequences` output is reversed).
        Without a mask, `["hidden"]` equals the layer's `return_sequences=True` output.
    """
    cell, go_backwards = _unwrap(rnn_layer_or_cell)
    inputs = np.asarray(inputs)
    batch, time, features = shape(inputs.shape, "inputs", ("batch", "time", "features"))
    if time < 1:
        raise ValueError(f"inputs must have at least one time step, got shape {inputs.shape}")
    if not cell.built:
        cell.build((batch, features))
        cell.built = True
    if mask is not None:
        mask = np.asarray(mask).astype(bool)
        shape(mask.shape, "mask", (batch, time))
    sequence = ops.convert_to_tensor(inputs, dtype=cell.compute_dtype)

    states = cell.get_initial_state(batch_size=batch)
    if initial_state is not None:
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        expected = [tuple(ops.shape(state)) for state in states]
        received = [tuple(np.shape(state)) for state in given]
        if received != expected:
            raise ValueError(
                f"initial_state must be {len(expected)} array(s) of shapes {expected} for "
                f"{type(cell).__name__}, got shapes {received}"
            )
        states = [ops.convert_to_tensor(state, dtype=cell.compute_dtype) for state in given]

    uses_masks = training and hasattr(cell, "get_dropout_mask")
    if uses_masks:  # one mask per sequence, as keras.layers.RNN does
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
        cell.get_dropout_mask(sequence[:, 0])
        cell.get_recurrent_dropout_mask(states[0])
    records = {}
    order = range(time - 1, -1, -1) if go_backwards else range(time)
    try:
        for t in order:
            _, new_states, gates = cell.step(sequence[:, t], states, training=training)
            if mask is not None:
                keep = ops.convert_to_tensor(mask[:, t : t + 1])  # (batch, 1)
                new_states = [ops.where(keep, new, old) for new, old in zip(new_states, states)]
                gates = {
                    name: np.where(mask[:, t : t + 1], ops.convert_to_numpy(value), np.nan)
                    for name, value in gates.items()
                }
            for name, value in gates.items():
                records.setdefault(name, [None] * time)[t] = ops.convert_to_numpy(value)
            states = list(new_states)
    finally:
        if uses_masks:
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
    return {name: np.stack(values, axis=1) for name, values in records.items()}
