"""Checks for notebooks 11-12: sequence to sequence and attention.

Function exercises are called on hidden random inputs (several shapes, fresh copies each time)
and compared with a reference computed here, so returning an input or a constant does not pass;
a wrong answer gets a hint about *what* is off (the divisor, the mask, the shift), never the
expected numbers.

    check.masked_mean(my_masked_mean)                 # notebook 11
    check.teacher_forcing_arrays(my_arrays)           # notebook 11
    check.exposure_bias(answer)                       # notebook 11
    check.masked_attention(my_attention)              # notebook 12
    check.attention_parameters(answer)                # notebook 12
    check.alignment(answer)                           # notebook 12
"""
import numpy as np

from course_utils.check import core
from course_utils.check.core import StudentCodeError, as_array, report
from course_utils.check.core import run_student_function as _run, student_array as _array

__all__ = ["masked_mean", "teacher_forcing_arrays", "exposure_bias", "masked_attention",
           "attention_parameters", "alignment", "EXPOSURE_BIAS_CHOICES",
           "ATTENTION_PARAMETERS_QUESTION", "ALIGNMENT_QUESTION"]

START, END, PAD = 1, 2, 0

EXPOSURE_BIAS_CHOICES = {
    "a": "At inference the decoder reads its own earlier predictions, which it never saw in "
         "training, so one mistake can lead to more.",
    "b": "The encoder sees the padding tokens and forgets the input.",
    "c": "Teacher forcing makes the training loss larger than the test loss.",
    "d": "The decoder is biased towards the most frequent output token.",
}
ATTENTION_PARAMETERS_QUESTION = {"query_size": 64, "values_size": 48, "units": 16}
ALIGNMENT_QUESTION = {
    "english": ["three", "hundred", "and", "forty", "-", "two"],
    "german": ["drei", "hundert", "zwei", "und", "vierzig"],
}


def _close(a, b):
    return a is not None and np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-6, atol=1e-8)


# -- notebook 11 --------------------------------------------------------------------------------
def masked_mean(fn):
    """`fn(token_losses, mask)` with (batch, time) arrays must return the mean loss per real
    token: sum(token_losses * mask) / sum(mask)."""
    rng = np.random.default_rng(1101)
    for batch, time in ((3, 5), (4, 9), (1, 4)):
        losses = rng.uniform(0.1, 3.0, size=(batch, time))
        lengths = rng.integers(1, time, size=batch)
        mask = (np.arange(time)[None, :] < lengths[:, None]).astype(np.float64)
        value, failed = _run("masked_mean", fn, losses.copy(), mask.copy())
        if failed is not None:
            return failed
        result, failed = _array("masked_mean", value, ())
        if failed is not None:
            return failed
        expected = (losses * mask).sum() / mask.sum()
        if _close(result, expected):
            continue
        hints = [(losses.mean(), "you averaged over every position, padding included: the classic bug."),
                 ((losses * mask).sum() / mask.size, "the padded losses are zeroed, but you still divide "
                                                      "by batch x time: divide by the number of real tokens."),
                 (((losses * mask).sum(1) / mask.sum(1)).mean(), "you averaged per sequence first, which "
                                                                  "weights the tokens of short sequences more."),
                 ((losses * mask).sum(), "you summed; divide by the number of real tokens."),
                 ((losses * mask).sum() / batch, "you divided by the batch size, not by the number of real tokens.")]
        message = next((m for ref, m in hints if _close(result, ref)), "the value differs from the mean over real tokens.")
        return report("masked_mean", False, message)
    return report("masked_mean", True, "padding changes nothing: sum over real tokens / number of real tokens.")


def teacher_forcing_arrays(fn):
    """`fn(target_ids, width)` gets a list of id lists (no start/end) and must return
    `(decoder_inputs, decoder_targets)`: <start>=1 + ids and ids + <end>=2, each padded with 0
    to `width` columns."""
    rng = np.random.default_rng(1102)
    for count, width in ((3, 6), (5, 9), (1, 4)):
        targets = [list(map(int, rng.integers(3, 12, size=rng.integers(1, width)))) for _ in range(count)]
        inputs_ref = np.zeros((count, width), dtype=np.int64)
        targets_ref = np.zeros((count, width), dtype=np.int64)
        for row, ids in enumerate(targets):
            inputs_ref[row, :len(ids) + 1] = [START] + ids
            targets_ref[row, :len(ids) + 1] = ids + [END]
        value, failed = _run("teacher_forcing_arrays", fn, [list(t) for t in targets], width)
        if failed is not None:
            return failed
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return report("teacher_forcing_arrays", False, "return a pair (decoder_inputs, decoder_targets).")
        arrays = []
        for name, part in zip(("decoder_inputs", "decoder_targets"), value):
            array, failed = _array("teacher_forcing_arrays", part, (count, width), what=name)
            if failed is not None:
                return failed
            arrays.append(array)
        inputs, outputs = arrays
        if _close(inputs, targets_ref) and _close(outputs, inputs_ref):
            return report("teacher_forcing_arrays", False, "the two arrays are swapped: the decoder "
                                                           "*reads* <start> + y and must *predict* y + <end>.")
        if not _close(inputs, inputs_ref):
            return report("teacher_forcing_arrays", False, "decoder_inputs should be <start> (id 1) followed "
                                                           "by the target ids, then padding 0.")
        if not _close(outputs, targets_ref):
            return report("teacher_forcing_arrays", False, "decoder_targets should be the target ids followed "
                                                           "by <end> (id 2), then padding 0.")
    return report("teacher_forcing_arrays", True, "the decoder reads y shifted right by one, starting with <start>.")


def exposure_bias(answer):
    """Letter of the statement in `EXPOSURE_BIAS_CHOICES` that describes exposure bias."""
    choice = str(answer).strip().lower().rstrip(")").lstrip("(")
    if choice not in EXPOSURE_BIAS_CHOICES:
        return report("exposure_bias", False, f"answer with one of {sorted(EXPOSURE_BIAS_CHOICES)}, got {answer!r}")
    if choice == "a":
        return report("exposure_bias", True, "training feeds true prefixes, inference feeds the model's own.")
    hints = {"b": "padding is masked in the encoder; exposure bias is about what the *decoder* reads.",
             "c": "it is about which inputs the decoder sees, not about the size of the loss.",
             "d": "that is a bias of the output distribution, not the train/test mismatch of inputs."}
    return report("exposure_bias", False, hints[choice])


# -- notebook 12 --------------------------------------------------------------------------------
def masked_attention(fn):
    """`fn(query, values, mask)` with query (units,), values (T_in, units) and a 0/1 mask (T_in,)
    must return `(context, weights)` of Luong 'dot' attention: scores values @ query, a softmax
    over the real positions only (padding gets weight 0), context = weights @ values."""
    rng = np.random.default_rng(1201)
    for steps, units in ((5, 3), (8, 4), (3, 2)):
        query, values = rng.normal(size=units), rng.normal(size=(steps, units))
        mask = np.ones(steps)
        mask[rng.integers(1, steps):] = 0.0
        scores = values @ query
        exp = np.exp(scores - scores[mask > 0].max()) * mask
        weights_ref = exp / exp.sum()
        value, failed = _run("masked_attention", fn, query.copy(), values.copy(), mask.copy())
        if failed is not None:
            return failed
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return report("masked_attention", False, "return a pair (context, weights).")
        context, failed = _array("masked_attention", value[0], (units,), what="context")
        if failed is not None:
            return failed
        weights, failed = _array("masked_attention", value[1], (steps,), what="weights")
        if failed is not None:
            return failed
        if not _close(weights, weights_ref):
            unmasked = np.exp(scores - scores.max())
            unmasked /= unmasked.sum()
            if _close(weights, unmasked):
                message = "padded positions still get weight: mask them before the softmax."
            elif _close(weights, unmasked * mask):
                message = "you zeroed padding after the softmax, so the weights no longer sum to 1."
            elif _close(weights, scores * mask) or _close(weights, scores):
                message = "these are raw scores: apply a softmax over the real positions."
            else:
                message = "the weights differ from a softmax of values @ query over the real positions."
            return report("masked_attention", False, message)
        if not _close(context, weights_ref @ values):
            return report("masked_attention", False, "the weights are right; the context is their weighted "
                                                     "sum of the value rows, weights @ values.")
    return report("masked_attention", True, "a softmax over real positions, then a weighted sum of the values.")


def attention_parameters(answer):
    """Trainable parameters of `BahdanauAttention(units)` for the sizes in
    `ATTENTION_PARAMETERS_QUESTION` (query 64, values 48, units 16)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer, float)):
        return report("attention_parameters", False, f"answer with a number, got {type(answer).__name__}")
    q, v, u = (ATTENTION_PARAMETERS_QUESTION[k] for k in ("query_size", "values_size", "units"))
    expected = q * u + v * u + u
    hints = {q * u + v * u: "the score vector v (units entries) is missing.",
             2 * q * u + u: "W_k maps the values (size 48), not the query, to the hidden layer.",
             q * v: "that is Luong 'general' (one matrix W): Bahdanau has W_q, W_k and v.",
             0: "that is Luong 'dot', which has no weights."}
    if answer == expected:
        return report("attention_parameters", True, "W_q (64x16) + W_k (48x16) + v (16).")
    return report("attention_parameters", False, hints.get(answer, "count W_q, W_k and the score vector v."))


def alignment(answer):
    """A dict mapping each German token of `ALIGNMENT_QUESTION` to the English token it
    translates (use "-" for the hyphen)."""
    if not isinstance(answer, dict):
        return report("alignment", False, f"answer with a dict German token -> English token, got {type(answer).__name__}")
    expected = {"drei": "three", "hundert": "hundred", "zwei": "two", "und": "-", "vierzig": "forty"}
    missing = [token for token in expected if token not in answer]
    if missing:
        return report("alignment", False, f"these German tokens have no answer yet: {missing}")
    wrong = [token for token in expected if str(answer[token]).strip().lower() != expected[token]]
    if not wrong:
        return report("alignment", True, "zwei looks back past 'forty' to 'two': the alignment crosses.")
    if set(wrong) >= {"zwei", "vierzig"} and answer.get("zwei") == "forty":
        return report("alignment", False, "German says the units first: which English word is 'zwei'?")
    return report("alignment", False, f"{len(wrong)} of {len(expected)} not right yet: {wrong}")
