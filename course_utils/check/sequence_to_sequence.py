"""Checks for the sequence-to-sequence part (notebooks 11-14): seq2seq, attention, beam search
and Transformers.

Function exercises are called on hidden random inputs (several shapes, fresh copies each time)
and compared with a reference computed here, so returning an input or a constant does not pass;
a wrong answer gets a hint about *what* is off (the divisor, the mask, the shift), never the
expected value.

    check.masked_mean(my_masked_mean)                 # notebook 11
    check.teacher_forcing_arrays(my_arrays)           # notebook 11
    check.exposure_bias(answer)                       # notebook 11
    check.masked_attention(my_attention)              # notebook 12
    check.attention_parameters(answer)                # notebook 12
    check.alignment(answer)                           # notebook 12
    check.number_of_outputs(answer, vocabulary_size=4, max_length=3)              # notebook 13
    check.length_normalised_score(answer, token_log_probs=..., length_penalty=0.6) # notebook 13
    check.beam_search_statements(answer)                                          # notebook 13
    check.sequential_operations(answer, sequence_length=50)                       # notebook 14
    check.attention_score_count(answer, sequence_length=128, num_heads=4)         # notebook 14
    check.transformer_statements(answer)                                          # notebook 14
"""

import numpy as np
import math

from course_utils.check.core import (
    integer_answer,
    number_answer,
    report,
)
from course_utils.check.core import run_student_function as _run, student_array as _array


__all__ = [
    "masked_mean",
    "teacher_forcing_arrays",
    "exposure_bias",
    "masked_attention",
    "attention_parameters",
    "alignment",
    "EXPOSURE_BIAS_CHOICES",
    "ATTENTION_PARAMETERS_QUESTION",
    "ALIGNMENT_QUESTION",
    "number_of_outputs",
    "length_normalised_score",
    "beam_search_statements",
    "sequential_operations",
    "attention_score_count",
    "transformer_statements",
    "BEAM_SEARCH_STATEMENTS",
    "TRANSFORMER_STATEMENTS",
]


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
    token (mask is 1.0 at real tokens and 0.0 at padding)."""
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
        hints = [
            (losses.mean(), "you averaged over every position, padding included: the classic bug."),
            (
                (losses * mask).sum() / mask.size,
                "the padded losses are zeroed, but you still divide "
                "by batch x time: divide by the number of real tokens.",
            ),
            (
                ((losses * mask).sum(1) / mask.sum(1)).mean(),
                "you averaged per sequence first, which "
                "weights the tokens of short sequences more.",
            ),
            ((losses * mask).sum(), "you summed; divide by the number of real tokens."),
            (
                (losses * mask).sum() / batch,
                "you divided by the batch size, not by the number of real tokens.",
            ),
        ]
        message = next(
            (m for ref, m in hints if _close(result, ref)),
            "the value differs from the mean over real tokens.",
        )
        return report("masked_mean", False, message)
    return report(
        "masked_mean",
        True,
        "padding changes nothing: sum over real tokens / number of real tokens.",
    )


def teacher_forcing_arrays(fn):
    """`fn(target_ids, width)` gets a list of id lists (no start/end) and must return
    `(decoder_inputs, decoder_targets)`: <start>=1 + ids and ids + <end>=2, each padded with 0
    to `width` columns."""
    rng = np.random.default_rng(1102)
    for count, width in ((3, 6), (5, 9), (1, 4)):
        targets = [
            list(map(int, rng.integers(3, 12, size=rng.integers(1, width)))) for _ in range(count)
        ]
        inputs_ref = np.zeros((count, width), dtype=np.int64)
        targets_ref = np.zeros((count, width), dtype=np.int64)
        for row, ids in enumerate(targets):
            inputs_ref[row, : len(ids) + 1] = [START] + ids
            targets_ref[row, : len(ids) + 1] = ids + [END]
        value, failed = _run("teacher_forcing_arrays", fn, [list(t) for t in targets], width)
        if failed is not None:
            return failed
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return report(
                "teacher_forcing_arrays", False, "return a pair (decoder_inputs, decoder_targets)."
            )
        arrays = []
        for name, part in zip(("decoder_inputs", "decoder_targets"), value):
            array, failed = _array("teacher_forcing_arrays", part, (count, width), what=name)
            if failed is not None:
                return failed
            arrays.append(array)
        inputs, outputs = arrays
        if _close(inputs, targets_ref) and _close(outputs, inputs_ref):
            return report(
                "teacher_forcing_arrays",
                False,
                "the two arrays are swapped: the decoder "
                "*reads* <start> + y and must *predict* y + <end>.",
            )
        if not _close(inputs, inputs_ref):
            return report(
                "teacher_forcing_arrays",
                False,
                "decoder_inputs should be <start> (id 1) followed "
                "by the target ids, then padding 0.",
            )
        if not _close(outputs, targets_ref):
            return report(
                "teacher_forcing_arrays",
                False,
                "decoder_targets should be the target ids followed "
                "by <end> (id 2), then padding 0.",
            )
    return report(
        "teacher_forcing_arrays",
        True,
        "the decoder reads y shifted right by one, starting with <start>.",
    )


def exposure_bias(answer):
    """Letter of the statement in `EXPOSURE_BIAS_CHOICES` that describes exposure bias."""
    choice = str(answer).strip().lower().rstrip(")").lstrip("(")
    if choice not in EXPOSURE_BIAS_CHOICES:
        return report(
            "exposure_bias",
            False,
            f"answer with one of {sorted(EXPOSURE_BIAS_CHOICES)}, got {answer!r}",
        )
    if choice == "a":
        return report(
            "exposure_bias", True, "training feeds true prefixes, inference feeds the model's own."
        )
    hints = {
        "b": "padding is masked in the encoder; exposure bias is about what the *decoder* reads.",
        "c": "it is about which inputs the decoder sees, not about the size of the loss.",
        "d": "that is a bias of the output distribution, not the train/test mismatch of inputs.",
    }
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
        mask[rng.integers(1, steps) :] = 0.0
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
                message = (
                    "the weights differ from a softmax of values @ query over the real positions."
                )
            return report("masked_attention", False, message)
        if not _close(context, weights_ref @ values):
            return report(
                "masked_attention",
                False,
                "the weights are right; the context is their weighted "
                "sum of the value rows, weights @ values.",
            )
    return report(
        "masked_attention",
        True,
        "a softmax over real positions, then a weighted sum of the values.",
    )


def attention_parameters(answer):
    """Trainable parameters of `BahdanauAttention(units)` for the sizes in
    `ATTENTION_PARAMETERS_QUESTION` (query 64, values 48, units 16)."""
    answer, failed = number_answer("attention_parameters", answer)
    if failed is not None:
        return failed
    q, v, u = (ATTENTION_PARAMETERS_QUESTION[k] for k in ("query_size", "values_size", "units"))
    expected = q * u + v * u + u
    hints = {
        q * u + v * u: "the score vector v (units entries) is missing.",
        2 * q * u + u: "W_k maps the values (size 48), not the query, to the hidden layer.",
        q * v: "that is Luong 'general' (one matrix W): Bahdanau has W_q, W_k and v.",
        0: "that is Luong 'dot', which has no weights.",
    }
    if answer == expected:
        return report("attention_parameters", True, "W_q (64x16) + W_k (48x16) + v (16).")
    return report(
        "attention_parameters", False, hints.get(answer, "count W_q, W_k and the score vector v.")
    )


def alignment(answer):
    """A dict mapping each German token of `ALIGNMENT_QUESTION` to the English token it
    translates (use "-" for the hyphen)."""
    if not isinstance(answer, dict):
        return report(
            "alignment",
            False,
            f"answer with a dict German token -> English token, got {type(answer).__name__}",
        )
    expected = {
        "drei": "three",
        "hundert": "hundred",
        "zwei": "two",
        "und": "-",
        "vierzig": "forty",
    }
    missing = [token for token in expected if token not in answer]
    if missing:
        return report("alignment", False, f"these German tokens have no answer yet: {missing}")
    wrong = [token for token in expected if str(answer[token]).strip().lower() != expected[token]]
    if not wrong:
        return report(
            "alignment", True, "zwei looks back past 'forty' to 'two': the alignment crosses."
        )
    if set(wrong) >= {"zwei", "vierzig"} and answer.get("zwei") == "forty":
        return report(
            "alignment", False, "German says the units first: which English word is 'zwei'?"
        )
    return report("alignment", False, f"{len(wrong)} of {len(expected)} not right yet: {wrong}")


BEAM_SEARCH_STATEMENTS = {
    "A": "Beam search with beam width 1 is greedy search.",
    "B": "Beam search always finds the most probable output.",
    "C": "A wider beam never gives a best output with a lower model score.",
    "D": "An output with a higher model score always has a higher BLEU.",
    "E": "Without length normalisation, beam search tends to prefer short outputs.",
}
_BEAM_TRUE = {"A", "E"}
_BEAM_HINTS = {
    "A": "a beam of one keeps only the single best extension at every step: what is that?",
    "B": "beam search drops hypotheses for good; could the best output start with a dropped "
    "prefix?",
    "C": "the beams of different widths keep different prefixes; nothing makes the wider one "
    "contain the narrower one.",
    "D": "the model score measures what the model believes, BLEU what the reference says.",
    "E": "every extra token multiplies the probability by a number below 1.",
}
TRANSFORMER_STATEMENTS = {
    "A": "In one self-attention layer, the output at position 10 can be computed before the "
    "output at position 9 is known.",
    "B": "Without positional encodings, a Transformer encoder maps 'dog bites man' and 'man bites "
    "dog' to the same output vectors, only in a different order.",
    "C": "In one LSTM layer, the state at position 10 can be computed before the state at "
    "position 9 is known.",
    "D": "In a stack of 12 Transformer encoder layers, the gradient from the loss reaches the "
    "first layer's weights through a single step, so it cannot vanish.",
    "E": "A causal self-attention layer (position j reads only positions i <= j) still computes "
    "all T positions of a training sequence at once.",
}
_TRANSFORMER_TRUE = {"A", "B", "E"}
_TRANSFORMER_HINTS = {
    "A": "does output j of self-attention read the *outputs* of the other positions, or their "
    "inputs?",
    "B": "shuffle the input positions of self-attention: what happens to its outputs?",
    "C": "what does h_t = f(h_(t-1), x_t) need before it can be computed?",
    "D": "attention shortens the path between *positions*; how many layers does the gradient "
    "still pass through on its way down?",
    "E": "the causal mask removes some pairs (i, j); does any output then wait for another output?",
}


def _statements(exercise, answer, statements, true, hints):
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return report(
            exercise,
            False,
            f"answer with a set of letters such as {{'A', 'C'}}, got {answer!r:.40}",
        )
    chosen = {str(letter).strip().upper() for letter in answer}
    unknown = sorted(chosen - set(statements))
    if unknown:
        return report(
            exercise, False, f"{unknown} are not statements; choose from {sorted(statements)}"
        )
    if chosen == true:
        return report(exercise, True, "exactly the true statements.")
    # The message must not depend on which letters are wrong, or a few tries would reveal the key.
    questions = "\n".join(f"  {letter}: {hints[letter]}" for letter in sorted(statements))
    return report(exercise, False, f"some statements are misjudged. Ask of each one:\n{questions}")


# -- notebook 13 -------------------------------------------------------------------------------
def number_of_outputs(answer, vocabulary_size=4, max_length=3):
    """How many distinct outputs can a decoder produce (the end token is one of the vocabulary)?"""
    exercise = "number_of_outputs"
    failure = integer_answer(exercise, answer)
    if failure is not None:
        return failure
    others = vocabulary_size - 1
    expected = sum(others**n for n in range(max_length)) + others**max_length
    if answer == expected:
        return report(
            exercise,
            True,
            f"that is the space an exhaustive search must score for {max_length} steps.",
        )
    if answer == vocabulary_size**max_length:
        hint = "that counts every string of tokens, but nothing is generated after <end>."
    elif answer == others**max_length:
        hint = "those are only the outputs that never stop; outputs can also end early with <end>."
    elif answer < expected:
        hint = (
            "too few: count the outputs of each length 1..max_length (ending with <end>) and "
            "the cut ones."
        )
    else:
        hint = "too many: after <end> the output stops, and <end> is the last token of an output."
    return report(exercise, False, hint)


def length_normalised_score(answer, token_log_probs=(-0.4, -1.2, -0.1, -0.3), length_penalty=0.6):
    """The score log p / length ** alpha of an output with the given token log-probabilities."""
    exercise = "length_normalised_score"
    answer, failed = number_answer(exercise, answer)
    if failed is not None:
        return failed
    total, length = sum(token_log_probs), len(token_log_probs)
    expected = total / length**length_penalty
    if math.isclose(answer, expected, rel_tol=1e-3, abs_tol=1e-4):
        return report(
            exercise, True, "longer outputs are now penalised less for their extra tokens."
        )
    if math.isclose(answer, total, rel_tol=1e-3):
        hint = "that is the raw log-probability; divide it by length ** length_penalty."
    elif math.isclose(answer, total / length, rel_tol=1e-3):
        hint = (
            "that is the mean per token (alpha = 1); use the given length_penalty as the exponent."
        )
    elif answer > 0:
        hint = "a log-probability is negative, and so is its normalised score."
    else:
        hint = (
            "sum the token log-probabilities (the <end> token counts), then divide by "
            "length ** alpha."
        )
    return report(exercise, False, hint)


def beam_search_statements(answer):
    """Which statements in BEAM_SEARCH_STATEMENTS are true? Answer with a set of letters."""
    return _statements(
        "beam_search_statements", answer, BEAM_SEARCH_STATEMENTS, _BEAM_TRUE, _BEAM_HINTS
    )


# -- notebook 14 -------------------------------------------------------------------------------
def sequential_operations(answer, sequence_length=50, num_layers=1):
    """Steps that must run one after another in a stack of `num_layers` layers over
    `sequence_length` tokens, one step per cell application (RNN) or per layer (self-attention):
    answer {"rnn": ..., "self_attention": ...}."""
    exercise = "sequential_operations"
    if not isinstance(answer, dict) or set(answer) != {"rnn", "self_attention"}:
        return report(
            exercise,
            False,
            f"answer with a dict with the keys 'rnn' and 'self_attention', got {answer!r:.60}",
        )
    for key in ("rnn", "self_attention"):
        failure = integer_answer(f"{exercise}[{key!r}]", answer[key])
        if failure is not None:
            return failure
    expected = {"rnn": sequence_length + num_layers - 1, "self_attention": num_layers}
    if answer == expected:
        return report(
            exercise, True, "the recurrence is a chain; attention computes every position at once."
        )
    if answer["rnn"] != expected["rnn"]:
        if num_layers > 1 and answer["rnn"] == sequence_length * num_layers:
            hint = (
                "'rnn' is too large: layer 2 need not wait for layer 1 to finish the sequence; "
                "its step t needs only layer 1's step t and its own step t - 1."
            )
        elif num_layers > 1 and answer["rnn"] == sequence_length:
            hint = (
                "'rnn' is too small: the top layer's last step waits for the layers below it "
                "at the last position, and for its own earlier steps."
            )
        elif num_layers == 1 and abs(answer["rnn"] - sequence_length) == 1:
            hint = "'rnn' is off by one: the first step h_1 already depends on the input x_1."
        else:
            hint = (
                "'rnn' is off: cell (layer l, step t) needs cells (l - 1, t) and (l, t - 1); "
                "follow the longest chain from the first cell to the last."
            )
    elif num_layers > 1 and answer["self_attention"] == 1:
        hint = "'self_attention' is too small: each layer needs the whole output of the one below."
    else:
        hint = "'self_attention' is off: does output j have to wait for output j - 1?"
    return report(exercise, False, hint)


def attention_score_count(answer, sequence_length=128, num_heads=4):
    """Attention weights one self-attention layer computes for one sequence (all heads)."""
    exercise = "attention_score_count"
    failure = integer_answer(exercise, answer)
    if failure is not None:
        return failure
    expected = num_heads * sequence_length**2
    if answer == expected:
        return report(exercise, True, "quadratic in T: doubling the length quadruples this work.")
    if answer == sequence_length**2:
        hint = "right for one head; every head computes its own weights."
    elif answer in (num_heads * sequence_length, sequence_length):
        hint = "every query position gets a weight for every key position, not just one."
    else:
        hint = "count queries x keys for one head, then multiply by the number of heads."
    return report(exercise, False, hint)


def transformer_statements(answer):
    """Which statements in TRANSFORMER_STATEMENTS are true? Answer with a set of letters."""
    return _statements(
        "transformer_statements",
        answer,
        TRANSFORMER_STATEMENTS,
        _TRANSFORMER_TRUE,
        _TRANSFORMER_HINTS,
    )
