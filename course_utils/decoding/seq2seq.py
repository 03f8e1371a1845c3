"""The step function of a course seq2seq model, and its greedy decode (`Seq2Seq.greedy_decode`)."""

import weakref

import numpy as np
import tensorflow as tf

from course_utils import validation
from course_utils.compiled import compiled
from course_utils.decoding.common import DecoderState
from course_utils.decoding.search import run_step_loop


class Seq2SeqStep:
    """The step function of a `course_utils.layers.seq2seq.Decoder`, in the form the searches drive.

    State: `DecoderState({"states": the decoder's recurrent states}, {"encoder_outputs":
    (batch, T_in, units), "mask": (batch, T_in) bool})`; log_probs = log_softmax(logits). With
    `attention_steps` the recurrent part also records the attention weights of the first that many
    steps: "attention" (batch, attention_steps, T_in) and the step counter "step" (batch,). Two
    `Seq2SeqStep`s of the same decoder and settings compare equal.
    """

    def __init__(self, decoder, attention_steps=None):
        self.decoder, self.attention_steps = decoder, attention_steps

    def __call__(self, token_ids, state):
        recurrent, context = state
        logits, new_states, weights = self.decoder.step(
            token_ids, recurrent["states"], context["encoder_outputs"], context["mask"]
        )
        new = {**recurrent, "states": list(new_states)}
        if self.attention_steps is not None:
            now = tf.range(self.attention_steps)[None, :] == recurrent["step"][:, None]
            new["attention"] = tf.where(now[..., None], weights[:, None, :], recurrent["attention"])
            new["step"] = recurrent["step"] + 1
        return tf.nn.log_softmax(logits), DecoderState(new, context)

    def cache_owner(self):
        """The decoder owns the compiled loops; a loop rebuilds this step from it."""
        steps = self.attention_steps
        return self.decoder, (Seq2SeqStep, steps), lambda owner: Seq2SeqStep(owner, steps)

    def __eq__(self, other):
        return (
            isinstance(other, Seq2SeqStep)
            and other.decoder is self.decoder
            and other.attention_steps == self.attention_steps
        )

    def __hash__(self):
        return hash(("Seq2SeqStep", id(self.decoder), self.attention_steps))


def seq2seq_step_fn(model, encoder_tokens, attention_steps=None):
    """Run the encoder of a `course_utils.layers.seq2seq.Seq2Seq`; return what the searches need.

    Args:
        model: a `Seq2Seq` (anything with `.encoder` and a `.decoder` that has `step`).
        encoder_tokens: int (batch, T_in).
        attention_steps: None, or how many steps' attention weights the state records.

    Returns:
        `(step_fn, initial_state)` for `greedy_decode`, `beam_search`, `exhaustive_search`, ...;
        the state is a `DecoderState` whose context (encoder outputs and mask) is never copied.

    Example:
        step_fn, state = seq2seq_step_fn(model, x_test)   # x_test (500, 9)
        beam_search(step_fn, state, start_id=1, end_id=2, max_length=12, beam_width=4)
    """
    if not hasattr(model, "encoder") or not hasattr(getattr(model, "decoder", None), "step"):
        validation.fail(
            "model", "a course_utils.layers.seq2seq.Seq2Seq model", type(model).__name__
        )
    encoder_tokens = validation.token_ids(encoder_tokens, "encoder_tokens", rank=2)
    attention_steps = validation.optional(
        validation.integer, attention_steps, "attention_steps", minimum=1
    )
    return _seq2seq_start(model, encoder_tokens, attention_steps, model.encoder)


def _seq2seq_start(model, encoder_tokens, attention_steps, encode):
    outputs, states, mask = encode(encoder_tokens)
    recurrent = {"states": list(states)}
    if attention_steps is not None:
        batch, steps = encoder_tokens.shape
        recurrent["attention"] = tf.zeros((batch, attention_steps, steps), outputs.dtype)
        recurrent["step"] = tf.zeros((batch,), tf.int32)
    context = {"encoder_outputs": outputs, "mask": mask}
    return Seq2SeqStep(model.decoder, attention_steps), DecoderState(recurrent, context)


def seq2seq_greedy_decode(model, encoder_tokens, max_length, start_id, end_id, batch_size=256):
    """`Seq2Seq.greedy_decode`: greedy tokens and the attention weights of every step.

    All `max_length` steps run (after `<end>` the model keeps feeding its own argmax, so the
    weights there are those of its continuation; the tokens there are padding), `batch_size` rows
    per compiled call, the last chunk padded to the same shape so that one program serves all.

    Returns:
        `(tokens, weights)`: int32 (batch, max_length) and float (batch, max_length, T_in).
    """
    encoder_tokens = validation.token_ids(encoder_tokens, "encoder_tokens", rank=2)
    max_length = validation.integer(max_length, "max_length", minimum=1)
    batch_size = validation.integer(batch_size, "batch_size", minimum=1)
    encoder = weakref.ref(model.encoder)  # one XLA program, as this decoder always ran it
    encode = compiled(
        model.encoder, "encode", lambda: lambda tokens: encoder()(tokens), jit_compile=True
    )
    tokens, weights = [], []
    for first in range(0, len(encoder_tokens), batch_size):
        chunk = encoder_tokens[first : first + batch_size]
        rows = len(chunk)
        if rows < batch_size and len(encoder_tokens) > batch_size:  # keep one compiled shape
            chunk = np.concatenate([chunk, np.repeat(chunk[-1:], batch_size - rows, 0)])
        step_fn, state = _seq2seq_start(model, chunk, max_length, encode)
        result, recurrent = run_step_loop(
            step_fn, state, start_id, end_id, model.encoder.pad_id, max_length, stop_early=False
        )
        tokens.append(result.tokens[:rows])
        weights.append(np.asarray(recurrent["attention"])[:rows])
    return np.concatenate(tokens), np.concatenate(weights)


def strip_special(tokens, lengths, end_id):
    """Turn decoded arrays into lists of token ids without the end token and the padding.

    Args:
        tokens: int array (batch, max_length); lengths: int array (batch,) including `end_id`.

    Returns:
        A list of `batch` lists of token ids.
    """
    tokens = validation.array(tokens, "tokens", rank=2)
    lengths = validation.array(lengths, "lengths", rank=1)
    if lengths.shape != tokens.shape[:1]:
        validation.fail(
            "lengths", f"an array with one length per row of `tokens` ({len(tokens)})", lengths
        )
    return [[int(x) for x in row[:n] if x != end_id] for row, n in zip(tokens, lengths)]
