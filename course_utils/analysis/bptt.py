"""Backpropagation through time written out by hand in NumPy for the vanilla RNN.

The model is the Elman network of notebook 02 in Keras's row-vector convention, so its weights are
exactly `SimpleRNNCell` + `Dense` weights (`kernel`, `recurrent_kernel`, `bias`, then the output
layer's kernel and bias)::

    a_t = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias      # (batch, units)
    h_t = tanh(a_t)                                             # (batch, units)
    z_t = h_t @ output_kernel + output_bias                     # (batch, classes) logits
    L   = mean over the batch of  sum over t of  -log softmax(z_t)[target_t]

`bptt` runs the whole sequence forward, stores every step, and walks back from t = T to 1
(full BPTT). `truncated_bptt(k1, k2)` (Williams & Peng, 1990; Sutskever, 2013, section 2.8.6)
walks forward once and, every k1 steps, back-propagates the losses of those k1 steps through at
most k2 steps, so it keeps only the last k2 steps in memory. Both return the loss and a dict of
gradients with the same keys as the parameters; `gradient_check` compares them with central
finite differences.

Example:
    params = init_params(input_dim=3, units=5, output_dim=4, seed=0)
    loss, grads = bptt(params, inputs, targets)    # inputs (batch, T, 3), targets (batch, T) ints
    grads["recurrent_kernel"].shape                # (5, 5)
"""

import collections
import sys
import time
import tracemalloc

import numpy as np

from course_utils import validation
from course_utils.validation import integer, shape, token_ids

PARAMETER_NAMES = ("kernel", "recurrent_kernel", "bias", "output_kernel", "output_bias")


def init_params(input_dim, units, output_dim, seed=0, scale=0.5, dtype=np.float64):
    """Random parameters for the vanilla RNN (Gaussian, std `scale / sqrt(fan_in)`, zero biases).

    Returns:
        dict with `kernel` (input_dim, units), `recurrent_kernel` (units, units), `bias` (units,),
        `output_kernel` (units, output_dim) and `output_bias` (output_dim,).
    """
    input_dim = integer(input_dim, "input_dim", minimum=1)
    units = integer(units, "units", minimum=1)
    output_dim = integer(output_dim, "output_dim", minimum=1)
    rng = np.random.default_rng(seed)
    return {
        "kernel": rng.normal(0, scale / np.sqrt(input_dim), (input_dim, units)).astype(dtype),
        "recurrent_kernel": rng.normal(0, scale / np.sqrt(units), (units, units)).astype(dtype),
        "bias": np.zeros(units, dtype),
        "output_kernel": rng.normal(0, scale / np.sqrt(units), (units, output_dim)).astype(dtype),
        "output_bias": np.zeros(output_dim, dtype),
    }


def params_from_weights(weights, dtype=np.float64):
    """Turn `[kernel, recurrent_kernel, bias, output_kernel, output_bias]` (e.g. the
    `get_weights()` of a model `RNN(SimpleRNNCell) -> Dense`) into the parameter dict used here."""
    if len(weights) != len(PARAMETER_NAMES):
        raise ValueError(
            f"expected {len(PARAMETER_NAMES)} arrays {PARAMETER_NAMES}, got {len(weights)}"
        )
    params = {name: np.asarray(w, dtype=dtype) for name, w in zip(PARAMETER_NAMES, weights)}
    _parameter_sizes(params)
    return params


def rnn_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """One step of the vanilla RNN: `tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)`.

    Args:
        x_t: (batch, input_dim) input at step t.
        h_prev: (batch, units) previous hidden state.
        kernel, recurrent_kernel, bias: (input_dim, units), (units, units), (units,).

    Returns:
        (batch, units) the new hidden state h_t.
    """
    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)


def softmax(logits):
    """Softmax over the last axis, computed stably."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def rnn_forward(params, inputs, initial_state=None):
    """Run the vanilla RNN over a batch of sequences.

    Returns:
        (states, probabilities): (batch, T + 1, units) hidden states including h_0, and
        (batch, T, output_dim) softmax outputs.
    """
    inputs, _, h = _validate(params, inputs, None, initial_state)
    states = [h]
    for t in range(inputs.shape[1]):
        h = rnn_step(inputs[:, t], h, params["kernel"], params["recurrent_kernel"], params["bias"])
        states.append(h)
    states = np.stack(states, axis=1)  # (batch, T+1, units)
    probabilities = softmax(states[:, 1:] @ params["output_kernel"] + params["output_bias"])
    return states, probabilities


def loss(params, inputs, targets, initial_state=None):
    """The summed-over-time cross-entropy L (averaged over the batch), without gradients."""
    inputs, targets, _ = _validate(params, inputs, targets, initial_state)
    _, probabilities = rnn_forward(params, inputs, initial_state)
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]
    return float(-np.log(picked).sum() / inputs.shape[0])


def bptt(params, inputs, targets, initial_state=None, return_state_gradients=False):
    """Full backpropagation through time: forward over all T steps, then back from T to 1.

    Args:
        params: dict from `init_params` / `params_from_weights`.
        inputs: (batch, T, input_dim) floats.
        targets: (batch, T) integer class ids in [0, output_dim).
        initial_state: optional (batch, units) h_0; zeros by default.
        return_state_gradients: also return dL/dh_t for t = 1..T, shape (batch, T, units):
            the *total* derivative, through every later step.

    Returns:
        (loss, grads) or (loss, grads, state_gradients); grads has the keys of `params`.
    """
    inputs, targets, h0 = _validate(params, inputs, targets, initial_state)
    states, probabilities = rnn_forward(params, inputs, h0)
    batch, steps = targets.shape
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]
    total_loss = float(-np.log(picked).sum() / batch)
    dlogits = probabilities.copy()  # (batch, T, classes)
    np.put_along_axis(
        dlogits, targets[..., None], np.take_along_axis(dlogits, targets[..., None], -1) - 1, -1
    )
    dlogits /= batch
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    grads["output_kernel"] = np.einsum("btu,btc->uc", states[:, 1:], dlogits)
    grads["output_bias"] = dlogits.sum(axis=(0, 1))
    state_gradients = np.zeros_like(states[:, 1:])
    dh_next = np.zeros_like(h0)  # from step t+1
    for t in reversed(range(steps)):
        dh = dlogits[:, t] @ params["output_kernel"].T + dh_next  # dL/dh_t, total
        state_gradients[:, t] = dh
        h_t, h_prev = states[:, t + 1], states[:, t]
        da = dh * (1.0 - h_t**2)  # through tanh
        grads["kernel"] += inputs[:, t].T @ da
        grads["recurrent_kernel"] += h_prev.T @ da
        grads["bias"] += da.sum(axis=0)
        dh_next = da @ params["recurrent_kernel"].T  # to step t-1
    if return_state_gradients:
        return total_loss, grads, state_gradients
    return total_loss, grads


def truncated_bptt(params, inputs, targets, k1, k2, initial_state=None):
    """Truncated BPTT(k1, k2): every k1 steps, back-propagate the last k1 losses through k2 steps.

    Only a window of the last k2 steps is stored (memory O(k2), not O(T)). The gradients of all
    windows are summed with the parameters held fixed, so `truncated_bptt(p, x, y, T, T)` equals
    `bptt(p, x, y)`; in training one would apply an update after every window instead.

    Args:
        k1: steps between two backward passes (each backward pass covers the losses of these steps).
        k2: how many steps each backward pass goes back; k2 >= k1 so that every loss is covered.

    Returns:
        (loss, grads) as in `bptt`.
    """
    inputs, targets, h = _validate(params, inputs, targets, initial_state)
    k1, k2 = integer(k1, "k1", minimum=1), integer(k2, "k2", minimum=1)
    if k2 < k1:
        raise ValueError(
            f"k2 must be >= k1 so every loss is back-propagated at least once, got k1={k1}, k2={k2}"
        )
    batch, steps = targets.shape
    kernel, recurrent, bias = params["kernel"], params["recurrent_kernel"], params["bias"]
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    window = collections.deque(maxlen=k2)  # (x_t, h_{t-1}, h_t, dlogits_t)
    total_loss, since_backward = 0.0, 0
    for t in range(steps):
        h_prev, h = h, rnn_step(inputs[:, t], h, kernel, recurrent, bias)
        probabilities = softmax(h @ params["output_kernel"] + params["output_bias"])
        rows = np.arange(batch)
        total_loss -= float(np.log(probabilities[rows, targets[:, t]]).sum()) / batch
        dlogits = probabilities
        dlogits[rows, targets[:, t]] -= 1.0
        dlogits /= batch
        window.append((inputs[:, t], h_prev, h, dlogits))
        since_backward += 1
        if since_backward == k1 or t == steps - 1:
            _backward_window(params, grads, window, since_backward)
            since_backward = 0
    return total_loss, grads


def _backward_window(params, grads, window, new_losses):
    """Back-propagate the losses of the newest `new_losses` entries through the whole window."""
    dh_next = None
    for position, (x_t, h_prev, h_t, dlogits) in enumerate(reversed(window)):
        dh = np.zeros_like(h_t) if dh_next is None else dh_next
        if position < new_losses:  # this step's loss is in the batch
            dh = dh + dlogits @ params["output_kernel"].T
            grads["output_kernel"] += h_t.T @ dlogits
            grads["output_bias"] += dlogits.sum(axis=0)
        da = dh * (1.0 - h_t**2)
        grads["kernel"] += x_t.T @ da
        grads["recurrent_kernel"] += h_prev.T @ da
        grads["bias"] += da.sum(axis=0)
        dh_next = da @ params["recurrent_kernel"].T


def numerical_gradients(loss_fn, params, epsilon=1e-5):
    """Central finite differences (L(θ + ε) - L(θ - ε)) / 2ε of `loss_fn(params)` for every entry.

    Costs two loss evaluations per parameter: use tiny models. Works on copies of `params`.
    """
    params = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + epsilon
            plus = loss_fn(params)
            value[index] = original - epsilon
            minus = loss_fn(params)
            value[index] = original
            grad[index] = (plus - minus) / (2 * epsilon)
        grads[name] = grad
    return grads


def relative_error(a, b):
    """`‖a - b‖ / max(‖a‖ + ‖b‖, 1e-300)` (Frobenius norms): 0 for equal arrays, 1 for opposite
    ones."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def gradient_check(params, inputs, targets, epsilon=1e-5, initial_state=None):
    """Relative error between `bptt` and central finite differences, per parameter (float64).

    Returns:
        dict parameter name -> relative error (around 1e-9 when the backward pass is right).
    """
    params = {name: np.asarray(value, np.float64) for name, value in params.items()}
    _, analytic = bptt(params, inputs, targets, initial_state)
    numeric = numerical_gradients(
        lambda p: loss(p, inputs, targets, initial_state), params, epsilon
    )
    return {name: relative_error(analytic[name], numeric[name]) for name in params}


def peak_memory_bytes(function, *args, **kwargs):
    """Peak bytes allocated (NumPy arrays included) while `function(*args, **kwargs)` runs.

    Measured with `tracemalloc`, so it counts allocations, not wall time: the same call gives the
    same number on every run, which makes it usable in a compared notebook output.
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    try:
        function(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peak - start


def statements_executed(function, *args, **kwargs):
    """How many lines of this module's code `function(*args, **kwargs)` executes: a count of work.

    Every line of `bptt` and `truncated_bptt` works on arrays of a fixed size (batch x units or
    batch x classes), so the count grows exactly as the arithmetic does. Unlike a timing, it is
    the same on every run and every machine and is not inflated by other programs on the CPU.
    """
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != __file__:
            return None  # do not trace NumPy or other modules
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        function(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return count


def best_times(functions, repeats=5, cpu_time=False):
    """The smallest time (seconds) of each zero-argument function over `repeats` rounds.

    The rounds are interleaved (every function once per round), so a burst of load from other
    programs hits all measurements alike instead of spoiling one of them; the minimum is the least
    noisy estimate on a busy machine.

    Args:
        functions: list of zero-argument callables, e.g. `[lambda: bptt(p, x, y) for ...]`.
        repeats: rounds.
        cpu_time: measure this process's CPU time (`time.process_time`) instead of wall-clock time.

    Returns:
        list of floats, one per function.
    """
    repeats = integer(repeats, "repeats", minimum=1)
    clock = time.process_time if cpu_time else time.perf_counter
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for index, function in enumerate(functions):
            start = clock()
            function()
            best[index] = min(best[index], clock() - start)
    return best


def growth_fit(lengths, costs):
    """How a measured cost grows with the sequence length: a test that tells linear from quadratic.

    Two numbers, both of which a linear cost passes and a quadratic one fails:

    - `exponent`: the least-squares slope of log(cost) against log(T), the p of cost ~ T^p;
      1 for a cost proportional to T (a little below 1 with a fixed overhead), 2 for T².
    - `quadratic_share`: fit cost = a + b T + c T² and return c T_max² / (a + b T_max + c T_max²),
      the part of the largest cost that the T² term explains; 0 for a straight line, 1 for T².

    (A straight-line fit's R² cannot tell them apart: a pure T² cost over T = 200..1000 gives
    R² = 0.96.)

    Args:
        lengths: (n,) sequence lengths T > 0, n >= 3 distinct values.
        costs: (n,) measured costs > 0 (bytes, seconds).

    Returns:
        dict with `exponent` and `quadratic_share` (floats).
    """
    lengths = np.asarray(lengths, np.float64)
    costs = np.asarray(costs, np.float64)
    if lengths.ndim != 1 or len(np.unique(lengths)) < 3 or np.any(lengths <= 0):
        validation.fail("lengths", "a 1-D array of at least 3 distinct lengths > 0", lengths)
    if costs.shape != lengths.shape or np.any(~np.isfinite(costs)) or np.any(costs <= 0):
        validation.fail("costs", f"{lengths.shape[0]} finite costs > 0", costs)
    exponent = float(np.polyfit(np.log(lengths), np.log(costs), 1)[0])
    c, b, a = np.polyfit(lengths, costs, 2)
    longest = lengths.max()
    share = float(c * longest**2 / (a + b * longest + c * longest**2))
    return {"exponent": exponent, "quadratic_share": share}


def _parameter_sizes(params):
    """(input_dim, units, output_dim) of a parameter dict whose five arrays fit together."""
    missing = [name for name in PARAMETER_NAMES if name not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; expected keys {PARAMETER_NAMES}")
    input_dim, units = shape(np.shape(params["kernel"]), "params['kernel']", ("input_dim", "units"))
    output_dim = np.shape(params["output_kernel"])[-1]
    expected = {
        "recurrent_kernel": (units, units),
        "bias": (units,),
        "output_kernel": (units, output_dim),
        "output_bias": (output_dim,),
    }
    for name, layout in expected.items():
        shape(np.shape(params[name]), f"params[{name!r}]", layout)
    return input_dim, units, output_dim


def _validate(params, inputs, targets, initial_state):
    """Check shapes early with readable messages; return float inputs, int targets and h_0."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    input_dim, units, output_dim = _parameter_sizes(params)
    inputs = np.asarray(inputs, dtype=np.asarray(params["kernel"]).dtype)
    shape(inputs.shape, "inputs", ("batch", "time", input_dim))
    if targets is not None:
        targets = validation.array(targets, "targets", dtype_kind="i")
        shape(targets.shape, "targets", inputs.shape[:2])
        # min/max allocate nothing: truncated BPTT's memory must not grow with T (notebook 03)
        if targets.size and (targets.min() < 0 or targets.max() >= output_dim):
            token_ids(targets, "targets", vocabulary_size=output_dim)  # raises, naming the id
    if initial_state is None:
        h0 = np.zeros((inputs.shape[0], units), inputs.dtype)
    else:
        h0 = np.asarray(initial_state, inputs.dtype)
        shape(h0.shape, "initial_state", (inputs.shape[0], units))
    return inputs, targets, h0
