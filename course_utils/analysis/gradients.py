"""Measuring vanishing and exploding gradients through a recurrent Keras cell.

BPTT multiplies the gradient by one Jacobian per step going back in time::

    dL/dh_k = dL/dh_T · ∂h_T/∂h_{T-1} · ... · ∂h_{k+1}/∂h_k,
    ∂h_t/∂h_{t-1} = diag(f'(a_t)) · W_hᵀ      (vanilla RNN, h_t = f(a_t), a_t = ... + h_{t-1} W_h)

so its size changes by about the spectral radius ρ(W_h) per step (exactly ρ for a linear RNN whose
W_h is a scaled orthogonal matrix; Pascanu, Mikolov & Bengio, 2013). This module measures
‖∂L/∂h_k‖ for k = 1..T with `tf.GradientTape` through any Keras cell (`SimpleRNNCell`,
`LSTMCell`, ...), builds the step Jacobians and their products, rescales recurrent weights to a
chosen spectral radius, and fits the per-step factor from a measured curve.

Example:
    cell = keras.layers.SimpleRNNCell(32, activation=None)
    cell.build((None, 4))
    set_recurrent_spectral_radius(cell, 0.9)
    norms = hidden_state_gradient_norms(cell, inputs)   # inputs (batch, T, 4) -> norms (T,)
    per_step_factor(norms)                              # about 0.9
"""

import keras
import numpy as np
import tensorflow as tf

from course_utils.validation import integer, number


def spectral_radius(matrix):
    """Largest absolute eigenvalue of a square matrix."""
    matrix = _square(matrix, "matrix")
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def scale_to_spectral_radius(matrix, radius):
    """Return `matrix` multiplied by a scalar so that its spectral radius is `radius`."""
    matrix = _square(matrix, "matrix")
    radius = number(radius, "radius", minimum=0.0)
    current = spectral_radius(matrix)
    if current == 0:
        raise ValueError("matrix has spectral radius 0 (nilpotent or zero): it cannot be rescaled")
    return matrix * (radius / current)


def orthogonal_matrix(size, seed=0):
    """A random orthogonal (size, size) matrix: Q from the QR decomposition of a Gaussian matrix,
    with the signs fixed so that Q is uniformly distributed (Mezzadri, 2007)."""
    size = integer(size, "size", minimum=1)
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(size, size)))
    return q * np.sign(np.diag(r))


def set_recurrent_spectral_radius(cell, radius, matrix=None):
    """Assign `cell.recurrent_kernel` a matrix with spectral radius `radius` and return it.

    Args:
        cell: a built Keras cell (or a `keras.layers.RNN` wrapping one) with a square
            `recurrent_kernel`, e.g. `SimpleRNNCell`.
        radius: the spectral radius wanted.
        matrix: the direction to rescale; the cell's current recurrent kernel by default.
    """
    cell = _cell_of(cell)
    if not getattr(cell, "built", False) or not hasattr(cell, "recurrent_kernel"):
        raise ValueError(f"{type(cell).__name__} must be built and have a `recurrent_kernel`")
    current = np.asarray(cell.recurrent_kernel.numpy() if matrix is None else matrix, np.float64)
    if current.shape != tuple(cell.recurrent_kernel.shape):
        raise ValueError(
            f"matrix has shape {current.shape}, the recurrent kernel "
            f"{tuple(cell.recurrent_kernel.shape)}"
        )
    new = scale_to_spectral_radius(current, radius)
    cell.recurrent_kernel.assign(new.astype(cell.recurrent_kernel.dtype))
    return new


def hidden_state_gradient_norms(cell, inputs, loss_fn=None, initial_state=None):
    """‖∂L/∂h_k‖ for k = 1..T: the total derivative of the loss with respect to each state.

    The cell is stepped in a Python loop under `tf.GradientTape`; the gradient with respect to
    the states handed from step k to step k+1 includes every path through later steps (it is the
    gradient with respect to a perturbation added to those states). For cells with several
    states (LSTM: h and c) the norm covers all of them.

    Args:
        cell: a Keras cell (built or not) or a `keras.layers.RNN` wrapping one.
        inputs: (batch, T, features) array.
        loss_fn: callable `(outputs) -> scalar` where outputs is (batch, T, units), the cell's
            output at every step. Default: the sum of the last output, L = Σ_j h_T[j], so that
            dL/dh_T is a vector of ones for every sequence.
        initial_state: optional list of state tensors; zeros by default.

    Returns:
        (T,) float64 array: entry k-1 is the per-sequence norm of ∂L/∂(states at step k),
        root-mean-square over the batch.
    """
    cell = _cell_of(cell)
    inputs = _sequence(inputs, cell)
    states, steps = _initial_states(cell, inputs, initial_state), inputs.shape[1]
    with tf.GradientTape(persistent=False) as tape:
        outputs, history = [], []
        for t in range(steps):
            output, raw_states = _step(cell, inputs[:, t], states)
            # fresh copies: their gradient comes only from what consumes them (the next step and
            # the output), not from a state computed from another one (LSTM: h_t from c_t)
            states = [tf.identity(state) for state in raw_states]
            for state in states:
                tape.watch(state)
            if output is raw_states[0]:
                output = states[0]
            outputs.append(output)
            history.append(states)
        outputs = tf.stack(outputs, axis=1)  # (batch, T, units)
        loss = tf.reduce_sum(outputs[:, -1]) if loss_fn is None else loss_fn(outputs)
    flat = [state for states_t in history for state in states_t]
    grads = tape.gradient(loss, flat)
    per_step = len(history[0])
    norms = []
    for t in range(steps):
        squares = sum(
            _sum_squares_per_sequence(grads[t * per_step + i], flat[t * per_step + i])
            for i in range(per_step)
        )  # (batch,)
        norms.append(np.sqrt(np.mean(squares)))
    return np.asarray(norms, np.float64)


def state_jacobians(cell, inputs, initial_state=None):
    """The step Jacobians J_t = ∂s_t/∂s_{t-1}, t = 1..T, along one sequence (math convention:
    row i is the i-th component of s_t). For several states they are concatenated into s.
    One backward pass per step: the state is copied n times into a batch (the cell must treat
    batch rows independently, as every recurrent cell does).

    Args:
        inputs: (T, features) or (1, T, features).

    Returns:
        (T, n, n) float64 array with n the total state size.
    """
    cell = _cell_of(cell)
    inputs = _sequence(inputs[None] if np.ndim(inputs) == 2 else inputs, cell)
    if inputs.shape[0] != 1:
        raise ValueError(f"state_jacobians follows one sequence; got a batch of {inputs.shape[0]}")
    states = _initial_states(cell, inputs, initial_state)
    sizes = [int(s.shape[-1]) for s in states]
    size = sum(sizes)
    basis = tf.eye(size, dtype=cell.compute_dtype)
    jacobians = []
    for t in range(inputs.shape[1]):
        # n copies of the state in one batch: with the loss Σ_i new_state[i] · e_i, row i of the
        # batch gradient is ∂new_state[i]/∂state, i.e. row i of the Jacobian (one backward pass)
        flat = tf.tile(tf.concat(states, axis=-1), [size, 1])  # (n, n)
        with tf.GradientTape() as tape:
            tape.watch(flat)
            _, new_states = _step(
                cell, tf.tile(inputs[:, t], [size, 1]), tf.split(flat, sizes, axis=-1)
            )
            new_flat = tf.concat(new_states, axis=-1)  # (n, n)
            selected = tf.reduce_sum(new_flat * basis)
        jacobians.append(tape.gradient(selected, flat).numpy())
        states = [s[:1] for s in new_states]
    return np.asarray(jacobians, np.float64)


def jacobian_product_norms(jacobians):
    """Spectral norms ‖∂s_T/∂s_k‖₂ = ‖J_T J_{T-1} ··· J_{k+1}‖₂ for k = 0..T (k = T: identity).

    Args:
        jacobians: (T, n, n) with jacobians[t-1] = ∂s_t/∂s_{t-1}.

    Returns:
        (T + 1,) float64 array.
    """
    jacobians = np.asarray(jacobians, np.float64)
    if jacobians.ndim != 3 or jacobians.shape[1] != jacobians.shape[2]:
        raise ValueError(f"jacobians must have shape (T, n, n), got {jacobians.shape}")
    steps, size = jacobians.shape[0], jacobians.shape[1]
    product = np.eye(size)
    norms = [1.0]
    for t in reversed(range(steps)):
        product = product @ jacobians[t]
        norms.append(np.linalg.norm(product, 2))
    return np.asarray(norms[::-1])


def per_step_factor(norms, skip_last=0):
    """The factor by which a gradient norm changes per step back in time, from a straight-line
    fit of log(norm) against k: `exp(-slope)`. Below 1: vanishing; above 1: exploding.

    Args:
        norms: (T,) positive numbers indexed by step k (as from `hidden_state_gradient_norms`).
        skip_last: leave out the last few steps (the transient next to the loss).
    """
    norms = np.asarray(norms, np.float64)
    if norms.ndim != 1 or norms.size - skip_last < 2:
        raise ValueError(
            f"need at least two norms after skipping {skip_last}, got shape {norms.shape}"
        )
    norms = norms[: norms.size - skip_last] if skip_last else norms
    if not np.all(np.isfinite(norms)) or np.any(norms <= 0):
        raise ValueError("norms must be finite and positive to fit on a log scale")
    slope = np.polyfit(np.arange(norms.size), np.log(norms), 1)[0]
    return float(np.exp(-slope))


def _cell_of(cell):
    if isinstance(cell, keras.layers.RNN):
        return cell.cell
    if not isinstance(cell, keras.layers.Layer) or not hasattr(cell, "state_size"):
        raise TypeError(
            f"expected a Keras recurrent cell or keras.layers.RNN, got {type(cell).__name__}"
        )
    return cell


def _sequence(inputs, cell):
    inputs = tf.convert_to_tensor(inputs, dtype=cell.compute_dtype)
    if inputs.shape.rank != 3 or inputs.shape[1] == 0:
        raise ValueError(
            f"inputs must have shape (batch, time, features) with time > 0, got "
            f"{tuple(inputs.shape)}"
        )
    if not cell.built:
        cell.build((None, inputs.shape[-1]))
    return inputs


def _initial_states(cell, inputs, initial_state):
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    batch = inputs.shape[0]
    if initial_state is None:
        return [tf.zeros((batch, int(size)), cell.compute_dtype) for size in sizes]
    states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
    if len(states) != len(sizes):
        raise ValueError(
            f"initial_state needs {len(sizes)} tensors of sizes {list(sizes)}, got {len(states)}"
        )
    return [tf.convert_to_tensor(s, cell.compute_dtype) for s in states]


def _step(cell, x_t, states):
    output, new_states = cell.call(
        x_t, list(states)
    )  # the built cell, without Layer.__call__ overhead
    new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
    return output, new_states


def _sum_squares_per_sequence(grad, state):
    if grad is None:  # the loss does not depend on this state
        return np.zeros(state.shape[0])
    return tf.reduce_sum(tf.square(tf.cast(grad, tf.float64)), axis=-1).numpy()


def _square(matrix, name):
    matrix = np.asarray(matrix, np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {matrix.shape}")
    return matrix
