"""Checks for notebooks 05-07: LSTM gates, the GRU, and memories for long-term dependencies.

Function exercises are called on hidden random inputs (several shapes, fresh copies each time)
and compared with the course's own cells (`course_utils.LSTMCell`, `GRUCell`, `LeakyRNNCell`,
`HopfieldNetwork`) run in float64 on the same numbers, so returning an input, a constant or a
course_utils object does not pass. A wrong answer gets a hint about *what* is off (which gate,
the order of the gates, the sign convention, a missing bias, a shape), never the expected values.

    check.lstm_parameter_count(answer)         # notebook 05
    check.lstm_step(my_lstm_step)              # notebook 05
    check.cell_path_gradient(my_gradient)      # notebook 05
    check.gru_parameter_count(answer)          # notebook 06
    check.gru_step(my_gru_step)                # notebook 06
    check.leaky_time_constant(answer)          # notebook 07
    check.leaky_step(my_leaky_step)            # notebook 07
    check.hopfield_weights(my_hebbian_rule)    # notebook 07
"""

import inspect
import math

import numpy as np

from course_utils.check import core
from course_utils.check.core import StudentCodeError, as_array, number_answer, report

__all__ = [
    "lstm_parameter_count",
    "lstm_step",
    "cell_path_gradient",
    "gru_parameter_count",
    "gru_step",
    "leaky_time_constant",
    "leaky_step",
    "hopfield_weights",
    "LSTM_PARAMETER_QUESTION",
    "GRU_PARAMETER_QUESTION",
    "LEAKY_QUESTION",
]

LSTM_PARAMETER_QUESTION = {"input_dim": 20, "units": 128}
GRU_PARAMETER_QUESTION = {"input_dim": 20, "units": 128, "reset_after": True}
LEAKY_QUESTION = {"alpha": 0.95}
SHAPES = ((2, 3, 4), (5, 1, 6), (1, 7, 3))  # (batch, features, units) tried by the step checks


# -- machinery ---------------------------------------------------------------------------------
def _from_course_utils(obj):
    """True for a class, instance or function that lives in the course_utils package."""
    module = getattr(obj, "__module__", "") or ""
    if not inspect.isclass(obj) and not inspect.isroutine(obj):
        module = getattr(type(obj), "__module__", "") or ""
    return module.startswith("course_utils")


def _run(exercise, fn, *args):
    """Call the student's function safely: (value, None) or (None, a failing CheckResult)."""
    if _from_course_utils(fn):
        return None, report(
            exercise, False, "pass the function you wrote, not a course_utils object."
        )
    if inspect.isclass(fn):
        return None, report(exercise, False, f"pass a function, not the class {fn.__name__}.")
    try:
        return core.call_with_time_limit(fn, *args, time_limit=core.TIME_LIMIT_SECONDS), None
    except StudentCodeError as error:
        return None, report(exercise, False, str(error))


def _array(exercise, value, shape, what):
    """`value` as a finite float64 array of `shape`, or (None, a failing CheckResult)."""
    if _from_course_utils(value) and not isinstance(value, np.ndarray):
        return None, report(
            exercise, False, f"{what} is a course_utils object; return NumPy arrays."
        )
    try:
        array = as_array(value, what)
    except StudentCodeError as error:
        return None, report(exercise, False, str(error))
    if array.shape != tuple(shape):
        return None, report(
            exercise, False, f"{what} has shape {array.shape}; expected {tuple(shape)}."
        )
    if not np.all(np.isfinite(array)):
        return None, report(exercise, False, f"{what} contains NaN or inf.")
    return array, None


def _pair(exercise, value, shape, names):
    """Split a returned pair (h, c) into two checked arrays, or return a failing CheckResult."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        kind = type(value).__name__
        return None, report(
            exercise, False, f"return a pair ({names[0]}, {names[1]}) of arrays, got {kind}."
        )
    arrays = []
    for item, name in zip(value, names):
        array, failed = _array(exercise, item, shape, name)
        if failed is not None:
            return None, failed
        arrays.append(array)
    return arrays, None


def _close(a, b, tolerance=1e-6):
    return (
        a is not None
        and np.shape(a) == np.shape(b)
        and np.allclose(a, b, rtol=tolerance, atol=tolerance)
    )


def _returned_an_input(value, args):
    items = value if isinstance(value, (tuple, list)) else [value]
    return any(item is arg for item in items for arg in args)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _reference_cell(cell_class, units, features, weights, **kwargs):
    """A float64 course cell holding `weights`; zero initializers, so no random state is used."""
    cell = cell_class(
        units,
        dtype="float64",
        kernel_initializer="zeros",
        recurrent_initializer="zeros",
        name=f"check_{cell_class.__name__}",
        **kwargs,
    )
    cell.build((None, features))
    cell.set_weights(weights)
    return cell


# -- notebook 05 -------------------------------------------------------------------------------
def lstm_parameter_count(answer):
    """Trainable parameters of `keras.layers.LSTM(128)` reading 20 features per step
    (`LSTM_PARAMETER_QUESTION`, the homework's sizes)."""
    value, failed = number_answer("lstm_parameter_count", answer)
    if failed is not None:
        return failed
    m, n = LSTM_PARAMETER_QUESTION["input_dim"], LSTM_PARAMETER_QUESTION["units"]
    block = n * m + n * n + n
    if value == 4 * block:
        return report(
            "lstm_parameter_count", True, "four blocks (i, f, c~, o), each with W, U and a bias."
        )
    hints = {
        block: "that is one block; the LSTM has three gates and a candidate, each with its own "
        "weights.",
        3 * block: "three blocks is a GRU-like count; the LSTM has three gates *and* a candidate.",
        4 * (n * m + n * n): "the bias vectors are missing.",
        4 * (n * m + n): "the recurrent weights U (hidden to hidden) are missing.",
        4 * (n * n + n): "the input weights W (input to hidden) are missing.",
        4
        * (
            (n + m) ** 2 + n
        ): "the concatenated input [h, x] has n + m entries but each gate has only n outputs.",
        4 * (n * m + n * n + 2 * n): "Keras's LSTM has one bias per gate, not two.",
    }
    return report(
        "lstm_parameter_count",
        False,
        hints.get(value, "count W (m x n), U (n x n) and b (n) for each of the four blocks."),
    )


def _lstm_reference(x, h, c, kernel, recurrent, bias):
    cell = _reference_cell(
        _course_cell("LSTMCell"), h.shape[1], x.shape[1], [kernel, recurrent, bias]
    )
    output, (h_new, c_new) = cell(x, [h, c])
    return np.asarray(h_new, np.float64), np.asarray(c_new, np.float64)


def _lstm_variants(x, h, c, kernel, recurrent, bias):
    """(h, c) of common mistakes, computed in NumPy, each with its hint."""
    z = x @ kernel + h @ recurrent + bias
    zi, zf, zc, zo = np.split(z, 4, axis=-1)

    def finish(i, f, cand, o, c_new=None, h_fn=None):
        c_new = f * c + i * cand if c_new is None else c_new
        h_new = o * np.tanh(c_new) if h_fn is None else h_fn(o, c_new)
        return h_new, c_new

    sig = _sigmoid
    i, f, cand, o = sig(zi), sig(zf), np.tanh(zc), sig(zo)
    per_block_transposed = np.concatenate(
        [h @ block.T for block in np.split(recurrent, 4, axis=1)], axis=-1
    )
    z_t = x @ kernel + per_block_transposed + bias
    transposed = [sig(a) if k != 2 else np.tanh(a) for k, a in enumerate(np.split(z_t, 4, axis=-1))]
    z_nb = x @ kernel + h @ recurrent
    no_bias = [sig(a) if k != 2 else np.tanh(a) for k, a in enumerate(np.split(z_nb, 4, axis=-1))]
    return [
        (
            finish(sig(zi), sig(zf), np.tanh(zo), sig(zc)),
            "the gates come in a different order: Keras packs input, forget, candidate, output.",
        ),
        (
            finish(sig(zf), sig(zi), np.tanh(zc), sig(zo)),
            "input and forget gates are swapped: the first block is the input gate, the second the "
            "forget gate.",
        ),
        (
            finish(i, f, sig(zc), o),
            "the candidate c~ uses tanh, not the sigmoid (it must be able to be negative).",
        ),
        (
            finish(i, f, np.tanh(zc), np.tanh(zo)),
            "gates use the sigmoid, so that they lie in (0, 1).",
        ),
        (
            finish(i, f, cand, o, c_new=c + i * cand),
            "the old cell state must be scaled by the forget gate.",
        ),
        (
            finish(i, f, cand, o, c_new=i * cand),
            "the old cell state c_{t-1} is missing from the update.",
        ),
        (
            finish(i, f, cand, o, c_new=f * c + cand),
            "the candidate must be scaled by the input gate.",
        ),
        (
            finish(i, f, cand, o, c_new=c * cand),
            "the update is not a product of the old state and the candidate (the notes' step 7); "
            "it adds two gated terms.",
        ),
        (
            finish(i, f, cand, o, c_new=f * c * i * cand),
            "the two gated terms are added, not multiplied.",
        ),
        (
            finish(i, f, cand, o, h_fn=lambda o_, c_: o_ * c_),
            "h_t squashes the new cell state with tanh before the output gate.",
        ),
        (
            finish(i, f, cand, o, h_fn=lambda o_, c_: np.tanh(c_)),
            "the output gate o_t is missing from h_t.",
        ),
        (
            finish(i, f, cand, o, h_fn=lambda o_, c_: o_ * np.tanh(c)),
            "h_t is computed from the new cell state c_t, not c_{t-1}.",
        ),
        (
            finish(*transposed),
            "the recurrent weights are transposed: use h_prev @ recurrent_kernel (rows are batch "
            "items).",
        ),
        (finish(*no_bias), "the bias is missing."),
    ]


def lstm_step(fn):
    """`fn(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)` must return `(h_t, c_t)` of one
    LSTM step with Keras's packing: kernel (features, 4·units), recurrent_kernel
    (units, 4·units), bias (4·units,), blocks in the order input, forget, candidate, output."""
    rng = np.random.default_rng(505)
    for batch, features, units in SHAPES:
        x, h, c = (
            rng.normal(size=(batch, features)),
            rng.normal(size=(batch, units)),
            rng.normal(size=(batch, units)),
        )
        kernel, recurrent = (
            rng.normal(size=(features, 4 * units)),
            rng.normal(size=(units, 4 * units)),
        )
        bias = rng.normal(size=4 * units)
        args = [a.copy() for a in (x, h, c, kernel, recurrent, bias)]
        expected = _lstm_reference(x, h, c, kernel, recurrent, bias)
        value, failed = _run("lstm_step", fn, *args)
        if failed is not None:
            return failed
        if _returned_an_input(value, args):
            return report("lstm_step", False, "your function returned one of its inputs unchanged.")
        result, failed = _pair("lstm_step", value, (batch, units), ("h_t", "c_t"))
        if failed is not None:
            return failed
        h_new, c_new = result
        if _close(h_new, expected[0]) and _close(c_new, expected[1]):
            continue
        if _close(h_new, expected[1]) and _close(c_new, expected[0]):
            return report(
                "lstm_step", False, "h_t and c_t are swapped: return (h_t, c_t) in that order."
            )
        for (h_ref, c_ref), hint in _lstm_variants(x, h, c, kernel, recurrent, bias):
            if _close(h_new, h_ref) and _close(c_new, c_ref):
                return report("lstm_step", False, hint)
        if _close(c_new, expected[1]):
            return report(
                "lstm_step",
                False,
                "c_t is right; h_t differs: h_t = o_t applied to the squashed new cell state.",
            )
        if _close(h_new, h) or _close(c_new, c):
            return report("lstm_step", False, "you returned a previous state unchanged.")
        return report(
            "lstm_step",
            False,
            "c_t differs: compute the four blocks from x W + h U + b, then update the cell.",
        )
    return report(
        "lstm_step",
        True,
        "gates, candidate, additive cell update and output match the LSTM for every shape tried.",
    )


def cell_path_gradient(fn):
    """`fn(forget_gates, k)` gets the forget-gate values f_1..f_T of one sequence as a (T, units)
    array (row t-1 holds f_t) and a step k in 0..T; it must return ∂c_T/∂c_k along the cell
    path only (the gates held fixed), a (units,) array."""
    rng = np.random.default_rng(606)
    for steps, units, k in ((6, 4, 2), (10, 3, 0), (5, 2, 5), (8, 5, 7)):
        gates = rng.uniform(0.3, 0.99, size=(steps, units))
        expected = np.prod(gates[k:], axis=0)
        value, failed = _run("cell_path_gradient", fn, gates.copy(), k)
        if failed is not None:
            return failed
        if value is gates:
            return report(
                "cell_path_gradient", False, "your function returned its input unchanged."
            )
        result, failed = _array("cell_path_gradient", value, (units,), "the gradient")
        if failed is not None:
            return failed
        if _close(result, expected, 1e-9):
            continue
        hints = [
            (
                np.prod(gates[max(k - 1, 0) :], axis=0) if k > 0 else None,
                "off by one: c_k itself is multiplied only by the gates of the steps after k.",
            ),
            (
                np.prod(gates[k + 1 :], axis=0) if k < steps else None,
                "off by one: the first step after k, f_(k+1), also multiplies c_k.",
            ),
            (
                np.prod(gates, axis=0) if k > 0 else None,
                "only the steps after k multiply c_k, not all T.",
            ),
            (
                np.sum(gates[k:], axis=0) if k < steps - 1 else None,
                "the factors multiply along the path; they do not add.",
            ),
            (
                np.prod(gates[:k], axis=0) if 0 < k < steps else None,
                "you took the steps before k; the path runs from k to T.",
            ),
        ]
        message = next(
            (m for ref, m in hints if ref is not None and _close(result, ref, 1e-9)),
            "the value differs: along the cell path, each step multiplies by its forget gate.",
        )
        return report("cell_path_gradient", False, message)
    return report(
        "cell_path_gradient",
        True,
        "a product of forget gates, no weight matrix and no tanh' on the path.",
    )


# -- notebook 06 -------------------------------------------------------------------------------
def gru_parameter_count(answer):
    """Trainable parameters of `keras.layers.GRU(128)` (default `reset_after=True`) reading 20
    features per step (`GRU_PARAMETER_QUESTION`)."""
    value, failed = number_answer("gru_parameter_count", answer)
    if failed is not None:
        return failed
    m, n = GRU_PARAMETER_QUESTION["input_dim"], GRU_PARAMETER_QUESTION["units"]
    expected = 3 * (n * m + n * n + 2 * n)
    if value == expected:
        return report(
            "gru_parameter_count",
            True,
            "three blocks (z, r, h~) and, with reset_after=True, two bias vectors each.",
        )
    hints = {
        3
        * (
            n * m + n * n + n
        ): "that is the count for reset_after=False; Keras's default keeps a second "
        "(recurrent) bias for every block.",
        4 * (n * m + n * n + n): "that is the LSTM's count; the GRU has two gates and a candidate.",
        n * m
        + n * n
        + 2 * n: "that is one block; the GRU has an update gate, a reset gate and a candidate.",
        2 * (n * m + n * n + 2 * n): "the candidate h~ has weights of its own too: three blocks.",
        3 * (n * m + n * n): "the bias vectors are missing.",
        3 * (n * m + 2 * n): "the recurrent weights U are missing.",
        3 * (n * n + 2 * n): "the input weights W are missing.",
    }
    return report(
        "gru_parameter_count",
        False,
        hints.get(value, "count W (m x n), U (n x n) and the biases of each block."),
    )


def _gru_variants(x, h, kernel, recurrent, bias):
    units = h.shape[1]
    xz, xr, xh = np.split(x @ kernel + bias, 3, axis=-1)
    hz, hr = np.split(h @ recurrent[:, : 2 * units], 2, axis=-1)
    u_h = recurrent[:, 2 * units :]
    z, r = _sigmoid(xz + hz), _sigmoid(xr + hr)
    cand = np.tanh(xh + (r * h) @ u_h)
    out = [
        (
            (1 - z) * h + z * cand,
            "that is the other sign convention, h = (1 - z) h_prev + z h~. Here (as in Keras) z is "
            "the fraction of the old state that is kept.",
        )
    ]
    out.append(
        (
            z * h + (1 - z) * np.tanh(xh + r * (h @ u_h)),
            "the reset gate is applied after the recurrent product (reset_after=True); here apply "
            "it to h_prev before multiplying by the candidate's recurrent weights.",
        )
    )
    out.append(
        (z * h + (1 - z) * np.tanh(xh + h @ u_h), "the reset gate is not used in the candidate.")
    )
    out.append(
        (
            z * h + (1 - z) * np.tanh(xh),
            "the candidate is missing its recurrent term (reset gate times h_prev).",
        )
    )
    zr_swap_z, zr_swap_r = _sigmoid(xr + hr), _sigmoid(xz + hz)
    out.append(
        (
            zr_swap_z * h + (1 - zr_swap_z) * np.tanh(xh + (zr_swap_r * h) @ u_h),
            "update and reset gates are swapped: Keras packs update, reset, candidate.",
        )
    )
    out.append(
        (cand, "h_t interpolates between h_prev and the candidate; you returned the candidate.")
    )
    out.append(
        (
            z * h + (1 - z) * _sigmoid(xh + (r * h) @ u_h),
            "the candidate uses tanh, not the sigmoid.",
        )
    )
    xz_nb, xr_nb, xh_nb = np.split(x @ kernel, 3, axis=-1)
    z_nb, r_nb = _sigmoid(xz_nb + hz), _sigmoid(xr_nb + hr)
    out.append((z_nb * h + (1 - z_nb) * np.tanh(xh_nb + (r_nb * h) @ u_h), "the bias is missing."))
    return out


def gru_step(fn):
    """`fn(x_t, h_prev, kernel, recurrent_kernel, bias)` must return h_t of one GRU step in
    Keras's convention with `reset_after=False` (Cho et al. 2014): kernel (features, 3·units),
    recurrent_kernel (units, 3·units), bias (3·units,), blocks in the order update z, reset r,
    candidate h~, and h_t = z ⊙ h_prev + (1 − z) ⊙ h~."""
    rng = np.random.default_rng(707)
    for batch, features, units in SHAPES:
        x, h = rng.normal(size=(batch, features)), rng.normal(size=(batch, units))
        kernel, recurrent = (
            rng.normal(size=(features, 3 * units)),
            rng.normal(size=(units, 3 * units)),
        )
        bias = rng.normal(size=3 * units)
        args = [a.copy() for a in (x, h, kernel, recurrent, bias)]
        cell = _reference_cell(
            _course_cell("GRUCell"), units, features, [kernel, recurrent, bias], reset_after=False
        )
        expected = np.asarray(cell(x, [h])[0], np.float64)
        value, failed = _run("gru_step", fn, *args)
        if failed is not None:
            return failed
        if (
            isinstance(value, (tuple, list))
            and len(value) == 2
            and np.shape(value[0]) == (batch, units)
        ):
            return report(
                "gru_step", False, "return h_t alone: the GRU has no separate cell state."
            )
        if _returned_an_input(value, args):
            return report("gru_step", False, "your function returned one of its inputs unchanged.")
        result, failed = _array("gru_step", value, (batch, units), "h_t")
        if failed is not None:
            return failed
        if _close(result, expected):
            continue
        message = next(
            (
                hint
                for ref, hint in _gru_variants(x, h, kernel, recurrent, bias)
                if _close(result, ref)
            ),
            "h_t differs: compute z and r, then the candidate from x and r ⊙ h_prev, then "
            "interpolate.",
        )
        return report("gru_step", False, message)
    return report(
        "gru_step",
        True,
        "update and reset gates, candidate and interpolation match the GRU for every shape tried.",
    )


# -- notebook 07 -------------------------------------------------------------------------------
def leaky_time_constant(answer):
    """The time constant τ = 1 / (1 − α), in steps, of a leaky unit with α = 0.95
    (`LEAKY_QUESTION`)."""
    value, failed = number_answer("leaky_time_constant", answer)
    if failed is not None:
        return failed
    alpha = LEAKY_QUESTION["alpha"]
    if math.isclose(value, 1 / (1 - alpha), rel_tol=1e-3):
        return report(
            "leaky_time_constant",
            True,
            "a unit that keeps 95 % per step remembers on a scale of 20 steps.",
        )
    hints = [
        (1 - alpha, "that is the fraction replaced per step; the time constant is its inverse."),
        (
            1 / alpha,
            "α is the part that is kept; the time constant comes from the part that is replaced.",
        ),
        (alpha, "that is α itself; the time constant is measured in steps."),
        (
            math.log(2) / -math.log(alpha),
            "that is the half-life; the question asks for τ as defined in section 1.",
        ),
        (
            1 / -math.log(alpha),
            "close: that is the exact e-folding time; the question asks for τ = 1/(1 − α).",
        ),
    ]
    message = next(
        (m for ref, m in hints if math.isclose(value, ref, rel_tol=1e-3)),
        "τ counts steps; look again at the definition in section 1.",
    )
    return report("leaky_time_constant", False, message)


def leaky_step(fn):
    """`fn(x_t, h_prev, kernel, recurrent_kernel, bias, alpha)` must return one step of the leaky
    unit h_t = α ⊙ h_prev + (1 − α) ⊙ tanh(x_t W + h_prev U + b); alpha is a (units,) array."""
    rng = np.random.default_rng(808)
    for batch, features, units in SHAPES:
        x, h = rng.normal(size=(batch, features)), rng.normal(size=(batch, units))
        kernel, recurrent = (
            rng.normal(size=(features, units)),
            rng.normal(size=(units, units)) / np.sqrt(units),
        )
        bias, alpha = rng.normal(size=units), rng.uniform(0.2, 0.95, size=units)
        args = [a.copy() for a in (x, h, kernel, recurrent, bias, alpha)]
        cell = _reference_cell(
            _course_cell("LeakyRNNCell"),
            units,
            features,
            [kernel, recurrent, bias],
            alpha=[float(a) for a in alpha],
        )
        expected = np.asarray(cell(x, [h])[0], np.float64)
        value, failed = _run("leaky_step", fn, *args)
        if failed is not None:
            return failed
        if _returned_an_input(value, args):
            return report(
                "leaky_step", False, "your function returned one of its inputs unchanged."
            )
        result, failed = _array("leaky_step", value, (batch, units), "h_t")
        if failed is not None:
            return failed
        if _close(result, expected):
            continue
        candidate = np.tanh(x @ kernel + h @ recurrent + bias)
        hints = [
            (
                (1 - alpha) * h + alpha * candidate,
                "α weights the *old* state: α near 1 means a slow unit.",
            ),
            (candidate, "that is a plain RNN step: mix in α ⊙ h_prev."),
            (
                np.tanh(alpha * h + (1 - alpha) * (x @ kernel + h @ recurrent + bias)),
                "the leak mixes states outside the tanh, not pre-activations inside it.",
            ),
            (
                alpha * h + (1 - alpha) * np.tanh(x @ kernel + h @ recurrent.T + bias),
                "the recurrent kernel is transposed: use h_prev @ recurrent_kernel.",
            ),
            (alpha * h + (1 - alpha) * np.tanh(x @ kernel + h @ recurrent), "the bias is missing."),
        ]
        message = next(
            (m for ref, m in hints if _close(result, ref)),
            "h_t differs from α ⊙ h_prev + (1 − α) ⊙ tanh(x W + h_prev U + b).",
        )
        return report("leaky_step", False, message)
    return report(
        "leaky_step",
        True,
        "a linear self-connection with weight α plus (1 − α) of a plain RNN step.",
    )


def hopfield_weights(fn):
    """`fn(patterns)` gets P patterns of ±1 as a (P, N) array and must return the Hebbian weight
    matrix W = (1/N) Σ_p x_p x_pᵀ with a zero diagonal, (N, N)."""
    rng = np.random.default_rng(909)
    for count, size in ((3, 10), (1, 6), (5, 25)):
        patterns = rng.choice([-1.0, 1.0], size=(count, size))
        expected = _course_cell("HopfieldNetwork")(size).store(patterns).weights
        value, failed = _run("hopfield_weights", fn, patterns.copy())
        if failed is not None:
            return failed
        if value is patterns:
            return report("hopfield_weights", False, "your function returned its input unchanged.")
        result, failed = _array("hopfield_weights", value, (size, size), "W")
        if failed is not None:
            return failed
        if _close(result, expected, 1e-9):
            continue
        full = patterns.T @ patterns / size
        hints = [
            (full, "set the diagonal to zero: a unit has no connection to itself."),
            (full * size - np.diag(np.diag(full * size)), "divide by N, the number of units."),
            (
                full * size / count - np.diag(np.diag(full * size / count)),
                "divide by N (the number of units), not by the number of patterns.",
            ),
            (
                patterns @ patterns.T / size if count == size else None,
                "sum outer products x xᵀ over patterns: W is N x N.",
            ),
        ]
        message = next(
            (m for ref, m in hints if ref is not None and _close(result, ref, 1e-9)),
            "W differs: one outer product per pattern, summed, scaled, diagonal removed.",
        )
        return report("hopfield_weights", False, message)
    return report(
        "hopfield_weights", True, "Hebb's rule: units that are on together get a positive weight."
    )


def _course_cell(name):
    """The course's reference implementation `name`, imported on first use (keeps imports light)."""
    if name == "HopfieldNetwork":
        from course_utils.layers.memory_networks import HopfieldNetwork

        return HopfieldNetwork
    if name == "LeakyRNNCell":
        from course_utils.layers.memory import LeakyRNNCell

        return LeakyRNNCell
    from course_utils.layers import cells

    return getattr(cells, name)
