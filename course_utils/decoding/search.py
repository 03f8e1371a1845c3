"""The searches over a step function: greedy and sampled decoding, beam search with a length
penalty, exhaustive search, and the log-probability of given sequences."""

import itertools

import numpy as np
import tensorflow as tf

from course_utils import validation
from course_utils.decoding.common import (
    MAX_EXHAUSTIVE_SEQUENCES,
    NEG_INF,  # noqa: F401
    BeamSearchResult,
    DecodeResult,
    call_step,
    check_common,
    compiled_loop,
    draw,
    split_state,
    write_column,
)


# -- greedy and sampling ----------------------------------------------------------------------
def build_step_loop(step_fn, ids, max_length, temperature, stop_early=True):
    """One token per step: argmax (temperature None) or a draw from softmax(log_probs / T).
    The loop returns the tokens, lengths, log-probabilities and the last recurrent state."""
    start_id, end_id, pad_id = ids

    def loop(state, uniforms):
        recurrent, context = split_state(state)
        batch = tf.nest.flatten(state)[0].shape[0]  # static: XLA needs fixed shapes
        tokens = tf.fill([batch], tf.constant(start_id, tf.int32))
        sequences = tf.fill([batch, max_length], tf.constant(pad_id, tf.int32))
        log_probs_sum = tf.zeros([batch], tf.float32)
        lengths = tf.zeros([batch], tf.int32)
        finished = tf.zeros([batch], tf.bool)

        def body(t, tokens, recurrent, sequences, log_probs_sum, lengths, finished):
            log_probs, recurrent, _ = call_step(step_fn, tokens, recurrent, context, ids)
            if temperature is None:
                chosen = tf.argmax(log_probs, axis=-1, output_type=tf.int32)
            else:
                chosen = draw(log_probs, temperature, uniforms[t])
            chosen_log_prob = tf.cast(tf.gather(log_probs, chosen, batch_dims=1), tf.float32)
            log_probs_sum += tf.where(finished, 0.0, chosen_log_prob)  # log p at temperature 1
            lengths += tf.cast(~finished, tf.int32)
            sequences = write_column(sequences, t, tf.where(finished, pad_id, chosen))
            if end_id is not None:
                finished = finished | (chosen == end_id)
            return t + 1, chosen, recurrent, sequences, log_probs_sum, lengths, finished

        def condition(t, *rest):
            return (t < max_length) & ~tf.reduce_all(rest[-1]) if stop_early else t < max_length

        loop_vars = (tf.constant(0), tokens, recurrent, sequences, log_probs_sum, lengths, finished)
        _, _, recurrent, sequences, log_probs_sum, lengths, _ = tf.while_loop(
            condition, body, loop_vars
        )
        return sequences, lengths, log_probs_sum, recurrent

    return loop


def run_step_loop(
    step_fn,
    initial_state,
    start_id,
    end_id,
    pad_id,
    max_length,
    temperature=None,
    seed=0,
    eager=False,
    stop_early=True,
):
    """`(DecodeResult, last recurrent state)` of the greedy (temperature None) or sampling loop."""
    ids, state, batch, max_length = check_common(
        initial_state, start_id, end_id, pad_id, max_length, end_optional=True
    )
    uniforms = None
    if temperature is not None:
        uniforms = tf.constant(np.random.default_rng(seed).random((max_length, batch)))
    settings = (ids, max_length, temperature, stop_early)
    eager = validation.flag(eager, "eager")
    loop = compiled_loop("step", build_step_loop, step_fn, settings, eager)
    sequences, lengths, log_probs, recurrent = loop(state, uniforms)
    result = DecodeResult(sequences.numpy(), lengths.numpy(), log_probs.numpy())
    return result, recurrent


def greedy_decode(step_fn, initial_state, start_id, end_id, max_length, pad_id=0, eager=False):
    """Greedy search: at every step take the single most likely next token.

    Args:
        step_fn: `step_fn(token_ids, state) -> (log_probs, new_state)`, see the module docstring.
        initial_state: nested structure of tensors, first axis = batch, or a `DecoderState`.
        start_id: token fed at the first step.
        end_id: token that ends a sequence (counted in its length); None for a model without one
            (a language model): every sequence then runs `max_length` tokens.
        max_length: most tokens generated per sequence, >= 1.
        pad_id: token written after the end.
        eager: run the loop step by step instead of as one XLA program.

    Returns:
        A `DecodeResult`: tokens (batch, max_length), lengths (batch,), log_probs (batch,).
    """
    return run_step_loop(step_fn, initial_state, start_id, end_id, pad_id, max_length, eager=eager)[
        0
    ]


def sample_decode(
    step_fn,
    initial_state,
    start_id,
    end_id,
    max_length,
    temperature=1.0,
    seed=0,
    pad_id=0,
    eager=False,
):
    """Ancestral sampling: draw every next token from softmax(log_probs / temperature).

    Temperature < 1 sharpens the distribution (towards greedy), > 1 flattens it. The draws come
    from `numpy.random.default_rng(seed)` (module docstring): the same seed, the same sequences.

    Args:
        temperature: float > 0.
        seed: integer >= 0.
        (the others as in `greedy_decode`)

    Returns:
        A `DecodeResult`; `log_probs` are under the model itself (temperature 1).
    """
    temperature = validation.number(temperature, "temperature", minimum=0, minimum_open=True)
    seed = validation.integer(seed, "seed", minimum=0)
    return run_step_loop(
        step_fn, initial_state, start_id, end_id, pad_id, max_length, temperature, seed, eager
    )[0]


# ------------------------------------------------------------------------------ beam search
def build_beam_loop(step_fn, ids, max_length, beam_width, length_penalty):
    start_id, end_id, pad_id = ids

    def normalise(log_probs, lengths):
        return log_probs / tf.cast(lengths, tf.float32) ** length_penalty

    def loop(state):
        recurrent, context = split_state(state)
        batch = tf.nest.flatten(state)[0].shape[0]  # static: XLA needs fixed shapes
        beams = beam_width
        # (batch * beam, ...): beam k of batch element b sits at row b * beam_width + k
        per_beam = lambda s: tf.repeat(s, beams, axis=0)  # noqa: E731
        recurrent = tf.nest.map_structure(per_beam, recurrent)
        if context is not None:  # once, here: the loop hands the same tensors to every step
            context = tf.nest.map_structure(per_beam, context)
        tokens = tf.fill([batch * beams], tf.constant(start_id, tf.int32))
        sequences = tf.fill([batch, beams, max_length], tf.constant(pad_id, tf.int32))
        # only beam 0 is alive at the start, so the first expansion has no duplicates
        valid = tf.tile(tf.range(beams)[None, :] == 0, [batch, 1])  # (batch, beam)
        log_probs_sum = tf.where(valid, 0.0, NEG_INF)
        lengths = tf.zeros([batch, beams], tf.int32)
        finished = tf.zeros([batch, beams], tf.bool)

        def body(t, tokens, recurrent, sequences, log_probs_sum, lengths, finished, valid):
            log_probs, recurrent, vocab_size = call_step(step_fn, tokens, recurrent, context, ids)
            log_probs = tf.reshape(tf.cast(log_probs, tf.float32), [batch, beams, vocab_size])
            # a finished hypothesis has exactly one continuation, "stay", which costs nothing
            stay = tf.where(tf.range(vocab_size) == end_id, 0.0, NEG_INF)  # (vocab,)
            log_probs = tf.where(finished[..., None], stay, log_probs)
            candidate_log_probs = log_probs_sum[..., None] + log_probs  # (batch, beam, vocab)
            # a candidate is real if its parent is and its token is possible (not a masked "stay")
            candidate_valid = valid[..., None] & (log_probs > NEG_INF / 2)
            candidate_lengths = tf.where(finished, lengths, t + 1)[..., None]
            candidate_scores = normalise(candidate_log_probs, candidate_lengths)
            flat_scores = tf.reshape(candidate_scores, [batch, beams * vocab_size])
            _, best = tf.math.top_k(flat_scores, k=beams)
            parent, token = best // vocab_size, best % vocab_size  # (batch, beam) each
            gather = lambda x: tf.gather(x, parent, batch_dims=1)  # noqa: E731 - the parent beams
            parent_finished = gather(finished)
            log_probs_sum = tf.gather(
                tf.reshape(candidate_log_probs, [batch, -1]), best, batch_dims=1
            )
            lengths = tf.where(parent_finished, gather(lengths), t + 1)
            valid = tf.gather(tf.reshape(candidate_valid, [batch, -1]), best, batch_dims=1)
            written = tf.where(parent_finished, pad_id, token)
            sequences = write_column(gather(sequences), t, written)
            finished = parent_finished | (token == end_id)
            rows = tf.reshape(parent + tf.range(batch)[:, None] * beams, [-1])
            # the recurrent state follows its beams; the context is the same for all of them
            recurrent = tf.nest.map_structure(lambda s: tf.gather(s, rows), recurrent)
            return (
                t + 1,
                tf.reshape(token, [-1]),
                recurrent,
                sequences,
                log_probs_sum,
                lengths,
                finished,
                valid,
            )

        def condition(t, *rest):
            finished, valid = rest[-2], rest[-1]
            return (t < max_length) & ~tf.reduce_all(finished | ~valid)

        loop_vars = (
            tf.constant(0),
            tokens,
            recurrent,
            sequences,
            log_probs_sum,
            lengths,
            finished,
            valid,
        )
        _, _, _, sequences, log_probs_sum, lengths, _, valid = tf.while_loop(
            condition, body, loop_vars
        )
        scores = tf.where(valid, normalise(log_probs_sum, tf.maximum(lengths, 1)), -np.inf)
        log_probs_sum = tf.where(valid, log_probs_sum, -np.inf)
        order = tf.argsort(scores, axis=-1, direction="DESCENDING", stable=True)
        pick = lambda x: tf.gather(x, order, batch_dims=1)  # noqa: E731
        return pick(sequences), pick(lengths), pick(log_probs_sum), pick(scores)

    return loop


def beam_search(
    step_fn,
    initial_state,
    start_id,
    end_id,
    max_length,
    beam_width,
    length_penalty=0.0,
    pad_id=0,
    eager=False,
):
    """Beam search: keep the `beam_width` best hypotheses at every step.

    Each step extends every live hypothesis by every token, scores the candidates by
    `log p(prefix) / length ** length_penalty`, and keeps the best `beam_width` (per batch element).
    A hypothesis that produced `end_id` stops growing and keeps its score, competing with the live
    ones for a place in the beam; the search stops when all beams have ended or at `max_length`.
    Width 1 is greedy search; a width at least the number of possible sequences is exhaustive.

    Args:
        step_fn: `step_fn(token_ids, state) -> (log_probs, new_state)`, see the module docstring.
        initial_state: nested structure of tensors, first axis = batch, repeated per beam; or a
            `DecoderState`, whose `context` is repeated once and never reordered.
        start_id, end_id, pad_id: token ids (start fed first, end stops a hypothesis, pad after it).
        max_length: most tokens per hypothesis, >= 1.
        beam_width: hypotheses kept per batch element, >= 1.
        length_penalty: alpha >= 0 in `score = log p / length ** alpha`; 0 ranks by raw
            log-probability (which favours short outputs), 1 by the mean log-probability per token.
        eager: run the loop step by step instead of as one XLA program.

    Returns:
        A `BeamSearchResult` with tokens (batch, beam_width, max_length) and lengths, log_probs,
        scores (batch, beam_width), beams sorted by score; `.best()` gives the top one.

    Example:
        result = beam_search(step_fn, state, start_id=1, end_id=2, max_length=10, beam_width=3)
        result.best_tokens  # (batch, 10)
    """
    beam_width = validation.integer(beam_width, "beam_width", minimum=1)
    length_penalty = validation.number(length_penalty, "length_penalty", minimum=0)
    ids, state, _, max_length = check_common(initial_state, start_id, end_id, pad_id, max_length)
    settings = (ids, max_length, beam_width, length_penalty)
    eager = validation.flag(eager, "eager")
    loop = compiled_loop("beam", build_beam_loop, step_fn, settings, eager)
    sequences, lengths, log_probs, scores = loop(state)
    return BeamSearchResult(sequences.numpy(), lengths.numpy(), log_probs.numpy(), scores.numpy())


# ------------------------------------------------------------------------ exhaustive search
def all_outputs(vocab_size, end_id, max_length, pad_id=0):
    """Every distinct output of at most `max_length` tokens: ended by `end_id`, or cut there.

    Returns:
        int32 (count, max_length), padded with `pad_id`; count = sum_{n<L} (V-1)^n + (V-1)^L.
    """
    others = [token for token in range(vocab_size) if token != end_id]
    outputs = [
        list(prefix) + [end_id]
        for n in range(max_length)
        for prefix in itertools.product(others, repeat=n)
    ]
    outputs += [list(prefix) for prefix in itertools.product(others, repeat=max_length)]
    return np.array([row + [pad_id] * (max_length - len(row)) for row in outputs], np.int32)


def exhaustive_search(
    step_fn, initial_state, start_id, end_id, max_length, length_penalty=0.0, pad_id=0
):
    """Score every possible output and return the best: the answer beam search approximates.

    Runs the model on all outputs of `all_outputs` at once, as one big batch: feasible only for
    tiny vocabularies and lengths. Not compiled: it is a reference.

    Args:
        (as in `beam_search`)

    Returns:
        A `DecodeResult` with, per batch element, the output of highest
        `log p / length ** length_penalty`.
    """
    length_penalty = validation.number(length_penalty, "length_penalty", minimum=0)
    ids, state, batch, max_length = check_common(
        initial_state, start_id, end_id, pad_id, max_length
    )
    recurrent, context = split_state(state)
    first = tf.fill([batch], ids[0])
    log_probs, _, vocab_size = call_step(step_fn, first, recurrent, context, ids)
    count = sum((vocab_size - 1) ** n for n in range(max_length + 1))
    if batch * count > MAX_EXHAUSTIVE_SEQUENCES:
        validation.fail(
            "max_length",
            f"small enough for exhaustive search (at most "
            f"{MAX_EXHAUSTIVE_SEQUENCES} sequences, here {batch} x {count}; use "
            f"beam_search)",
            max_length,
        )
    outputs = all_outputs(vocab_size, end_id, max_length, pad_id)  # (count, L)
    tokens = np.tile(outputs, (batch, 1))  # batch element b, output c at row b * count + c
    repeat = lambda s: tf.repeat(s, count, axis=0)  # noqa: E731
    recurrent = tf.nest.map_structure(repeat, recurrent)
    context = None if context is None else tf.nest.map_structure(repeat, context)
    previous = np.full(batch * count, ids[0], np.int32)
    total = np.zeros(batch * count)
    lengths = np.zeros(batch * count, np.int32)
    finished = np.zeros(batch * count, bool)
    for t in range(max_length):
        log_probs, recurrent, _ = call_step(step_fn, tf.constant(previous), recurrent, context, ids)
        token_log_probs = np.take_along_axis(log_probs.numpy(), tokens[:, t : t + 1], axis=1)[:, 0]
        total += np.where(finished, 0.0, token_log_probs)
        lengths += ~finished
        finished |= tokens[:, t] == end_id
        previous = tokens[:, t]
    scores = (total / lengths.astype(np.float64) ** length_penalty).reshape(batch, count)
    rows = np.arange(batch) * count + np.argmax(scores, axis=1)
    return DecodeResult(tokens[rows], lengths[rows], total[rows].astype(np.float32))


def sequence_log_prob(step_fn, initial_state, start_id, end_id, targets, pad_id=0):
    """Log-probability the model gives to given outputs (teacher forcing), e.g. the references.

    Comparing it with the log-probability of a decoder's output separates the two ways a search
    can go wrong: if the reference scores higher than the output, the *search* missed it; if the
    output scores higher and is wrong, the *model* is at fault.

    Args:
        targets: int (batch, T) outputs, each ending with `end_id` (or cut at T), then `pad_id`.
        (the others as in `greedy_decode`)

    Returns:
        float32 NumPy array (batch,), the sum of token log-probabilities up to and with `end_id`.
    """
    targets = validation.token_ids(targets, "targets", rank=2)
    ids, state, batch, _ = check_common(initial_state, start_id, end_id, pad_id, 1)
    if len(targets) != batch:
        validation.fail(
            "targets", f"an array with one row per batch element ({batch} rows)", targets
        )
    recurrent, context = split_state(state)
    previous = np.full(batch, ids[0], np.int32)
    total = np.zeros(batch)
    finished = np.zeros(batch, bool)
    for t in range(targets.shape[1]):
        log_probs, recurrent, vocab_size = call_step(
            step_fn, tf.constant(previous), recurrent, context, ids
        )
        if t == 0:
            validation.token_ids(targets, "targets", vocabulary_size=vocab_size)
        token_log_probs = np.take_along_axis(log_probs.numpy(), targets[:, t : t + 1], 1)[:, 0]
        total += np.where(finished, 0.0, token_log_probs)
        finished |= targets[:, t] == end_id
        previous = targets[:, t]
    return total.astype(np.float32)
