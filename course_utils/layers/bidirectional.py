"""A bidirectional wrapper written from scratch: one recurrent layer reads left to right, a copy
reads right to left, and their outputs are merged at every time step.

`Bidirectional` works with any recurrent layer (`keras.layers.RNN` with any cell, `SimpleRNN`,
`GRU`, `LSTM`, ...): nothing in the idea is specific to LSTMs. With the same weights it returns
exactly what `keras.layers.Bidirectional` returns, for every merge mode, with and without a mask.

How the backward pass handles padding. The backward layer reads the time-reversed sequence and
its output is reversed back, so that position t holds the summary of x_t, ..., x_T. A right-padded
sequence `[a, b, c, pad, pad]` reversed is `[pad, pad, c, b, a]`: the padding now comes *first*.
The mask is reversed with it and the wrapped layer skips masked steps (its state stays at the
initial state), so the backward pass effectively starts at `c`, the last real token. Without a
mask the backward layer would read the padding before the real tokens and start from a state
that depends on how much padding there is; see `reverse_padded_sequences` for the alternative of
reversing only the real steps of each sequence.

Reference: Schuster & Paliwal, "Bidirectional recurrent neural networks", IEEE Trans. Signal
Processing 45(11), 1997.
"""

import copy

import keras
from keras import ops

from course_utils.validation import one_of, shape

__all__ = ["Bidirectional", "MERGE_MODES", "reverse_padded_sequences"]

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def reverse_padded_sequences(sequences, lengths):
    """Reverse the first `lengths[b]` steps of every sequence and leave the padding where it is.

    `[a, b, c, pad, pad]` with length 3 becomes `[c, b, a, pad, pad]`. Reversing twice gives the
    input back.

    Args:
        sequences: tensor of shape (batch, time, ...).
        lengths: int tensor of shape (batch,), the number of real steps of each sequence.

    Returns:
        Tensor of the same shape and dtype as `sequences`.

    Example:
        x = np.arange(6.0).reshape(2, 3, 1)          # (2, 3, 1)
        reverse_padded_sequences(x, [2, 3])[..., 0]  # [[1, 0, 2], [5, 4, 3]]
    """
    sequences = ops.convert_to_tensor(sequences)
    lengths = ops.cast(ops.convert_to_tensor(lengths), "int32")
    time = ops.shape(sequences)[1]
    steps = ops.arange(time, dtype="int32")[None, :]  # (1, time)
    source = lengths[:, None] - 1 - steps  # (batch, time): where each output step reads from
    source = ops.where(steps < lengths[:, None], source, steps)
    for _ in range(len(sequences.shape) - 2):
        source = source[..., None]  # broadcast over the feature axes
    return ops.take_along_axis(sequences, ops.broadcast_to(source, ops.shape(sequences)), axis=1)


def _clone_layer(layer, name):
    """A fresh copy of `layer` (same config, new weights) with a new name."""
    config = keras.layers.serialize(layer)
    config = copy.deepcopy(config)
    config["config"]["name"] = name
    return keras.layers.deserialize(config)


@keras.saving.register_keras_serializable(package="course_utils")
class Bidirectional(keras.layers.Layer):
    """Run a recurrent layer forwards and a copy of it backwards, and merge their outputs.

    The forward layer computes h→_t from x_1..x_t; the backward layer, a copy with its own
    weights, reads the reversed sequence and so computes h←_t from x_T..x_t. The output at step
    t combines both, so every position sees the whole sequence. Because h←_1 needs x_T, the
    whole sequence must be known before the first output: a bidirectional layer is for offline
    tasks (tagging a finished sentence), not for real-time prediction of the next step.

    Args:
        layer: a recurrent layer instance with `return_sequences` and `return_state`
            attributes, e.g. `keras.layers.RNN(cell)`, `keras.layers.GRU(8)`. It is used as a
            template: the wrapper builds two fresh copies from its config (weights are not
            shared with it or between the directions).
        merge_mode: how to combine the two outputs: "concat" (default, width 2·units), "sum",
            "mul", "ave" (width units) or None (return both, as a list).
        backward_layer: optional layer to use for the backward direction instead of a copy
            of `layer` (it must agree with `layer` on `return_sequences` and `return_state`
            and must not have `go_backwards=True`: the wrapper reverses the sequence itself).
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`).

    Call arguments:
        sequences: tensor (batch, time, features).
        initial_state: optional list of states: the forward layer's states followed by the
            backward layer's.
        mask: optional boolean tensor (batch, time); True marks real steps.
        training: passed to both layers (dropout).

    Returns:
        The merged outputs: (batch, time, width) if `return_sequences` else (batch, width);
        with `merge_mode=None` the list [forward, backward]; with `return_state` the outputs
        followed by the forward layer's final states and then the backward layer's.

    Example:
        bi = Bidirectional(keras.layers.GRU(16, return_sequences=True))
        y = bi(np.zeros((4, 10, 3), "float32"))  # (4, 10, 32)
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        if not isinstance(layer, keras.layers.Layer):
            raise TypeError(
                f"layer must be a Keras recurrent layer instance, got {type(layer).__name__}: "
                f"{layer!r:.80}"
            )
        for attribute in ("return_sequences", "return_state"):
            if not hasattr(layer, attribute):
                raise ValueError(
                    f"layer {layer.name!r} ({type(layer).__name__}) has no `{attribute}` "
                    "attribute; expected a recurrent layer such as keras.layers.RNN(cell) or "
                    "keras.layers.LSTM"
                )
        one_of(merge_mode, "merge_mode", MERGE_MODES)
        if getattr(layer, "stateful", False):
            raise ValueError(
                f"layer {layer.name!r} is stateful; Bidirectional needs the whole sequence at "
                "once, so stateful=False is expected"
            )
        if getattr(layer, "go_backwards", False):
            raise ValueError(
                f"layer {layer.name!r} has go_backwards=True; pass the forward layer, the wrapper "
                "reverses the sequence for the backward copy itself"
            )
        super().__init__(**kwargs)
        base_name = layer.name.removeprefix("forward_")
        self.forward_layer = _clone_layer(layer, f"forward_{base_name}")
        if backward_layer is None:
            self.backward_layer = _clone_layer(layer, f"backward_{base_name}")
        else:
            if not isinstance(backward_layer, keras.layers.Layer):
                raise TypeError(
                    f"backward_layer must be a Keras layer instance, got "
                    f"{type(backward_layer).__name__}"
                )
            for attribute in ("return_sequences", "return_state"):
                mine, theirs = getattr(layer, attribute), getattr(backward_layer, attribute, None)
                if mine != theirs:
                    raise ValueError(
                        f"backward_layer.{attribute}={theirs!r} but layer.{attribute}={mine!r}; "
                        "expected the same value"
                    )
            if getattr(backward_layer, "go_backwards", False):
                raise ValueError(
                    "backward_layer has go_backwards=True; expected False, the wrapper reverses "
                    "the sequence itself"
                )
            self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        # Padded steps give zeros in the merged sequence (as keras.layers.Bidirectional does).
        for direction in (self.forward_layer, self.backward_layer):
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.supports_masking = True

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = shape(sequences_shape, "inputs", ("batch", "time", "features"))
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction.build(sequences_shape)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        reversed_sequences = ops.flip(sequences, axis=1)  # x_T, ..., x_1
        reversed_mask = None if mask is None else ops.flip(mask, axis=1)
        forward = self.forward_layer(
            sequences, initial_state=forward_state, mask=mask, training=training
        )
        backward = self.backward_layer(
            reversed_sequences, initial_state=backward_state, mask=reversed_mask, training=training
        )
        states = ()
        if self.return_state:
            states = tuple(forward[1:]) + tuple(backward[1:])
            forward, backward = forward[0], backward[0]
        if self.return_sequences:
            backward = ops.flip(backward, axis=1)  # step t now holds the summary of x_t..x_T
        output = self.merge(forward, backward)
        if self.return_state:
            return (list(output) if self.merge_mode is None else [output]) + list(states)
        return output

    def merge(self, forward, backward):
        """Combine the two directions' outputs according to `merge_mode`."""
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "mul":
            return forward * backward
        if self.merge_mode == "ave":
            return (forward + backward) / 2
        return [forward, backward]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shapes = self.forward_layer.compute_output_shape(sequences_shape)
        if self.return_state:
            output_shape, state_shapes = shapes[0], list(shapes[1:])
        else:
            output_shape, state_shapes = shapes, []
        if self.merge_mode == "concat":
            output_shape = tuple(output_shape[:-1]) + (output_shape[-1] * 2,)
        outputs = [tuple(output_shape)] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            return outputs + state_shapes + state_shapes
        return outputs if self.merge_mode is None else outputs[0]

    def compute_mask(self, sequences, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        output_masks = [output_mask] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            states = len(getattr(self.forward_layer, "state_size", None) or [None])
            return output_masks + [None] * (2 * states)
        return output_masks if self.merge_mode is None else output_mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "layer": keras.layers.serialize(self.forward_layer),
                "backward_layer": keras.layers.serialize(self.backward_layer),
                "merge_mode": self.merge_mode,
            }
        )
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        config["layer"] = keras.layers.deserialize(config["layer"], custom_objects=custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = keras.layers.deserialize(
                config["backward_layer"], custom_objects=custom_objects
            )
        return cls(**config)
