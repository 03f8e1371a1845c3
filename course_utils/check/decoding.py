"""Checks for notebooks 13 (beam search) and 14 (from RNNs to Transformers).

    check.number_of_outputs(answer, vocabulary_size=4, max_length=3)              # notebook 13
    check.length_normalised_score(answer, token_log_probs=..., length_penalty=0.6) # notebook 13
    check.beam_search_statements(answer)                                          # notebook 13
    check.sequential_operations(answer, sequence_length=50)                       # notebook 14
    check.attention_score_count(answer, sequence_length=128, num_heads=4)         # notebook 14
    check.transformer_statements(answer)                                          # notebook 14

A wrong answer gets a hint about what is off, never the expected value.
"""
import math
import numbers

from course_utils.check.core import report

__all__ = ["number_of_outputs", "length_normalised_score", "beam_search_statements", "sequential_operations",
           "attention_score_count", "transformer_statements", "BEAM_SEARCH_STATEMENTS", "TRANSFORMER_STATEMENTS"]

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
    "B": "beam search drops hypotheses for good; could the best output start with a dropped prefix?",
    "C": "the beams of different widths keep different prefixes; nothing makes the wider one contain the narrower one.",
    "D": "the model score measures what the model believes, BLEU what the reference says.",
    "E": "every extra token multiplies the probability by a number below 1.",
}
TRANSFORMER_STATEMENTS = {
    "A": "Transformers rely on attention alone, without recurrence.",
    "B": "Transformers can process all positions of a training sequence in parallel.",
    "C": "Transformers have fewer parameters than LSTMs.",
    "D": "Transformers solve the vanishing gradient problem by design.",
    "E": "Deep Transformer stacks still need residual connections and layer normalisation to train well.",
}
_TRANSFORMER_TRUE = {"A", "B", "E"}
_TRANSFORMER_HINTS = {
    "A": "what replaces the recurrence h_t = f(h_{t-1}, x_t) in an encoder layer?",
    "B": "does position t have to wait for the result of position t - 1?",
    "C": "the parameter count depends on the sizes chosen, and large Transformers are far larger than typical LSTMs.",
    "D": "attention shortens the path between positions to one step; what happens to gradients through many layers?",
    "E": "look at what wraps each sub-layer of TransformerEncoderLayer.",
}


def _integer(exercise, answer):
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return report(exercise, False, f"answer with an int, got {type(answer).__name__}: {answer!r:.40}")
    return None


def _statements(exercise, answer, statements, true, hints):
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return report(exercise, False, f"answer with a set of letters such as {{'A', 'C'}}, got {answer!r:.40}")
    chosen = {str(letter).strip().upper() for letter in answer}
    unknown = sorted(chosen - set(statements))
    if unknown:
        return report(exercise, False, f"{unknown} are not statements; choose from {sorted(statements)}")
    if chosen == true:
        return report(exercise, True, "exactly the true statements.")
    wrong = sorted((chosen - true) | (true - chosen))
    return report(exercise, False, f"{len(wrong)} statement(s) misjudged. Reconsider {wrong[0]}: {hints[wrong[0]]}")


# -- notebook 13 -------------------------------------------------------------------------------
def number_of_outputs(answer, vocabulary_size=4, max_length=3):
    """How many distinct outputs can a decoder produce (the end token is one of the vocabulary)?"""
    exercise = "number_of_outputs"
    failure = _integer(exercise, answer)
    if failure is not None:
        return failure
    others = vocabulary_size - 1
    expected = sum(others ** n for n in range(max_length)) + others ** max_length
    if answer == expected:
        return report(exercise, True, f"that is the space an exhaustive search must score for {max_length} steps.")
    if answer == vocabulary_size ** max_length:
        hint = "that counts every string of tokens, but nothing is generated after <end>."
    elif answer == others ** max_length:
        hint = "those are only the outputs that never stop; outputs can also end early with <end>."
    elif answer < expected:
        hint = "too few: count the outputs of each length 1..max_length (ending with <end>) and the cut ones."
    else:
        hint = "too many: after <end> the output stops, and <end> is the last token of an output."
    return report(exercise, False, hint)


def length_normalised_score(answer, token_log_probs=(-0.4, -1.2, -0.1, -0.3), length_penalty=0.6):
    """The score log p / length ** alpha of an output with the given token log-probabilities."""
    exercise = "length_normalised_score"
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return report(exercise, False, f"answer with a number, got {type(answer).__name__}: {answer!r:.40}")
    total, length = sum(token_log_probs), len(token_log_probs)
    expected = total / length ** length_penalty
    if math.isclose(answer, expected, rel_tol=1e-3, abs_tol=1e-4):
        return report(exercise, True, "longer outputs are now penalised less for their extra tokens.")
    if math.isclose(answer, total, rel_tol=1e-3):
        hint = "that is the raw log-probability; divide it by length ** length_penalty."
    elif math.isclose(answer, total / length, rel_tol=1e-3):
        hint = "that is the mean per token (alpha = 1); use the given length_penalty as the exponent."
    elif answer > 0:
        hint = "a log-probability is negative, and so is its normalised score."
    else:
        hint = "sum the token log-probabilities (the <end> token counts), then divide by length ** alpha."
    return report(exercise, False, hint)


def beam_search_statements(answer):
    """Which statements in BEAM_SEARCH_STATEMENTS are true? Answer with a set of letters."""
    return _statements("beam_search_statements", answer, BEAM_SEARCH_STATEMENTS, _BEAM_TRUE, _BEAM_HINTS)


# -- notebook 14 -------------------------------------------------------------------------------
def sequential_operations(answer, sequence_length=50):
    """Steps that must run one after another for one layer: {"rnn": ..., "self_attention": ...}."""
    exercise = "sequential_operations"
    if not isinstance(answer, dict) or set(answer) != {"rnn", "self_attention"}:
        return report(exercise, False,
                      f"answer with a dict with the keys 'rnn' and 'self_attention', got {answer!r:.60}")
    for key in ("rnn", "self_attention"):
        failure = _integer(f"{exercise}[{key!r}]", answer[key])
        if failure is not None:
            return failure
    expected = {"rnn": sequence_length, "self_attention": 1}
    if answer == expected:
        return report(exercise, True, "the recurrence is a chain; attention computes every position at once.")
    if answer["rnn"] != expected["rnn"]:
        hint = ("'rnn' is off by one: the first step h_1 already depends on the input x_1."
                if abs(answer["rnn"] - sequence_length) == 1 else
                f"'rnn' is off: h_t needs h_(t-1); how many h's are there for T = {sequence_length}?")
    else:
        hint = "'self_attention' is off: does output j have to wait for output j - 1?"
    return report(exercise, False, hint)


def attention_score_count(answer, sequence_length=128, num_heads=4):
    """Attention weights one self-attention layer computes for one sequence (all heads)."""
    exercise = "attention_score_count"
    failure = _integer(exercise, answer)
    if failure is not None:
        return failure
    expected = num_heads * sequence_length ** 2
    if answer == expected:
        return report(exercise, True, "quadratic in T: doubling the length quadruples this work.")
    if answer == sequence_length ** 2:
        hint = "right for one head; every head computes its own weights."
    elif answer in (num_heads * sequence_length, sequence_length):
        hint = "every query position gets a weight for every key position, not just one."
    else:
        hint = "count queries x keys for one head, then multiply by the number of heads."
    return report(exercise, False, hint)


def transformer_statements(answer):
    """Which statements in TRANSFORMER_STATEMENTS are true? Answer with a set of letters."""
    return _statements("transformer_statements", answer, TRANSFORMER_STATEMENTS, _TRANSFORMER_TRUE,
                       _TRANSFORMER_HINTS)
