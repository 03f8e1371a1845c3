"""Wrong and shortcut submissions of 02_bptt_and_vanishing_gradients: each must lose its task's points."""

_BPTT = '''def bptt(x, h0, params, targets):
    states = forward(x, h0, params)
    grads = {{name: np.zeros_like(value) for name, value in params.items()}}
    from_later = np.zeros_like(h0)
    for t in reversed(range(len(x))):
        d_state = (states[t + 1] - targets[t]) + from_later
        d_pre = d_state * (1.0 - states[t + 1] ** 2)
        grads["W_xh"] += np.outer(d_pre, x[t])
        grads["W_hh"] += np.outer(d_pre, {h_before})
        grads["b_h"] += d_pre
        from_later = {back}
    return grads
'''

_TRUNCATED = '''def truncated_bptt(x, h0, params, targets, k):
    states = forward(x, h0, params)
    grads = {{name: np.zeros_like(value) for name, value in params.items()}}
    for t in range(len(x)):
        d_state = states[t + 1] - targets[t]
        for s in range(t, max(t - {reach}, -1), -1):
            d_pre = d_state * (1.0 - states[s + 1] ** 2)
            grads["W_xh"] += np.outer(d_pre, x[s])
            grads["W_hh"] += np.outer(d_pre, states[s])
            grads["b_h"] += d_pre
            d_state = params["W_hh"].T @ d_pre
    return grads
'''

_NORMS_RIGHT = '''def gradient_norms_through_time(W_hh, grad_last, steps):
    gradient = np.asarray(grad_last, dtype=float)
    norms = [np.linalg.norm(gradient)]
    for _ in range(steps):
        gradient = W_hh.T @ gradient
        norms.append(np.linalg.norm(gradient))
    return np.array(norms)
'''
_RADIUS_RIGHT = '''def with_spectral_radius(matrix, radius):
    return matrix * radius / np.max(np.abs(np.linalg.eigvals(matrix)))
'''
_RATE_RIGHT = '''def decay_rate(norms):
    return float((norms[-1] / norms[0]) ** (1.0 / (len(norms) - 1)))
'''

WRONG = [
    # ---------------------------------------------------------------- step_jacobian
    dict(task="step_jacobian", kind="transposed", numbers=False,
         why="scales the columns instead of the rows: W_hh @ diag(1 - h^2)",
         cells={"step_jacobian": '''def step_jacobian(h_t, W_hh):
    return W_hh * (1.0 - h_t ** 2)[None, :]
'''}),
    dict(task="step_jacobian", kind="wrong formula", numbers=False,
         why="applies tanh' to h_t itself (1 - tanh(h_t)^2) although h_t is already tanh(a)",
         cells={"step_jacobian": '''def step_jacobian(h_t, W_hh):
    return np.diag(1.0 - np.tanh(h_t) ** 2) @ W_hh
'''}),
    dict(task="step_jacobian", kind="finite differences", numbers=False,
         why="recovers the pre-activation with arctanh and differentiates numerically",
         cells={"step_jacobian": '''def step_jacobian(h_t, W_hh):
    a = np.arctanh(h_t)
    n = len(h_t)
    J = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1e-5
        J[:, j] = (np.tanh(a + W_hh @ e) - np.tanh(a - W_hh @ e)) / 2e-5
    return J
'''}),
    # ---------------------------------------------------------------- bptt
    dict(task="bptt", kind="finite differences", numbers=False,
         why="returns numerical_gradient's estimate instead of backpropagating",
         cells={"bptt": '''def bptt(x, h0, params, targets):
    f = lambda: loss(x, h0, params, targets)
    return {name: numerical_gradient(f, params[name]) for name in params}
'''}),
    dict(task="bptt", kind="finite differences", numbers=False,
         why="an alias of numerical_gradient taken outside the function, to dodge a name check",
         cells={"bptt": '''fd = numerical_gradient

def bptt(x, h0, params, targets):
    return {name: fd(lambda: loss(x, h0, params, targets), params[name]) for name in params}
'''}),
    dict(task="bptt", kind="finite differences", numbers=False,
         why="its own central differences with the best step (1e-5): accurate to ~1e-10, not exact",
         cells={"bptt": '''def bptt(x, h0, params, targets):
    grads = {}
    for name in params:
        p = {key: value.copy() for key, value in params.items()}
        g = np.zeros_like(p[name])
        for index in np.ndindex(g.shape):
            p[name][index] += 1e-5
            plus = loss(x, h0, p, targets)
            p[name][index] -= 2e-5
            minus = loss(x, h0, p, targets)
            p[name][index] += 1e-5
            g[index] = (plus - minus) / 2e-5
        grads[name] = g
    return grads
'''}),
    dict(task="bptt", kind="library call", numbers=False,
         why="writes the forward pass in TensorFlow and asks tf.GradientTape for the gradient",
         cells={"bptt": '''import tensorflow as tf

def bptt(x, h0, params, targets):
    variables = {name: tf.Variable(value) for name, value in params.items()}
    with tf.GradientTape() as tape:
        h = tf.constant(h0)
        total = tf.constant(0.0, tf.float64)
        for t in range(len(x)):
            h = tf.tanh(tf.linalg.matvec(variables["W_xh"], x[t]) + tf.linalg.matvec(variables["W_hh"], h) + variables["b_h"])
            total += 0.5 * tf.reduce_sum((h - targets[t]) ** 2)
    grads = tape.gradient(total, variables)
    return {name: grads[name].numpy() for name in params}
'''}),
    dict(task="bptt", kind="off by one", numbers=False,
         why="pairs dW_hh with h_t instead of h_{t-1}",
         cells={"bptt": _BPTT.format(h_before="states[t + 1]", back='params["W_hh"].T @ d_pre')}),
    dict(task="bptt", kind="transposed", numbers=False,
         why="sends the gradient back through W_hh instead of W_hh^T",
         cells={"bptt": _BPTT.format(h_before="states[t]", back='params["W_hh"] @ d_pre')}),
    dict(task="bptt", kind="wrong formula", numbers=False,
         why="forgets what flows back from h_{t+1}: only the local terms",
         cells={"bptt": _BPTT.format(h_before="states[t]", back="0.0 * d_pre")}),
    # ---------------------------------------------------------------- truncated_bptt
    dict(task="truncated_bptt", kind="other", numbers=False,
         why="ignores k and returns full BPTT",
         cells={"truncated_bptt": _TRUNCATED.format(reach="len(x)")}),
    dict(task="truncated_bptt", kind="off by one", numbers=False,
         why="carries every loss back k + 1 steps",
         cells={"truncated_bptt": _TRUNCATED.format(reach="(k + 1)")}),
    dict(task="truncated_bptt", kind="wrong formula", numbers=False,
         why="cuts the sequence into blocks of k steps and backpropagates inside each block only",
         cells={"truncated_bptt": '''def truncated_bptt(x, h0, params, targets, k):
    states = forward(x, h0, params)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    for block_end in range(len(x), 0, -k):
        from_later = np.zeros_like(h0)
        for t in reversed(range(max(block_end - k, 0), block_end)):
            d_pre = ((states[t + 1] - targets[t]) + from_later) * (1.0 - states[t + 1] ** 2)
            grads["W_xh"] += np.outer(d_pre, x[t])
            grads["W_hh"] += np.outer(d_pre, states[t])
            grads["b_h"] += d_pre
            from_later = params["W_hh"].T @ d_pre
    return grads
'''}),
    dict(task="truncated_bptt", kind="finite differences", numbers=False,
         why="finite differences of the given truncated_loss",
         cells={"truncated_bptt": '''def truncated_bptt(x, h0, params, targets, k):
    fixed = forward(x, h0, params)
    return {name: numerical_gradient(lambda: truncated_loss(x, h0, params, targets, k, fixed), params[name])
            for name in params}
'''}),
    # ---------------------------------------------------------------- gradient_norms
    dict(task="gradient_norms", kind="transposed", numbers=False,
         why="multiplies by W_hh instead of W_hh^T (the same for the symmetric visible case)",
         cells={"gradient_norms": _RADIUS_RIGHT + "\n\n" + _NORMS_RIGHT.replace("W_hh.T @", "W_hh @") + "\n\n" + _RATE_RIGHT}),
    dict(task="gradient_norms", kind="wrong formula", numbers=False,
         why="scales by the largest singular value (np.linalg.norm(W, 2)) instead of the spectral radius",
         cells={"gradient_norms": '''def with_spectral_radius(matrix, radius):
    return matrix * radius / np.linalg.norm(matrix, 2)
''' + "\n\n" + _NORMS_RIGHT + "\n\n" + _RATE_RIGHT}),
    dict(task="gradient_norms", kind="wrong formula", numbers=False,
         why="predicts ||g|| rho^k from the eigenvalues instead of measuring the norms",
         cells={"gradient_norms": _RADIUS_RIGHT + '''

def gradient_norms_through_time(W_hh, grad_last, steps):
    rho = np.max(np.abs(np.linalg.eigvals(W_hh)))
    return np.linalg.norm(grad_last) * rho ** np.arange(steps + 1)
''' + "\n\n" + _RATE_RIGHT}),
    dict(task="gradient_norms", kind="off by one", numbers=False,
         why="decay_rate divides the exponent by the number of norms, not of steps",
         cells={"gradient_norms": _RADIUS_RIGHT + "\n\n" + _NORMS_RIGHT + '''

def decay_rate(norms):
    return float((norms[-1] / norms[0]) ** (1.0 / len(norms)))
'''}),
    dict(task="gradient_norms", kind="visible value", numbers=True,
         why="returns the published variant's visible norms and radius",
         cells={"gradient_norms": _RADIUS_RIGHT + '''

def gradient_norms_through_time(W_hh, grad_last, steps):
    return np.array([1.40199705, 0.93889581, 0.62876405, 0.42107359, 0.28198649, 0.18884201, 0.12646458])[: steps + 1]


def decay_rate(norms):
    return 0.6696845838397096
'''}),
    # ---------------------------------------------------------------- clip_by_global_norm
    dict(task="clip_by_global_norm", kind="wrong formula", numbers=False,
         why="clips every array by its own norm, which changes the direction",
         cells={"clip_by_global_norm": '''def clip_by_global_norm(grads, max_norm):
    clipped = {}
    for name, g in grads.items():
        n = np.linalg.norm(g)
        clipped[name] = g * (max_norm / n) if n > max_norm else g.copy()
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    return clipped, total
'''}),
    dict(task="clip_by_global_norm", kind="other", numbers=False,
         why="rescales to max_norm even when the gradient is already smaller",
         cells={"clip_by_global_norm": '''def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    return {name: g * (max_norm / total) for name, g in grads.items()}, total
'''}),
    dict(task="clip_by_global_norm", kind="other", numbers=False,
         why="scales the arrays in place, changing the caller's gradients",
         cells={"clip_by_global_norm": '''def clip_by_global_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    if total > max_norm:
        for g in grads.values():
            g *= max_norm / total
    return dict(grads), total
'''}),
    dict(task="clip_by_global_norm", kind="visible value", numbers=True,
         why="divides by the published variant's visible global norm",
         cells={"clip_by_global_norm": '''def clip_by_global_norm(grads, max_norm):
    return {name: g * (max_norm / 15.383844002146905) for name, g in grads.items()}, 15.383844002146905
'''}),
]
