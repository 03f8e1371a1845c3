"""Checks for notebooks 01-04: unfolding, the recurrent language model, BPTT, vanishing gradients.

Function exercises are called on hidden random inputs (several shapes, fresh copies each time)
and compared with a reference computed beforehand, so returning an input, a constant, or the
course's own implementation does not pass. A wrong answer gets a hint about *what* is off (the
activation, the bias, the direction of the recurrence), never the expected numbers.

    check.parameter_count(answer)            # notebook 01
    check.rnn_step(my_rnn_step)              # notebook 02
    check.bptt_gradient(my_bptt_gradient)    # notebook 03
    check.clip_by_global_norm(my_clip)       # notebook 04
"""

import math

import numpy as np

from course_utils.check.core import number_answer, report
from course_utils.check.core import run_student_function as _run, student_array as _array

__all__ = [
    "parameter_count",
    "design_patterns",
    "unroll",
    "rnn_step",
    "perplexity",
    "temperature_softmax",
    "bptt_gradient",
    "numerical_gradient",
    "gradient_decay",
    "clip_by_global_norm",
    "PARAMETER_COUNT_QUESTION",
    "DESIGN_PATTERN_TASKS",
    "DESIGN_PATTERNS",
    "GRADIENT_DECAY_QUESTION",
]

PARAMETER_COUNT_QUESTION = {"input_dim": 50, "units": 32, "output_dim": 8, "steps": 100}
DESIGN_PATTERNS = (
    "one-to-one",
    "one-to-many",
    "many-to-one",
    "many-to-many (synced)",
    "many-to-many (unsynced)",
)
DESIGN_PATTERN_TASKS = (
    "classify a single image",
    "caption an image",
    "sentiment of a review",
    "tag every word with its part of speech",
    "translate English to German",
)
GRADIENT_DECAY_QUESTION = {"radius": 0.8, "steps_back": 10}


# -- machinery ---------------------------------------------------------------------------------
def _close(a, b, rtol=1e-6, atol=1e-9):
    return a is not None and np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=rtol, atol=atol)


def _tanh_rnn_states(h0, inputs_term, recurrent):
    """States h_1..h_T of h_t = tanh(inputs_term[t] + h_{t-1} @ recurrent) (reference)."""
    states = [h0]
    for term in inputs_term:
        states.append(np.tanh(term + states[-1] @ recurrent))
    return np.stack(states)


# -- notebook 01 ------------------------------------------------------------------------------
def parameter_count(answer):
    """Parameters of the vanilla RNN in `PARAMETER_COUNT_QUESTION` (input 50, hidden 32,
    output 8) unrolled for 100 steps."""
    value, failed = number_answer("parameter_count", answer)
    if failed is not None:
        return failed
    n, h, o, steps = (
        PARAMETER_COUNT_QUESTION[k] for k in ("input_dim", "units", "output_dim", "steps")
    )
    expected = n * h + h * h + h + h * o + o
    hints = {
        expected
        * steps: "you multiplied by the number of steps: the same weights serve every step.",
        expected - h - o: "you left out the biases.",
        expected - h: "one bias vector is missing.",
        expected - o: "one bias vector is missing.",
        expected - h * h: "the hidden-to-hidden matrix W_hh is missing.",
        expected - h * h - h - o: "W_hh and the biases are missing.",
    }
    if value == expected:
        return report(
            "parameter_count", True, "W_xh, W_hh, W_hy and both biases, independent of T."
        )
    return report(
        "parameter_count",
        False,
        hints.get(value, "count W_xh, W_hh, W_hy and the two biases once each."),
    )


def _pattern_key(text):
    text = str(text).lower().replace("_", "-").replace(" to ", "-to-").strip()
    text = (
        text.replace("synchronized", "synced")
        .replace("synchronised", "synced")
        .replace("unsynced", "unsync")
    )
    if text.startswith("many-to-many"):
        if "unsync" in text or "encoder" in text:
            return "many-to-many (unsynced)"
        if "sync" in text:
            return "many-to-many (synced)"
        return "many-to-many"
    return text


_PATTERN_ANSWERS = dict(
    zip(
        DESIGN_PATTERN_TASKS,
        (
            "one-to-one",
            "one-to-many",
            "many-to-one",
            "many-to-many (synced)",
            "many-to-many (unsynced)",
        ),
    )
)


def design_patterns(answer):
    """A dict mapping each task in `DESIGN_PATTERN_TASKS` to one of `DESIGN_PATTERNS`."""
    if not isinstance(answer, dict):
        return report(
            "design_patterns",
            False,
            f"answer with a dict task -> pattern, got {type(answer).__name__}",
        )
    missing = [task for task in DESIGN_PATTERN_TASKS if task not in answer]
    if missing:
        return report("design_patterns", False, f"these tasks have no answer yet: {missing}")
    wrong = [
        task
        for task in DESIGN_PATTERN_TASKS
        if _pattern_key(answer[task]) != _PATTERN_ANSWERS[task]
    ]
    if not wrong:
        return report("design_patterns", True, "all five tasks matched to their pattern.")
    vague = [t for t in wrong if _pattern_key(answer[t]) == "many-to-many"]
    extra = " Say whether many-to-many is synced or unsynced." if vague else ""
    return report("design_patterns", False, f"{len(wrong)} of 5 not right yet: {wrong}.{extra}")


def unroll(fn):
    """`fn(f, s0, xs, theta)` must return the states [s(1), ..., s(T)] with
    s(t) = f(s(t-1), x(t), theta), T = len(xs)."""
    rng = np.random.default_rng(101)
    for size, steps in ((3, 4), (5, 7), (1, 2)):
        theta = (rng.normal(size=(size, size)) / np.sqrt(size), rng.normal(size=size))
        xs = rng.normal(size=(steps, size))
        s0 = rng.normal(size=size)
        calls = []

        def f(s, x, th, calls=calls):
            calls.append(1)
            return np.tanh(np.asarray(s) @ th[0] + th[1] * np.asarray(x))

        expected = []
        state = s0
        for x in xs:
            state = np.tanh(state @ theta[0] + theta[1] * x)
            expected.append(state)
        value, failed = _run("unroll", fn, f, s0.copy(), xs.copy(), theta)
        if failed is not None:
            return failed
        try:
            states = np.asarray([np.asarray(s, np.float64) for s in value])
        except (TypeError, ValueError):
            return report("unroll", False, f"return a list of T states, got {type(value).__name__}")
        if states.shape == (steps + 1, size):
            return report("unroll", False, "you returned T + 1 states: leave out s(0).")
        if states.shape != (steps, size):
            return report(
                "unroll",
                False,
                f"expected {steps} states of shape ({size},), got array shape {states.shape}",
            )
        if len(calls) != steps:
            return report(
                "unroll",
                False,
                f"f should be applied once per step; it was called {len(calls)} times for {steps} "
                f"steps.",
            )
        if not _close(states, np.asarray(expected)):
            return report(
                "unroll",
                False,
                "the states differ: each step feeds the previous state and x(t) to f.",
            )
    return report("unroll", True, "one f, one θ, applied T times.")


# -- notebook 02 ------------------------------------------------------------------------------
def rnn_step(fn):
    """`fn(x_t, h_prev, W_x, W_h, b)` must return tanh(x_t @ W_x + h_prev @ W_h + b)."""
    rng = np.random.default_rng(202)
    for batch, features, units in ((2, 3, 4), (5, 1, 6), (1, 7, 3)):
        x, h = rng.normal(size=(batch, features)), rng.normal(size=(batch, units))
        w_x, w_h, b = (
            rng.normal(size=(features, units)),
            rng.normal(size=(units, units)),
            rng.normal(size=units),
        )
        pre = x @ w_x + h @ w_h + b
        args = [a.copy() for a in (x, h, w_x, w_h, b)]
        value, failed = _run("rnn_step", fn, *args)
        if failed is not None:
            return failed
        if any(value is a for a in args):
            return report("rnn_step", False, "your function returned one of its inputs unchanged.")
        result, failed = _array("rnn_step", value, (batch, units))
        if failed is not None:
            return failed
        if _close(result, np.tanh(pre)):
            continue
        hints = [
            (pre, "apply the tanh activation to the sum."),
            (1 / (1 + np.exp(-pre)), "the activation is tanh, not the sigmoid."),
            (np.tanh(pre - b), "add the bias b."),
            (
                np.tanh(x @ w_x + h @ w_h.T + b),
                "W_h is transposed: use h_prev @ W_h (rows are batch items).",
            ),
            (np.tanh(x @ w_x + b), "the previous state h_prev is missing: that is the recurrence."),
            (h, "you returned the previous state."),
        ]
        message = next(
            (m for ref, m in hints if _close(result, ref)),
            "the values differ from tanh(x W_x + h W_h + b).",
        )
        return report("rnn_step", False, message)
    return report("rnn_step", True, "tanh(x_t W_x + h_{t-1} W_h + b) for every shape tried.")


def perplexity(fn):
    """`fn(p)` gets the probabilities the model gave each correct next character and must
    return the perplexity exp(mean(-log p))."""
    rng = np.random.default_rng(303)
    for size in (10, 57, 3):
        p = rng.uniform(0.01, 0.99, size=size)
        value, failed = _run("perplexity", fn, p.copy())
        if failed is not None:
            return failed
        try:
            result = float(np.asarray(value, np.float64).item())
        except (TypeError, ValueError):
            return report(
                "perplexity",
                False,
                f"your function should return one number, got {type(value).__name__}",
            )
        nll = -np.log(p).mean()
        if math.isclose(result, math.exp(nll), rel_tol=1e-6):
            continue
        hints = [
            (nll, "that is the mean negative log-likelihood; perplexity is its exponential."),
            (math.exp(-nll), "check the sign: perplexity is at least 1."),
            (1 / p.mean(), "average the log-probabilities, not the probabilities."),
            (math.exp(-np.log(p).sum()), "use the mean over characters, not the sum."),
            (
                -np.log2(p).mean(),
                "that is bits per character; perplexity is exp of the mean NLL in nats.",
            ),
        ]
        message = next(
            (m for ref, m in hints if math.isclose(result, ref, rel_tol=1e-6)),
            "the value differs; perplexity = exp(mean over characters of -log p).",
        )
        return report("perplexity", False, message)
    return report("perplexity", True, "exp of the mean negative log-likelihood.")


def temperature_softmax(fn):
    """`fn(logits, temperature)` must return softmax(logits / temperature) for a 1-D array."""
    rng = np.random.default_rng(404)
    cases = [
        (rng.normal(size=5), 1.0),
        (rng.normal(size=8), 0.5),
        (rng.normal(size=4), 2.5),
        (np.array([1000.0, 999.0, 990.0]), 1.0),
    ]
    for logits, temperature in cases:
        scaled = logits / temperature
        expected = np.exp(scaled - scaled.max()) / np.exp(scaled - scaled.max()).sum()
        value, failed = _run("temperature_softmax", fn, logits.copy(), temperature)
        if failed is not None:
            return failed
        try:
            raw = np.asarray(value, np.float64)
        except (TypeError, ValueError):
            return report(
                "temperature_softmax",
                False,
                f"return an array of probabilities, got {type(value).__name__}",
            )
        if raw.shape == logits.shape and not np.all(np.isfinite(raw)):
            return report(
                "temperature_softmax",
                False,
                "NaN/inf for large logits: subtract the largest logit before exp.",
            )
        result, failed = _array("temperature_softmax", value, logits.shape)
        if failed is not None:
            return failed
        if _close(result, expected):
            continue
        times = logits * temperature
        hints = [
            (
                np.exp(times - times.max()) / np.exp(times - times.max()).sum(),
                "divide the logits by the temperature, don't multiply.",
            ),
            (np.exp(scaled - scaled.max()), "normalise so the probabilities sum to 1."),
            (
                np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum(),
                "the temperature is not used.",
            ),
        ]
        message = next(
            (m for ref, m in hints if _close(result, ref)),
            "the probabilities differ from softmax(logits / T).",
        )
        return report("temperature_softmax", False, message)
    return report(
        "temperature_softmax",
        True,
        "sharper below T = 1, flatter above, and stable for large logits.",
    )


# -- notebook 03 ------------------------------------------------------------------------------
def bptt_gradient(fn):
    """`fn(states, recurrent_kernel, local_gradients)` must return dL/dW_h for the tanh RNN
    h_t = tanh(... + h_{t-1} @ W_h), where states is (T + 1, units) = h_0..h_T and
    local_gradients (T, units) holds ∂L_t/∂h_t from each step's own loss only."""
    rng = np.random.default_rng(505)
    for units, steps in ((3, 4), (5, 6), (2, 9)):
        w_h = rng.normal(0, 0.8, size=(units, units))
        states = _tanh_rnn_states(rng.normal(0, 0.5, units), rng.normal(size=(steps, units)), w_h)
        local = rng.normal(size=(steps, units))
        expected, no_carry, no_tanh, with_h_t = (np.zeros((units, units)) for _ in range(4))
        carry = np.zeros(units)
        for t in reversed(range(steps)):
            h_t, h_prev = states[t + 1], states[t]
            delta = (local[t] + carry) * (1 - h_t**2)
            expected += np.outer(h_prev, delta)
            with_h_t += np.outer(h_t, delta)
            no_carry += np.outer(h_prev, local[t] * (1 - h_t**2))
            carry = delta @ w_h.T
        carry = np.zeros(units)
        for t in reversed(range(steps)):
            delta = local[t] + carry
            no_tanh += np.outer(states[t], delta)
            carry = delta @ w_h.T
        value, failed = _run("bptt_gradient", fn, states.copy(), w_h.copy(), local.copy())
        if failed is not None:
            return failed
        result, failed = _array("bptt_gradient", value, (units, units))
        if failed is not None:
            return failed
        if _close(result, expected):
            continue
        hints = [
            (
                expected.T,
                "your gradient is transposed: for a = h_{t-1} @ W_h, dW_h = h_{t-1}ᵀ δ_t.",
            ),
            (
                no_carry,
                "the gradient arriving from later steps is missing: dL/dh_t = local + (δ_{t+1} "
                "W_hᵀ).",
            ),
            (no_tanh, "go through tanh: δ_t = dL/dh_t ⊙ (1 − h_t²)."),
            (with_h_t, "the recurrent weight multiplies the *previous* state h_{t-1}, not h_t."),
        ]
        message = next(
            (m for ref, m in hints if _close(result, ref)),
            "the gradient differs; walk back from t = T to 1.",
        )
        return report("bptt_gradient", False, message)
    return report(
        "bptt_gradient", True, "gradients summed over time, carried back through every step."
    )


def numerical_gradient(fn):
    """`fn(f, x, epsilon)` must return the central-difference gradient of the scalar function f
    at the array x: entry i is (f(x + ε e_i) − f(x − ε e_i)) / 2ε; x must be left unchanged."""
    rng = np.random.default_rng(606)
    functions = [
        (lambda x: float(np.sum(np.sin(x) * x)), lambda x: np.sin(x) + x * np.cos(x)),
        (lambda x: float(np.sum(x**3)), lambda x: 3 * x**2),
        (lambda x: float(np.exp(x).sum() ** 2 / 10), lambda x: np.exp(x).sum() * np.exp(x) / 5),
    ]
    for (f, grad), shape in zip(functions, [(4,), (2, 3), (5,)]):
        x = rng.normal(size=shape)
        original = x.copy()
        epsilon = 1e-4
        value, failed = _run("numerical_gradient", fn, f, x, epsilon)
        if failed is not None:
            return failed
        if not np.array_equal(x, original):
            return report(
                "numerical_gradient",
                False,
                "x was changed: restore each entry after perturbing it.",
            )
        result, failed = _array("numerical_gradient", value, shape)
        if failed is not None:
            return failed
        exact = grad(original)
        error = np.max(np.abs(result - exact)) / max(np.max(np.abs(exact)), 1e-12)
        if error < 1e-6:
            continue
        if error < 1e-2:
            return report(
                "numerical_gradient",
                False,
                "close, but not accurate enough: use the central difference, "
                "(f(x + ε) − f(x − ε)) / 2ε, whose error shrinks like ε².",
            )
        return report(
            "numerical_gradient",
            False,
            "the estimate is far from the derivative; perturb one entry at a time.",
        )
    return report("numerical_gradient", True, "central differences, one entry at a time.")


# -- notebook 04 ------------------------------------------------------------------------------
def gradient_decay(answer):
    """‖∂L/∂h_{T−10}‖ for the linear RNN with W_h = 0.8·Q (Q orthogonal) when ‖∂L/∂h_T‖ = 1."""
    value, failed = number_answer("gradient_decay", answer)
    if failed is not None:
        return failed
    radius, back = GRADIENT_DECAY_QUESTION["radius"], GRADIENT_DECAY_QUESTION["steps_back"]
    if math.isclose(value, radius**back, rel_tol=1e-3):
        return report(
            "gradient_decay", True, "one factor of ρ per step back: it vanishes geometrically."
        )
    hints = [
        (radius ** (back - 1), "off by one step: count the Jacobians between h_T and h_{T−10}."),
        (radius ** (back + 1), "off by one step: count the Jacobians between h_T and h_{T−10}."),
        ((1 / radius) ** back, "the gradient shrinks when ρ < 1; you computed growth."),
        (radius * back, "the Jacobians multiply; they do not add up."),
    ]
    message = next(
        (m for ref, m in hints if math.isclose(value, ref, rel_tol=1e-3)),
        "each step back multiplies the norm by ρ exactly (Q keeps lengths).",
    )
    return report("gradient_decay", False, message)


def clip_by_global_norm(fn):
    """`fn(gradients, clip_norm)` gets a list of arrays and must rescale *all* of them by
    clip_norm / global_norm when the global norm √(Σ‖g_i‖²) exceeds clip_norm; else leave them."""
    rng = np.random.default_rng(707)
    cases = [
        ([rng.normal(size=(3, 2)) * 5, rng.normal(size=4) * 5], 1.0),
        ([rng.normal(size=(2, 2)) * 0.1, rng.normal(size=3) * 0.1], 10.0),
        ([rng.normal(size=5) * 3, rng.normal(size=(2, 3)) * 0.01, rng.normal(size=1) * 8], 2.0),
    ]
    for grads, clip in cases:
        global_norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        expected = [g * clip / max(global_norm, clip) for g in grads]
        value, failed = _run("clip_by_global_norm", fn, [g.copy() for g in grads], clip)
        if failed is not None:
            return failed
        if not isinstance(value, (list, tuple)) or len(value) != len(grads):
            return report(
                "clip_by_global_norm",
                False,
                f"return a list of {len(grads)} arrays, one per gradient.",
            )
        results = []
        for v, g in zip(value, grads):
            result, failed = _array("clip_by_global_norm", v, g.shape)
            if failed is not None:
                return failed
            results.append(result)
        if all(_close(r, e) for r, e in zip(results, expected)):
            continue
        per_tensor = [g * clip / max(np.linalg.norm(g), clip) for g in grads]
        by_value = [np.clip(g, -clip, clip) for g in grads]
        always = [g * clip / global_norm for g in grads]
        if all(_close(r, e) for r, e in zip(results, per_tensor)):
            return report(
                "clip_by_global_norm",
                False,
                "you clipped each array on its own: the norm is global, over all of them together.",
            )
        if all(_close(r, e) for r, e in zip(results, by_value)):
            return report(
                "clip_by_global_norm",
                False,
                "that is clipping by value; rescale by the global norm instead.",
            )
        if all(_close(r, e) for r, e in zip(results, always)):
            return report(
                "clip_by_global_norm",
                False,
                "gradients below the threshold must be left unchanged.",
            )
        return report(
            "clip_by_global_norm",
            False,
            "the clipped gradients differ; all arrays share one scale factor.",
        )
    return report(
        "clip_by_global_norm", True, "one scale factor for all gradients, direction kept."
    )
