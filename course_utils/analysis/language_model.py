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

Example:
    nll = mean_negative_log_likelihood(model, x_val, y_val)      # nats per character
    perplexity(nll), bits_per_character(nll)
    text = generate_text(model, "def ", 200, vocabulary, temperature=0.8, seed=0)
"""
import math
import weakref

import numpy as np
import tensorflow as tf

_PREDICT_FUNCTIONS = weakref.WeakKeyDictionary()


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
    if smoothing < 0 or (smoothing == 0 and ids.size == 0):
        raise ValueError(f"smoothing must be >= 0 (and > 0 for empty text), got {smoothing!r}")
    counts = np.bincount(ids.ravel(), minlength=vocabulary_size).astype(np.float64) + smoothing
    return counts / counts.sum()


def unigram_cross_entropy(train_ids, test_ids, vocabulary_size, smoothing=1.0):
    """Mean NLL (nats per token) on `test_ids` of the unigram model fitted on `train_ids`."""
    probabilities = unigram_probabilities(train_ids, vocabulary_size, smoothing)
    test = _token_array(test_ids, vocabulary_size, "test_ids")
    if test.size == 0:
        raise ValueError("test_ids is empty")
    return float(-np.log(probabilities[test.ravel()]).mean())


def mean_negative_log_likelihood(model, inputs, targets, batch_size=256, from_logits=False):
    """Mean NLL in nats per target token of `model` on (inputs, targets), computed in float64.

    Args:
        model: maps (batch, time) ids to (batch, time, vocabulary) probabilities (or logits).
        inputs: (n, time) int ids; targets: (n, time) int ids (usually inputs shifted by one).
        batch_size: sequences per forward pass.
        from_logits: the model outputs logits instead of probabilities.
    """
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    if inputs.ndim != 2 or targets.shape != inputs.shape:
        raise ValueError(f"inputs and targets must both be (n, time) ids, got {inputs.shape} and {targets.shape}")
    predict = _predict_function(model)
    total = 0.0
    for start in range(0, len(inputs), batch_size):
        outputs = predict(tf.constant(inputs[start:start + batch_size], tf.int32)).numpy().astype(np.float64)
        if outputs.shape[:2] != targets[start:start + batch_size].shape:
            raise ValueError(f"the model returned shape {outputs.shape}; expected (batch, time, vocabulary)")
        log_probs = _log_softmax(outputs) if from_logits else np.log(np.maximum(outputs, 1e-300))
        picked = np.take_along_axis(log_probs, targets[start:start + batch_size, :, None], axis=-1)
        total -= picked.sum()
    return float(total / targets.size)


def apply_temperature(probabilities, temperature):
    """Rescale a distribution: p_i^(1/temperature), renormalised (computed in log space)."""
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (use greedy=True for argmax), got {temperature!r}")
    logits = np.log(np.maximum(np.asarray(probabilities, np.float64), 1e-300)) / temperature
    return np.exp(_log_softmax(logits))


def generate(model, prompt_ids, length, temperature=1.0, greedy=False, seed=0, context_length=None,
             from_logits=False):
    """Continue `prompt_ids` by `length` tokens, one at a time, feeding each choice back in.

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
    ids = [int(i) for i in np.asarray(prompt_ids).ravel()]
    if not ids:
        raise ValueError("prompt_ids must contain at least one token")
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"length must be an integer >= 0, got {length!r}")
    if context_length is not None and (not isinstance(context_length, (int, np.integer)) or context_length < 1):
        raise ValueError(f"context_length must be a positive integer or None, got {context_length!r}")
    if not greedy:
        apply_temperature(np.ones(2), temperature)  # validates the temperature early
    rng = np.random.default_rng(seed)
    predict = _predict_function(model)
    for _ in range(length):
        context = ids[-context_length:] if context_length else ids
        last = predict(tf.constant([context], tf.int32)).numpy()[0, -1].astype(np.float64)
        probabilities = np.exp(_log_softmax(last)) if from_logits else last / last.sum()
        if greedy:
            ids.append(int(np.argmax(probabilities)))
        else:
            probabilities = apply_temperature(probabilities, temperature)
            ids.append(int(rng.choice(probabilities.size, p=probabilities)))
    return np.asarray(ids)


def generate_text(model, prompt, length, vocabulary, **kwargs):
    """`generate` for text: encode `prompt` with `vocabulary` (vocabulary[i] is the token of id
    i, e.g. a string or list of characters), decode the result; keyword arguments go to `generate`."""
    index = {token: i for i, token in enumerate(vocabulary)}
    missing = sorted({c for c in prompt if c not in index})
    if missing:
        raise ValueError(f"prompt contains tokens not in the vocabulary: {missing}")
    ids = generate(model, [index[c] for c in prompt], length, **kwargs)
    return "".join(vocabulary[i] for i in ids)


def _predict_function(model):
    """One traced function per model, accepting any (batch, time): no retracing per length."""
    if model not in _PREDICT_FUNCTIONS:
        reference = weakref.ref(model)  # the cache must not keep the model alive
        _PREDICT_FUNCTIONS[model] = tf.function(
            lambda ids: reference()(ids, training=False), input_signature=[tf.TensorSpec([None, None], tf.int32)],
            reduce_retracing=True)
    return _PREDICT_FUNCTIONS[model]


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _token_array(token_ids, vocabulary_size, name):
    if isinstance(vocabulary_size, bool) or not isinstance(vocabulary_size, (int, np.integer)) or vocabulary_size < 1:
        raise ValueError(f"vocabulary_size must be a positive integer, got {vocabulary_size!r}")
    ids = np.asarray(token_ids)
    if ids.size and (not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= vocabulary_size):
        raise ValueError(f"{name} must be integer ids in [0, {vocabulary_size}), got {ids.dtype} values "
                         f"in [{ids.min()}, {ids.max()}]")
    return ids.astype(np.int64)


def _nonnegative(value):
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"mean_nll must be a finite number >= 0 (nats per token), got {value!r}")
    return value
