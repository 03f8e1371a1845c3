"""What every search shares: the state in two parts, the result types, the checks of a step
function and its ids, and the compiled loop cached for the step function's owner."""

import types
import weakref
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import tensorflow as tf

from course_utils import validation
from course_utils.compiled import compiled

NEG_INF = -1e9  # a finite "minus infinity": keeps arithmetic free of inf - inf = NaN
MAX_EXHAUSTIVE_SEQUENCES = 200_000


class DecoderState(NamedTuple):
    """A state in two parts: `recurrent` changes at every step (beam search reorders it with the
    beams); `context` is the same for the whole search and is never copied inside the loop."""

    recurrent: Any
    context: Any


@dataclass(frozen=True)
class DecodeResult:
    """One decoded sequence per batch element (greedy search, sampling, exhaustive search).

    Attributes:
        tokens: int32 (batch, max_length), ending with `end_id` and then `pad_id`.
        lengths: int32 (batch,), number of tokens including `end_id`.
        log_probs: float32 (batch,), log-probability of the sequence under the model.
    """

    tokens: np.ndarray
    lengths: np.ndarray
    log_probs: np.ndarray


@dataclass(frozen=True)
class BeamSearchResult:
    """`beam_width` hypotheses per batch element, sorted by score (best first).

    Attributes:
        tokens: int32 (batch, beam_width, max_length).
        lengths: int32 (batch, beam_width), including `end_id`.
        log_probs: float32 (batch, beam_width), raw sum of token log-probabilities.
        scores: float32 (batch, beam_width), `log_probs / lengths ** length_penalty`; beams left
            empty (a width larger than the number of distinct hypotheses) score -inf.
    """

    tokens: np.ndarray
    lengths: np.ndarray
    log_probs: np.ndarray
    scores: np.ndarray

    @property
    def best_tokens(self):
        return self.tokens[:, 0]

    @property
    def best_log_probs(self):
        return self.log_probs[:, 0]

    @property
    def best_lengths(self):
        return self.lengths[:, 0]

    def best(self):
        """The best hypothesis of every batch element as a `DecodeResult`."""
        return DecodeResult(self.best_tokens, self.best_lengths, self.best_log_probs)


def check_common(initial_state, start_id, end_id, pad_id, max_length, end_optional=False):
    """The checked ids `(start_id, end_id, pad_id)`, the state as tensors, its batch size and
    max_length; `end_id` may be None (no end token) where `end_optional`."""
    max_length = validation.integer(max_length, "max_length", minimum=1)
    start_id = validation.integer(start_id, "start_id", minimum=0)
    pad_id = validation.integer(pad_id, "pad_id", minimum=0)
    if end_optional:
        end_id = validation.optional(validation.integer, end_id, "end_id", minimum=0)
    else:
        end_id = validation.integer(end_id, "end_id", minimum=0)
    leaves = [tf.convert_to_tensor(leaf) for leaf in tf.nest.flatten(initial_state)]
    if not leaves:
        validation.fail(
            "initial_state", "a structure of at least one tensor (first axis: batch)", initial_state
        )
    sizes = {int(leaf.shape[0]) if leaf.shape.rank else None for leaf in leaves}
    if len(sizes) != 1 or None in sizes:
        validation.fail(
            "initial_state",
            "tensors that share their first (batch) axis",
            [tuple(leaf.shape) for leaf in leaves],
        )
    state = tf.nest.pack_sequence_as(initial_state, leaves)
    return (start_id, end_id, pad_id), state, sizes.pop(), max_length


def split_state(state):
    return (state.recurrent, state.context) if isinstance(state, DecoderState) else (state, None)


def call_step(step_fn, tokens, recurrent, context, ids):
    """One step: `(log_probs, new recurrent state, vocab_size)`, checked while tracing."""
    state = recurrent if context is None else DecoderState(recurrent, context)
    log_probs, new_state = step_fn(tokens, state)
    log_probs = tf.convert_to_tensor(log_probs)
    if log_probs.shape.rank != 2 or log_probs.shape[-1] is None:
        validation.fail(
            "step_fn",
            "a function returning log_probs of shape (batch, vocab_size)",
            tuple(log_probs.shape),
        )
    vocab_size = int(log_probs.shape[-1])
    for name, value in zip(("start_id", "end_id", "pad_id"), ids):
        if value is not None:
            validation.integer(value, name, minimum=0, maximum=vocab_size - 1)
    try:  # the loop needs the same structure back (a list in, a list out)
        new_state = tf.nest.pack_sequence_as(state, tf.nest.flatten(new_state))
    except (ValueError, TypeError) as error:
        raise validation.ArgumentError(
            f"`step_fn` must return a state with the structure of its input state: {error}"
        ) from None
    return log_probs, split_state(new_state)[0], vocab_size


def owner_of(step_fn):
    """`(owner, identity, rebind)`: whom the compiled loop belongs to (the object of a bound
    method, what a step object's `cache_owner()` names, else the function), and how to rebuild
    the step function from that owner."""
    if isinstance(step_fn, types.MethodType):
        function = step_fn.__func__
        return step_fn.__self__, function, lambda owner: types.MethodType(function, owner)
    if hasattr(step_fn, "cache_owner"):  # a step object that names its owner (Seq2SeqStep)
        return step_fn.cache_owner()
    return step_fn, None, lambda owner: owner


def compiled_loop(kind, build, step_fn, settings, eager):
    """The loop `build(step_fn, *settings)`: as it is when `eager`, else XLA-compiled and cached
    for the step function's owner, which the compiled loop reaches through a weak reference."""
    if eager:
        return build(step_fn, *settings)
    owner, identity, rebind = owner_of(step_fn)
    try:
        reference = weakref.ref(owner)
    except TypeError:  # compiled() keeps such owners in a shared table, strongly
        reference = lambda: owner  # noqa: E731
    step = lambda tokens, state: rebind(reference())(tokens, state)  # noqa: E731
    return compiled(
        owner,
        (kind, identity, settings),
        lambda: build(step, *settings),
        jit_compile=True,
        autograph=False,
    )


def write_column(sequences, t, column):
    """sequences[..., t] = column, as a fixed-shape update that XLA compiles."""
    positions = tf.range(tf.shape(sequences)[-1])
    return tf.where(positions == t, tf.expand_dims(column, -1), sequences)


def draw(log_probs, temperature, uniforms):
    """Tokens drawn from softmax(log_probs / T) by inverse transform, in float64: the first token
    whose cumulative probability exceeds the uniform draw (NumPy's `Generator.choice` rule)."""
    scaled = tf.cast(log_probs, tf.float64) / temperature
    shifted = scaled - tf.reduce_max(scaled, axis=-1, keepdims=True)
    probabilities = tf.exp(shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), -1, keepdims=True)))
    cdf = tf.cumsum(probabilities, axis=-1)
    cdf = cdf / cdf[:, -1:]
    chosen = tf.reduce_sum(tf.cast(cdf <= uniforms[:, None], tf.int32), axis=-1)
    return tf.minimum(chosen, tf.shape(log_probs)[-1] - 1)
