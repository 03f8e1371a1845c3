"""The step function of an image captioner (`course_utils.layers.captioning.ImageCaptioner`).

A captioner's decoder is a course seq2seq `Decoder`; only the start differs: the encoder reads
images instead of tokens. So the step is `decoding.seq2seq.Seq2SeqStep` itself and the state the
same `DecoderState({"states": ...}, {"encoder_outputs": ..., "mask": ...})`; with
`attention_steps` the recurrent part records the attention weights of every step, (batch,
attention_steps, column groups), which is what the attention maps draw.

Example:
    step_fn, state = caption_step_fn(model, test.images)          # images (600, 8, 48)
    beam_search(step_fn, state, start_id=1, end_id=2, max_length=7, beam_width=4)
    result, weights = caption_greedy_decode(model, test.images, max_length=7)
    # result.tokens (600, 7); weights (600, 7, 12)
"""

import numpy as np
import tensorflow as tf

from course_utils import validation
from course_utils.decoding.common import DecoderState
from course_utils.decoding.search import run_step_loop
from course_utils.decoding.seq2seq import Seq2SeqStep

__all__ = ["caption_greedy_decode", "caption_step_fn", "check_images"]

IMAGE_HEIGHT = 8  # the digit strips are 8 pixels high


def check_images(images, name="images"):
    """`images` as a float32 array (batch, 8, width), else a ValueError naming its shape or dtype
    and what was expected."""
    if not hasattr(images, "shape") or not hasattr(images, "dtype"):
        validation.fail(name, "an array of strips of shape (batch, 8, width)", images)
    images = np.asarray(images)
    expected = "a float array of shape (batch, 8, width)"
    if images.dtype.kind != "f":
        validation.fail_described(name, expected, f"dtype {images.dtype}")
    if images.ndim != 3 or images.shape[1] != IMAGE_HEIGHT or 0 in images.shape:
        validation.fail_described(name, expected, f"shape {images.shape}")
    return images.astype(np.float32)


def _check_model(model):
    if not hasattr(model, "encode") or not hasattr(getattr(model, "decoder", None), "step"):
        validation.fail(
            "model", "a course_utils.layers.captioning.ImageCaptioner", type(model).__name__
        )


def _start(model, images, attention_steps):
    outputs, states, mask = model.encode(
        images
    )  # (batch, columns, units), [h, c], (batch, columns)
    recurrent = {"states": list(states)}
    if attention_steps is not None:
        batch, columns = int(outputs.shape[0]), int(outputs.shape[1])
        recurrent["attention"] = tf.zeros((batch, attention_steps, columns), outputs.dtype)
        recurrent["step"] = tf.zeros((batch,), tf.int32)
    context = {"encoder_outputs": outputs, "mask": mask}
    return Seq2SeqStep(model.decoder, attention_steps), DecoderState(recurrent, context)


def caption_step_fn(model, images, attention_steps=None):
    """Encode `images` once; return `(step_fn, initial_state)` for the searches.

    Args:
        model: an `ImageCaptioner`.
        images: float (batch, 8, width).
        attention_steps: None, or how many steps' attention weights the state records.

    Returns:
        `(step_fn, initial_state)` for `greedy_decode`, `beam_search`, `sequence_log_prob`, ...
    """
    _check_model(model)
    images = check_images(images)
    attention_steps = validation.optional(
        validation.integer, attention_steps, "attention_steps", minimum=1
    )
    return _start(model, images, attention_steps)


def caption_greedy_decode(model, images, max_length, start_id=1, end_id=2, pad_id=0):
    """Greedy captions and the attention weights of every step (all `max_length` steps run).

    Returns:
        `(result, weights)`: a `DecodeResult` (tokens (batch, max_length), lengths including
        `<end>`, log_probs) and float (batch, max_length, columns); the show-and-tell model's
        single context gives weights of 1 on its one "column".
    """
    _check_model(model)
    images = check_images(images)
    max_length = validation.integer(max_length, "max_length", minimum=1)
    step_fn, state = _start(model, images, max_length)
    result, recurrent = run_step_loop(
        step_fn, state, start_id, end_id, pad_id, max_length, stop_early=False
    )
    return result, np.asarray(recurrent["attention"])
