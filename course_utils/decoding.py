"""Decoding a trained sequence model: greedy search, sampling with temperature, beam search.

Every decoder here works on a *step function*, so the same code drives a seq2seq decoder, a
language model, or a hand-made table of known probabilities (which is how the tests check it):

    step_fn(token_ids, state) -> (log_probs, new_state)
        token_ids: int32 (batch,), the previous token of every sequence
        state:     any nested structure (tuple, dict, ...) of tensors whose first axis is batch
        log_probs: float (batch, vocab_size), log p(next token | prefix); use a log-softmax
        new_state: the same structure and shapes as `state`

Everything the model needs (its recurrent states, the encoder outputs, the padding mask) lives in
`state`: beam search copies and reorders it along the batch axis as beams are kept or dropped.

The decoding loops are `tf.while_loop`s compiled with XLA (`jit_compile=True`); sequences, scores
and states stay fixed-size tensors, and the loop stops early once every sequence has ended. A
compiled loop is cached per (step function, settings): pass the *same* `step_fn` object (e.g. a
bound method, or one function kept in a variable) to reuse it instead of compiling again.

Conventions: a sequence ends with `end_id`, which is counted in its length and its log-probability;
positions after the end hold `pad_id`. A sequence that reaches `max_length` without `end_id` is
kept as it is (truncated). Results are NumPy arrays.

Example (a decoder `step_fn` and its start state for a batch of 8):

    result = beam_search(step_fn, state, start_id=1, end_id=2, max_length=12, beam_width=4)
    result.tokens       # (8, 4, 12) int32, beams sorted best first
    result.scores       # (8, 4) length-normalised log-probabilities
    result.best_tokens  # (8, 12)

Reference for beam search with length normalisation: Wu et al. (2016), "Google's neural machine
translation system", arXiv:1609.08144 (section 7); Sutskever et al. (2014) for beam search in
seq2seq.
"""
import collections
import itertools
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

NEG_INF = -1e9  # a finite "minus infinity": keeps arithmetic free of inf - inf = NaN
MAX_EXHAUSTIVE_SEQUENCES = 200_000
_COMPILED = collections.OrderedDict()  # (kind, step_fn, settings) -> compiled loop (small LRU cache)
_CACHE_SIZE = 32


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


# ----------------------------------------------------------------------------- validation
def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_common(initial_state, start_id, end_id, pad_id, max_length):
    max_length = _check_int("max_length", max_length, 1)
    for name, value in (("start_id", start_id), ("end_id", end_id), ("pad_id", pad_id)):
        _check_int(name, value, 0)
    leaves = tf.nest.flatten(initial_state)
    if not leaves:
        raise ValueError("initial_state must contain at least one tensor (its first axis is the batch)")
    leaves = [tf.convert_to_tensor(leaf) for leaf in leaves]
    sizes = {int(leaf.shape[0]) if leaf.shape.rank else None for leaf in leaves}
    if len(sizes) != 1 or None in sizes:
        raise ValueError(
            "every tensor in initial_state needs the same first (batch) axis, got shapes "
            f"{[tuple(leaf.shape) for leaf in leaves]}")
    return tf.nest.pack_sequence_as(initial_state, leaves), sizes.pop(), max_length


def _check_vocabulary(log_probs, start_id, end_id, pad_id):
    """Called while tracing, once the step function's output shape (the vocabulary) is known."""
    if log_probs.shape.rank != 2 or log_probs.shape[-1] is None:
        raise ValueError(f"step_fn must return log_probs of shape (batch, vocab_size), got {log_probs.shape}")
    vocab_size = int(log_probs.shape[-1])
    for name, value in (("start_id", start_id), ("end_id", end_id), ("pad_id", pad_id)):
        if value >= vocab_size:
            raise ValueError(f"{name}={value} is not a token of the vocabulary: expected 0 <= {name} < {vocab_size}")
    return vocab_size


def _call_step(step_fn, tokens, state, start_id, end_id, pad_id):
    log_probs, new_state = step_fn(tokens, state)
    log_probs = tf.cast(log_probs, tf.float32)
    vocab_size = _check_vocabulary(log_probs, start_id, end_id, pad_id)
    try:  # the loop needs the same structure back (a list in, a list out)
        new_state = tf.nest.pack_sequence_as(state, tf.nest.flatten(new_state))
    except (ValueError, TypeError) as error:
        raise ValueError(f"step_fn must return a state with the structure of its input state: {error}") from None
    return log_probs, new_state, vocab_size


def _compiled(key, build):
    if key not in _COMPILED:
        _COMPILED[key] = tf.function(build(), jit_compile=True, autograph=False)
        if len(_COMPILED) > _CACHE_SIZE:
            _COMPILED.popitem(last=False)
    _COMPILED.move_to_end(key)
    return _COMPILED[key]


def _write_column(sequences, t, column):
    """sequences[..., t] = column, as a fixed-shape update that XLA compiles."""
    positions = tf.range(tf.shape(sequences)[-1])
    return tf.where(positions == t, tf.expand_dims(column, -1), sequences)


# ------------------------------------------------------------------- greedy and sampling
def _build_step_loop(step_fn, start_id, end_id, pad_id, max_length, temperature):
    """One token per step: argmax (temperature None) or a sample from softmax(log_probs / T)."""

    def loop(state, seed):
        batch = tf.nest.flatten(state)[0].shape[0]  # static: XLA needs fixed shapes
        tokens = tf.fill([batch], tf.constant(start_id, tf.int32))
        sequences = tf.fill([batch, max_length], tf.constant(pad_id, tf.int32))
        log_probs_sum = tf.zeros([batch], tf.float32)
        lengths = tf.zeros([batch], tf.int32)
        finished = tf.zeros([batch], tf.bool)

        def body(t, tokens, state, sequences, log_probs_sum, lengths, finished):
            log_probs, state, _ = _call_step(step_fn, tokens, state, start_id, end_id, pad_id)
            if temperature is None:
                chosen = tf.argmax(log_probs, axis=-1, output_type=tf.int32)
            else:
                step_seed = tf.stack([seed, t])
                chosen = tf.random.stateless_categorical(log_probs / temperature, 1, step_seed, dtype=tf.int32)[:, 0]
            chosen_log_prob = tf.gather(log_probs, chosen, batch_dims=1)  # log p at temperature 1
            log_probs_sum += tf.where(finished, 0.0, chosen_log_prob)
            lengths += tf.cast(~finished, tf.int32)
            sequences = _write_column(sequences, t, tf.where(finished, pad_id, chosen))
            finished = finished | (chosen == end_id)
            return t + 1, chosen, state, sequences, log_probs_sum, lengths, finished

        def condition(t, *rest):
            return (t < max_length) & ~tf.reduce_all(rest[-1])

        loop_vars = (tf.constant(0), tokens, state, sequences, log_probs_sum, lengths, finished)
        _, _, _, sequences, log_probs_sum, lengths, _ = tf.while_loop(condition, body, loop_vars)
        return sequences, lengths, log_probs_sum

    return loop


def _run_step_loop(step_fn, initial_state, start_id, end_id, pad_id, max_length, temperature, seed):
    state, _, max_length = _check_common(initial_state, start_id, end_id, pad_id, max_length)
    key = ("step", step_fn, start_id, end_id, pad_id, max_length, temperature)
    loop = _compiled(key, lambda: _build_step_loop(step_fn, start_id, end_id, pad_id, max_length, temperature))
    sequences, lengths, log_probs = loop(state, tf.constant(seed, tf.int32))
    return DecodeResult(sequences.numpy(), lengths.numpy(), log_probs.numpy())


def greedy_decode(step_fn, initial_state, start_id, end_id, max_length, pad_id=0):
    """Greedy search: at every step take the single most likely next token.

    Args:
        step_fn: `step_fn(token_ids, state) -> (log_probs, new_state)`, see the module docstring.
        initial_state: nested structure of tensors, first axis = batch.
        start_id: token fed at the first step.
        end_id: token that ends a sequence (counted in its length).
        max_length: most tokens generated per sequence, >= 1.
        pad_id: token written after the end.

    Returns:
        A `DecodeResult`: tokens (batch, max_length), lengths (batch,), log_probs (batch,).
    """
    return _run_step_loop(step_fn, initial_state, start_id, end_id, pad_id, max_length, None, 0)


def sample_decode(step_fn, initial_state, start_id, end_id, max_length, temperature=1.0, seed=0, pad_id=0):
    """Ancestral sampling: draw every next token from softmax(log_probs / temperature).

    Temperature < 1 sharpens the distribution (towards greedy), > 1 flattens it. Sampling is
    stateless: the same `seed` gives the same sequences.

    Args:
        temperature: float > 0.
        seed: integer seed.
        (the others as in `greedy_decode`)

    Returns:
        A `DecodeResult`; `log_probs` are under the model itself (temperature 1).
    """
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating, np.integer)) \
            or not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    seed = _check_int("seed", seed, 0)
    return _run_step_loop(step_fn, initial_state, start_id, end_id, pad_id, max_length, float(temperature), seed)


# ------------------------------------------------------------------------------ beam search
def _build_beam_loop(step_fn, start_id, end_id, pad_id, max_length, beam_width, length_penalty):
    def normalise(log_probs, lengths):
        return log_probs / tf.cast(lengths, tf.float32) ** length_penalty

    def loop(state):
        batch = tf.nest.flatten(state)[0].shape[0]  # static: XLA needs fixed shapes
        beams = beam_width
        # (batch * beam, ...): beam k of batch element b sits at row b * beam_width + k
        state = tf.nest.map_structure(lambda s: tf.repeat(s, beams, axis=0), state)
        tokens = tf.fill([batch * beams], tf.constant(start_id, tf.int32))
        sequences = tf.fill([batch, beams, max_length], tf.constant(pad_id, tf.int32))
        # only beam 0 is alive at the start, so the first expansion has no duplicates
        valid = tf.tile(tf.range(beams)[None, :] == 0, [batch, 1])  # (batch, beam)
        log_probs_sum = tf.where(valid, 0.0, NEG_INF)
        lengths = tf.zeros([batch, beams], tf.int32)
        finished = tf.zeros([batch, beams], tf.bool)

        def body(t, tokens, state, sequences, log_probs_sum, lengths, finished, valid):
            log_probs, state, vocab_size = _call_step(step_fn, tokens, state, start_id, end_id, pad_id)
            log_probs = tf.reshape(log_probs, [batch, beams, vocab_size])
            # a finished hypothesis has exactly one continuation, "stay", which costs nothing
            stay = tf.where(tf.range(vocab_size) == end_id, 0.0, NEG_INF)  # (vocab,)
            log_probs = tf.where(finished[..., None], stay, log_probs)
            candidate_log_probs = log_probs_sum[..., None] + log_probs  # (batch, beam, vocab)
            # a candidate is real if its parent is and its token is possible (not a masked "stay")
            candidate_valid = valid[..., None] & (log_probs > NEG_INF / 2)
            candidate_lengths = tf.where(finished, lengths, t + 1)[..., None]
            candidate_scores = normalise(candidate_log_probs, candidate_lengths)
            _, best = tf.math.top_k(tf.reshape(candidate_scores, [batch, beams * vocab_size]), k=beams)
            parent, token = best // vocab_size, best % vocab_size  # (batch, beam) each
            gather = lambda x: tf.gather(x, parent, batch_dims=1)  # noqa: E731 - pick the parent beams
            parent_finished = gather(finished)
            log_probs_sum = tf.gather(tf.reshape(candidate_log_probs, [batch, -1]), best, batch_dims=1)
            lengths = tf.where(parent_finished, gather(lengths), t + 1)
            valid = tf.gather(tf.reshape(candidate_valid, [batch, -1]), best, batch_dims=1)
            sequences = _write_column(gather(sequences), t, tf.where(parent_finished, pad_id, token))
            finished = parent_finished | (token == end_id)
            rows = tf.reshape(parent + tf.range(batch)[:, None] * beams, [-1])
            state = tf.nest.map_structure(lambda s: tf.gather(s, rows), state)
            return t + 1, tf.reshape(token, [-1]), state, sequences, log_probs_sum, lengths, finished, valid

        def condition(t, *rest):
            finished, valid = rest[-2], rest[-1]
            return (t < max_length) & ~tf.reduce_all(finished | ~valid)

        loop_vars = (tf.constant(0), tokens, state, sequences, log_probs_sum, lengths, finished, valid)
        _, _, _, sequences, log_probs_sum, lengths, _, valid = tf.while_loop(condition, body, loop_vars)
        scores = tf.where(valid, normalise(log_probs_sum, tf.maximum(lengths, 1)), -np.inf)
        log_probs_sum = tf.where(valid, log_probs_sum, -np.inf)
        order = tf.argsort(scores, axis=-1, direction="DESCENDING", stable=True)
        pick = lambda x: tf.gather(x, order, batch_dims=1)  # noqa: E731
        return pick(sequences), pick(lengths), pick(log_probs_sum), pick(scores)

    return loop


def beam_search(step_fn, initial_state, start_id, end_id, max_length, beam_width, length_penalty=0.0, pad_id=0):
    """Beam search: keep the `beam_width` best hypotheses at every step.

    Each step extends every live hypothesis by every token, scores the candidates by
    `log p(prefix) / length ** length_penalty`, and keeps the best `beam_width` (per batch element).
    A hypothesis that produced `end_id` stops growing and keeps its score, competing with the live
    ones for a place in the beam; the search stops when all beams have ended or at `max_length`.
    Width 1 is greedy search; a width at least the number of possible sequences is exhaustive.

    Args:
        step_fn: `step_fn(token_ids, state) -> (log_probs, new_state)`, see the module docstring.
        initial_state: nested structure of tensors, first axis = batch; repeated per beam.
        start_id, end_id, pad_id: token ids (start fed first, end stops a hypothesis, pad after it).
        max_length: most tokens per hypothesis, >= 1.
        beam_width: hypotheses kept per batch element, >= 1.
        length_penalty: alpha >= 0 in `score = log p / length ** alpha`; 0 ranks by raw
            log-probability (which favours short outputs), 1 by the mean log-probability per token.

    Returns:
        A `BeamSearchResult` with tokens (batch, beam_width, max_length) and lengths, log_probs,
        scores (batch, beam_width), beams sorted by score; `.best()` gives the top one.

    Example:
        result = beam_search(step_fn, state, start_id=1, end_id=2, max_length=10, beam_width=3)
        result.best_tokens  # (batch, 10)
    """
    beam_width = _check_int("beam_width", beam_width, 1)
    if isinstance(length_penalty, bool) or not isinstance(length_penalty, (int, float, np.floating, np.integer)) \
            or not np.isfinite(length_penalty) or length_penalty < 0:
        raise ValueError(f"length_penalty must be a finite number >= 0, got {length_penalty!r}")
    state, _, max_length = _check_common(initial_state, start_id, end_id, pad_id, max_length)
    settings = (start_id, end_id, pad_id, max_length, beam_width, float(length_penalty))
    loop = _compiled(("beam", step_fn) + settings, lambda: _build_beam_loop(step_fn, *settings))
    sequences, lengths, log_probs, scores = loop(state)
    return BeamSearchResult(sequences.numpy(), lengths.numpy(), log_probs.numpy(), scores.numpy())


# ------------------------------------------------------------------------ exhaustive search
def all_outputs(vocab_size, end_id, max_length, pad_id=0):
    """Every distinct output of at most `max_length` tokens: ended by `end_id`, or cut at `max_length`.

    Returns:
        int32 (count, max_length), padded with `pad_id`; count = sum_{n<L} (V-1)^n + (V-1)^L.
    """
    others = [token for token in range(vocab_size) if token != end_id]
    outputs = [list(prefix) + [end_id] for n in range(max_length) for prefix in itertools.product(others, repeat=n)]
    outputs += [list(prefix) for prefix in itertools.product(others, repeat=max_length)]
    return np.array([row + [pad_id] * (max_length - len(row)) for row in outputs], np.int32)


def exhaustive_search(step_fn, initial_state, start_id, end_id, max_length, length_penalty=0.0, pad_id=0):
    """Score every possible output and return the best: the answer beam search approximates.

    Runs the model on all outputs of `all_outputs` at once, as one big batch: feasible only for
    tiny vocabularies and lengths. Not compiled: it is a reference.

    Args:
        (as in `beam_search`)

    Returns:
        A `DecodeResult` with, per batch element, the output of highest
        `log p / length ** length_penalty`.
    """
    state, batch, max_length = _check_common(initial_state, start_id, end_id, pad_id, max_length)
    log_probs, _, vocab_size = _call_step(step_fn, tf.fill([batch], start_id), state, start_id, end_id, pad_id)
    count = sum((vocab_size - 1) ** n for n in range(max_length + 1))
    if batch * count > MAX_EXHAUSTIVE_SEQUENCES:
        raise ValueError(f"exhaustive search over {batch} x {count} sequences is too large "
                         f"(limit {MAX_EXHAUSTIVE_SEQUENCES}); use beam_search")
    outputs = all_outputs(vocab_size, end_id, max_length, pad_id)  # (count, L)
    tokens = np.tile(outputs, (batch, 1))  # batch element b, output c at row b * count + c
    state = tf.nest.map_structure(lambda s: tf.repeat(s, count, axis=0), state)
    previous = np.full(batch * count, start_id, np.int32)
    total = np.zeros(batch * count)
    lengths = np.zeros(batch * count, np.int32)
    finished = np.zeros(batch * count, bool)
    for t in range(max_length):
        log_probs, state, _ = _call_step(step_fn, tf.constant(previous), state, start_id, end_id, pad_id)
        token_log_probs = np.take_along_axis(log_probs.numpy(), tokens[:, t:t + 1], axis=1)[:, 0]
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
    targets = np.asarray(targets, dtype=np.int32)
    state, batch, _ = _check_common(initial_state, start_id, end_id, pad_id, 1)
    if targets.ndim != 2 or len(targets) != batch:
        raise ValueError(f"targets must be (batch={batch}, T) token ids, got shape {targets.shape}")
    previous = np.full(batch, start_id, np.int32)
    total = np.zeros(batch)
    finished = np.zeros(batch, bool)
    for t in range(targets.shape[1]):
        log_probs, state, vocab_size = _call_step(step_fn, tf.constant(previous), state, start_id, end_id, pad_id)
        if t == 0 and (targets.min() < 0 or targets.max() >= vocab_size):
            raise ValueError(f"targets hold ids outside the vocabulary 0..{vocab_size - 1}: "
                             f"min {targets.min()}, max {targets.max()}")
        total += np.where(finished, 0.0, np.take_along_axis(log_probs.numpy(), targets[:, t:t + 1], 1)[:, 0])
        finished |= targets[:, t] == end_id
        previous = targets[:, t]
    return total.astype(np.float32)


# --------------------------------------------------------------------- seq2seq models
class Seq2SeqStep:
    """The step function of a `course_utils.layers.seq2seq.Decoder`, in the form the searches drive.

    State: {"states": the decoder's recurrent states, "encoder_outputs": (batch, T_in, units),
    "mask": (batch, T_in) bool}; log_probs = log_softmax(logits). Two `Seq2SeqStep`s of the same
    decoder compare equal, so the compiled search loops are reused between calls.
    """

    def __init__(self, decoder):
        self.decoder = decoder

    def __call__(self, token_ids, state):
        logits, new_states, _ = self.decoder.step(token_ids, state["states"], state["encoder_outputs"], state["mask"])
        return tf.nn.log_softmax(logits), {**state, "states": list(new_states)}

    def __eq__(self, other):
        return isinstance(other, Seq2SeqStep) and other.decoder is self.decoder

    def __hash__(self):
        return hash(("Seq2SeqStep", id(self.decoder)))


def seq2seq_step_fn(model, encoder_tokens):
    """Run the encoder of a `course_utils.layers.seq2seq.Seq2Seq` model; return what the searches need.

    Args:
        model: a `Seq2Seq` (anything with `.encoder` and a `.decoder` that has `step`).
        encoder_tokens: int (batch, T_in).

    Returns:
        `(step_fn, initial_state)` for `greedy_decode`, `beam_search`, `exhaustive_search`, ...

    Example:
        step_fn, state = seq2seq_step_fn(model, x_test)   # x_test (500, 9)
        beam_search(step_fn, state, start_id=1, end_id=2, max_length=12, beam_width=4)
    """
    if not hasattr(model, "encoder") or not hasattr(getattr(model, "decoder", None), "step"):
        raise TypeError(f"expected a course_utils.layers.seq2seq.Seq2Seq model, got {type(model).__name__}")
    encoder_tokens = np.asarray(encoder_tokens, dtype=np.int32)
    if encoder_tokens.ndim != 2:
        raise ValueError(f"encoder_tokens must be (batch, T_in), got shape {encoder_tokens.shape}")
    outputs, states, mask = model.encoder(encoder_tokens)
    return Seq2SeqStep(model.decoder), {"states": list(states), "encoder_outputs": outputs, "mask": mask}


def strip_special(tokens, lengths, end_id):
    """Turn decoded arrays into lists of token ids without the end token and the padding.

    Args:
        tokens: int array (batch, max_length); lengths: int array (batch,) including `end_id`.

    Returns:
        A list of `batch` lists of token ids.
    """
    tokens, lengths = np.asarray(tokens), np.asarray(lengths)
    if tokens.ndim != 2 or lengths.shape != tokens.shape[:1]:
        raise ValueError(f"expected tokens (batch, max_length) and lengths (batch,), "
                         f"got {tokens.shape} and {lengths.shape}")
    return [[int(x) for x in row[:n] if x != end_id] for row, n in zip(tokens, lengths)]
