"""Decoding a sequence model, the course's only generation loops: greedy search, sampling with a
temperature, beam search with a length penalty, exhaustive search, and sequence scoring.

Every decoder works on a *step function*, so the same code drives a seq2seq decoder, a language
model, or a hand-made table of known probabilities (which is how the tests check it):

    step_fn(token_ids, state) -> (log_probs, new_state)
        token_ids: int32 (batch,), the previous token of every sequence
        state:     any nested structure (tuple, dict, ...) of tensors whose first axis is batch
        log_probs: float (batch, vocab_size), log p(next token | prefix); use a log-softmax
        new_state: the same structure and shapes as `state`

Beam search reorders the state along the batch axis as beams are kept or dropped. What stays
fixed during a search (encoder outputs, a padding mask) is kept out of that by passing
`DecoderState(recurrent, context)`: the step function receives and returns a `DecoderState`, only
`recurrent` is carried (and reordered) from step to step, and the same `context` tensors are
handed to every step; beam search repeats them per beam once, before the loop.

The loops are `tf.while_loop`s compiled with XLA through `course_utils.compiled`, one
program per step function and settings, kept while the step function lives: pass the *same*
object (a bound method, a function kept in a variable) to reuse it. `eager=True` runs the same
loop step by step instead, for a step function whose state changes shape (a growing context
window) or to debug one.

Conventions: a sequence ends with `end_id`, which is counted in its length and its log-probability;
positions after the end hold `pad_id`. A sequence that reaches `max_length` without `end_id` is
kept as it is (truncated). Sampling draws token t of row b as NumPy's `Generator.choice(p=...)`
does, from u = numpy.random.default_rng(seed).random((max_length, batch))[t, b]: the first token
whose cumulative probability exceeds u. Results are NumPy arrays.

Example (a decoder `step_fn` and its start state for a batch of 8):

    result = beam_search(step_fn, state, start_id=1, end_id=2, max_length=12, beam_width=4)
    result.tokens       # (8, 4, 12) int32, beams sorted best first
    result.scores       # (8, 4) length-normalised log-probabilities
    result.best_tokens  # (8, 12)

Reference for beam search with length normalisation: Wu et al. (2016), "Google's neural machine
translation system", arXiv:1609.08144 (section 7); Sutskever et al. (2014) for beam search in
seq2seq.
"""

from course_utils.decoding.captioning import caption_greedy_decode, caption_step_fn  # noqa: F401
from course_utils.decoding.ctc import ctc_decode, decode_digits  # noqa: F401
from course_utils.decoding.common import (
    BeamSearchResult,
    DecodeResult,  # noqa: F401
    DecoderState,
)
from course_utils.decoding.search import (
    all_outputs,
    beam_search,
    exhaustive_search,  # noqa: F401
    greedy_decode,
    sample_decode,
    sequence_log_prob,
)
from course_utils.decoding.seq2seq import (
    Seq2SeqStep,
    seq2seq_greedy_decode,  # noqa: F401
    seq2seq_step_fn,
    strip_special,
)
