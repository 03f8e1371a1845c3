"""Evaluating and sampling a character-level (or any token-level) language model.

A language model gives p(x_t | x_1..x_{t-1}). Its quality on held-out text is the mean negative
log-likelihood per token (nats), usually reported as

    perplexity          = exp(mean NLL)            # "as unsure as a uniform choice among this many"
    bits per character  = mean NLL / ln 2

The baseline every model must beat is the unigram model, which ignores the context and predicts
each character by its frequency in the training text. Sampling draws the next token from
p(x_t | ...)^(1/temperature) (renormalised): temperature -> 0 is greedy decoding (argmax),
temperature 1 samples the model's own distribution, larger values flatten it.

The model is any Keras model mapping token ids (batch, time) to per-step probabilities
(batch, time, vocabulary), or logits with `from_logits=True`.

Generation runs through `course_utils.decoding`: `LanguageModelStep` is the model as a step
function (its state is the context window), and `generate` drives decoding's greedy or sampling
loop with it.

Example:
    nll = mean_negative_log_likelihood(model, x_val, y_val)      # nats per character
    perplexity(nll), bits_per_character(nll)
    text = generate_text(model, "def ", 200, vocabulary, temperature=0.8, seed=0)
"""

import math
import weakref

import numpy as np
import tensorflow as tf

from course_utils import decoding, validation
from course_utils.compiled import compiled


def perplexity(mean_nll):
    """exp(mean negative log-likelihood in nats per token)."""
    return float(math.exp(_nonnegative(mean_nll)))


def bits_per_character(mean_nll):
    """Mean negative log-likelihood converted from nats to bits: `mean_nll / ln 2`."""
    return float(_nonnegative(mean_nll) / math.log(2.0))


def unigram_probabilities(token_ids, vocabulary_size, smoothing=1.0):
    """Character frequencies with add-`smoothing` (Laplace) counts, so unseen ones keep p > 0.

    Returns:
        (vocabulary_size,) float64 probabilities summing to 1.
    """
    ids = _token_array(token_ids, vocabulary_size, "token_ids")
    smoothing = validation.number(smoothing, "smoothing", minimum=0)
    if smoothing == 0 and ids.size == 0:
        validation.fail("smoothing", "> 0 for an empty text", smoothing)
    counts = np.bincount(ids.ravel(), minlength=vocabulary_size).astype(np.float64) + smoothing
    return counts / counts.sum()


def unigram_cross_entropy(train_ids, test_ids, vocabulary_size, smoothing=1.0):
    """Mean NLL (nats per token) on `test_ids` of the unigram model fitted on `train_ids`."""
    probabilities = unigram_probabilities(train_ids, vocabulary_size, smoothing)
    test = _token_array(test_ids, vocabulary_size, "test_ids")
    if test.size == 0:
        validation.fail("test_ids", "at least one token id", test_ids)
    return float(-np.log(probabilities[test.ravel()]).mean())


def log_probabilities(model, inputs, targets, batch_size=256, from_logits=False):
    """log p(targets[i, t] | inputs[i, :t + 1]) of `model` in nats, shape (n, time), float64.

    Args:
        model: maps (batch, time) ids to (batch, time, vocabulary) probabilities (or logits).
        inputs: (n, time) int ids; targets: (n, time) int ids (usually inputs shifted by one).
        batch_size: sequences per forward pass.
        from_logits: the model outputs logits instead of probabilities.
    """
    inputs = validation.token_ids(inputs, "inputs", rank=2)
    targets = validation.token_ids(targets, "targets", rank=2)
    if targets.shape != inputs.shape:
        validation.fail("targets", f"(n, time) ids of the shape of inputs {inputs.shape}", targets)
    batch_size = validation.integer(batch_size, "batch_size", minimum=1)
    predict = _predict_function(model)
    result = np.empty(targets.shape, np.float64)
    for start in range(0, len(inputs), batch_size):
        outputs = (
            predict(tf.constant(inputs[start : start + batch_size])).numpy().astype(np.float64)
        )
        if outputs.ndim != 3 or outputs.shape[:2] != targets[start : start + batch_size].shape:
            validation.fail(
                "model",
                "a model returning (batch, time, vocabulary) outputs",
                f"outputs of shape {outputs.shape}",
            )
        log_probs = _log_softmax(outputs) if from_logits else np.log(np.maximum(outputs, 1e-300))
        picked = np.take_along_axis(
            log_probs, targets[start : start + batch_size, :, None], axis=-1
        )
        result[start : start + batch_size] = picked[..., 0]
    return result


def mean_negative_log_likelihood(model, inputs, targets, batch_size=256, from_logits=False):
    """Mean NLL in nats per target token of `model` on (inputs, targets), computed in float64.

    Args:
        model: maps (batch, time) ids to (batch, time, vocabulary) probabilities (or logits).
        inputs: (n, time) int ids; targets: (n, time) int ids (usually inputs shifted by one).
        batch_size: sequences per forward pass.
        from_logits: the model outputs logits instead of probabilities.
    """
    return float(-log_probabilities(model, inputs, targets, batch_size, from_logits).mean())


def apply_temperature(probabilities, temperature):
    """Rescale a distribution: p_i^(1/temperature), renormalised (computed in log space)."""
    _check_temperature(temperature)
    logits = np.log(np.maximum(np.asarray(probabilities, np.float64), 1e-300)) / temperature
    return np.exp(_log_softmax(logits))


class LanguageModelStep:
    """A language model as a `course_utils.decoding` step function.

    The state is the context window, int32 (batch, n): each step appends the token it is fed,
    keeps the last `context_length` ids (all of them when None), runs the model over the window
    and returns log p(next token) at its last position, computed in float64. The window grows
    until it holds `context_length` ids, so decoding runs this step eagerly (`eager=True`).

    Args:
        model: maps (batch, time) ids to per-step probabilities (or logits).
        context_length: most ids fed to the model; None for the whole text so far.
        from_logits: the model outputs logits instead of probabilities.
    """

    def __init__(self, model, context_length=None, from_logits=False):
        self.predict = _predict_function(model)
        self.context_length, self.from_logits = context_length, from_logits

    def __call__(self, token_ids, window):
        window = tf.concat([window, tf.cast(token_ids, window.dtype)[:, None]], axis=1)
        if self.context_length:
            window = window[:, -self.context_length :]
        last = tf.cast(self.predict(window)[:, -1], tf.float64)
        if self.from_logits:
            shifted = last - tf.reduce_max(last, axis=-1, keepdims=True)
            total = tf.reduce_sum(tf.exp(shifted), axis=-1, keepdims=True)
            probabilities = tf.exp(shifted - tf.math.log(total))
        else:
            probabilities = last / tf.reduce_sum(last, axis=-1, keepdims=True)
        return tf.math.log(tf.maximum(probabilities, 1e-300)), window


def generate(
    model,
    prompt_ids,
    length,
    temperature=1.0,
    greedy=False,
    seed=0,
    context_length=None,
    from_logits=False,
):
    """Continue `prompt_ids` by `length` tokens, one at a time, feeding each choice back in.

    The loop is `course_utils.decoding`'s greedy search or sampling on `LanguageModelStep`; a
    sample draws the next id as `numpy.random.default_rng(seed).choice(p=...)` would.

    Args:
        model: maps (batch, time) ids to per-step probabilities (or logits).
        prompt_ids: the starting ids (at least one).
        length: how many tokens to generate.
        temperature: sharpen (< 1) or flatten (> 1) the distribution before sampling.
        greedy: take the most likely token every time (deterministic; ignores temperature).
        seed: seed of the NumPy generator used for sampling, so a call is reproducible.
        context_length: feed at most this many most recent tokens (the training window length);
            the whole text so far when None.

    Returns:
        (len(prompt_ids) + length,) int array: the prompt followed by the generated ids.
    """
    ids = [int(i) for i in validation.token_ids(np.asarray(prompt_ids).ravel(), "prompt_ids")]
    if not ids:
        validation.fail("prompt_ids", "at least one token id", prompt_ids)
    length = validation.integer(length, "length", minimum=0)
    context_length = validation.optional(
        validation.integer, context_length, "context_length", minimum=1
    )
    if not greedy:
        temperature = _check_temperature(temperature)
    if length == 0:
        return np.asarray(ids)
    step = LanguageModelStep(model, context_length, from_logits)
    window = tf.constant([ids[:-1]], tf.int32, shape=(1, len(ids) - 1))
    options = dict(start_id=ids[-1], end_id=None, max_length=length, eager=True)
    if greedy:
        result = decoding.greedy_decode(step, window, **options)
    else:
        result = decoding.sample_decode(step, window, temperature=temperature, seed=seed, **options)
    return np.asarray(ids + [int(i) for i in result.tokens[0]])


def generate_text(model, prompt, length, vocabulary, **kwargs):
    """`generate` for text: encode `prompt` with `vocabulary` (vocabulary[i] is the token of id
    i, e.g. a string or list of characters), decode the result; keyword arguments go to
    `generate`."""
    index = {token: i for i, token in enumerate(vocabulary)}
    missing = sorted({c for c in prompt if c not in index})
    if missing:
        validation.fail(
            "prompt", "text whose every token is in the vocabulary (these are not)", missing
        )
    ids = generate(model, [index[c] for c in prompt], length, **kwargs)
    return "".join(vocabulary[i] for i in ids)


def _predict_function(model):
    """One traced function per model, accepting any (batch, time): no retracing per length.
    It reaches the model through a weak reference, so the cache does not keep the model alive."""
    reference = weakref.ref(model)
    return compiled(
        model,
        "predict",
        lambda: lambda ids: reference()(ids, training=False),
        input_signature=[tf.TensorSpec([None, None], tf.int32)],
        reduce_retracing=True,
    )


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _check_temperature(temperature):
    if not validation.is_number(temperature) or not math.isfinite(temperature) or temperature <= 0:
        validation.fail(
            "temperature", "a finite number > 0 (greedy=True for the argmax)", temperature
        )
    return float(temperature)


def _token_array(token_ids, vocabulary_size, name):
    vocabulary_size = validation.integer(vocabulary_size, "vocabulary_size", minimum=1)
    return validation.token_ids(token_ids, name, vocabulary_size=vocabulary_size).astype(np.int64)


def _nonnegative(value):
    return validation.number(value, "mean_nll", minimum=0)
