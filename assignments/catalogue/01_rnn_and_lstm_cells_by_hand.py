"""Wrong and shortcut submissions of 01_rnn_and_lstm_cells_by_hand: each must lose its task's points."""

_RNN_FORWARD = '''def rnn_forward_step(x, h_prev, kernel, recurrent_kernel, bias):
    h = np.tanh({pre_activation})
    return h, (x, h_prev, kernel, recurrent_kernel, bias, h)
'''

_RNN_BACKWARD = '''def rnn_backward_step(dh, cache):
    x, h_prev, kernel, recurrent_kernel, bias, h = cache
    dz = dh * {tanh_prime}
    dx = dz @ kernel.T
    dh_prev = dz @ recurrent_kernel.T
    dkernel = x.T @ dz{per_example}
    drecurrent_kernel = {drecurrent}{per_example}
    dbias = dz.sum(axis=0){per_example}
    return dx, dh_prev, dkernel, drecurrent_kernel, dbias
'''

_LSTM_FORWARD = '''def lstm_forward_step(x, h_prev, c_prev, kernel, recurrent_kernel, bias):
    n = {units}
    z = x @ kernel + h_prev @ recurrent_kernel + bias
    i = sigmoid(z[:, :n])
    f = sigmoid(z[:, n:2 * n])
    g = np.tanh(z[:, {candidate}])
    o = sigmoid(z[:, {output}])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * {h_uses}
    return h, c, (x, h_prev, c_prev, kernel, recurrent_kernel, bias, i, f, g, o, tanh_c)
'''

_LSTM_BACKWARD = '''def lstm_backward_step(dh, dc, cache):
    x, h_prev, c_prev, kernel, recurrent_kernel, bias, i, f, g, o, tanh_c = cache
    dcell = {dcell}
    do = dh * {output_factor}
    di = dcell * g
    df = dcell * c_prev
    dg = dcell * i
    dc_prev = {dc_prev}
    dz_i = di * i * (1 - i)
    dz_f = df * f * (1 - f)
    dz_g = dg * (1 - g ** 2)
    dz_o = do * o * (1 - o)
    dz = np.concatenate([{blocks}], axis=1)
    dx = dz @ kernel.T
    dh_prev = dz @ recurrent_kernel.T
    dkernel = x.T @ dz
    drecurrent_kernel = {drecurrent}
    dbias = dz.sum(axis=0)
    return dx, dh_prev, dc_prev, dkernel, drecurrent_kernel, dbias
'''

_LSTM_RIGHT = dict(dcell="dc + dh * o * (1 - tanh_c ** 2)", output_factor="tanh_c", dc_prev="dcell * f",
                   blocks="dz_i, dz_f, dz_g, dz_o", drecurrent="h_prev.T @ dz")


def _lstm_backward(**changes):
    return _LSTM_BACKWARD.format(**{**_LSTM_RIGHT, **changes})


_RNN_BACKWARD_RIGHT = dict(tanh_prime="(1 - h ** 2)", drecurrent="h_prev.T @ dz", per_example="")


def _rnn_backward(**changes):
    return _RNN_BACKWARD.format(**{**_RNN_BACKWARD_RIGHT, **changes})


_LSTM_FORWARD_RIGHT = dict(units="recurrent_kernel.shape[0]", candidate="2 * n:3 * n", output="3 * n:",
                           h_uses="tanh_c")


def _lstm_forward(**changes):
    return _LSTM_FORWARD.format(**{**_LSTM_FORWARD_RIGHT, **changes})


WRONG = [
    # ---------------------------------------------------------------- rnn_forward
    dict(task="rnn_forward", kind="library call", numbers=False,
         why="lets keras.layers.SimpleRNNCell compute the step",
         cells={"rnn_forward": '''def rnn_forward_step(x, h_prev, kernel, recurrent_kernel, bias):
    cell = keras.layers.SimpleRNNCell(kernel.shape[1], dtype="float64")
    cell.build((None, kernel.shape[0]))
    cell.set_weights([kernel, recurrent_kernel, bias])
    h, _ = cell(x, [h_prev])
    h = np.asarray(h)
    return h, (x, h_prev, kernel, recurrent_kernel, bias, h)
'''}),
    dict(task="rnn_forward", kind="transposed", numbers=False,
         why="multiplies the state by recurrent_kernel.T (column-vector habit: W_hh @ h)",
         cells={"rnn_forward": _RNN_FORWARD.format(
             pre_activation="x @ kernel + h_prev @ recurrent_kernel.T + bias")}),
    dict(task="rnn_forward", kind="wrong formula", numbers=False,
         why="forgets the bias term",
         cells={"rnn_forward": _RNN_FORWARD.format(pre_activation="x @ kernel + h_prev @ recurrent_kernel")}),
    # ---------------------------------------------------------------- rnn_backward
    dict(task="rnn_backward", kind="finite differences", numbers=False,
         why="central differences (eps = 1e-5, the most accurate step) of sum(dh * h) instead of backpropagation",
         cells={"rnn_backward": '''def rnn_backward_step(dh, cache):
    x, h_prev, kernel, recurrent_kernel, bias, h = cache
    arrays = [x.copy(), h_prev.copy(), kernel.copy(), recurrent_kernel.copy(), bias.copy()]

    def loss():
        return np.sum(dh * rnn_forward_step(*arrays)[0])

    gradients = []
    for array in arrays:
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + 1e-5
            plus = loss()
            array[index] = saved - 1e-5
            minus = loss()
            array[index] = saved
            gradient[index] = (plus - minus) / 2e-5
        gradients.append(gradient)
    return tuple(gradients)
'''}),
    dict(task="rnn_backward", kind="library call", numbers=False,
         why="asks tf.GradientTape for the gradients",
         cells={"rnn_backward": '''def rnn_backward_step(dh, cache):
    x, h_prev, kernel, recurrent_kernel, bias, h = cache
    variables = [tf.Variable(array) for array in (x, h_prev, kernel, recurrent_kernel, bias)]
    with tf.GradientTape() as tape:
        out = tf.tanh(variables[0] @ variables[2] + variables[1] @ variables[3] + variables[4])
        loss = tf.reduce_sum(dh * out)
    return tuple(gradient.numpy() for gradient in tape.gradient(loss, variables))
'''}),
    dict(task="rnn_backward", kind="transposed", numbers=False,
         why="drecurrent_kernel = dz.T @ h_prev: the right shape (square), transposed values",
         cells={"rnn_backward": _rnn_backward(drecurrent="dz.T @ h_prev")}),
    dict(task="rnn_backward", kind="wrong formula", numbers=False,
         why="forgets the tanh' factor: dz = dh",
         cells={"rnn_backward": _rnn_backward(tanh_prime="1.0")}),
    dict(task="rnn_backward", kind="off by one", numbers=False,
         why="takes tanh' from the previous state, 1 - h_prev^2, instead of this step's h",
         cells={"rnn_backward": _rnn_backward(tanh_prime="(1 - h_prev ** 2)")}),
    dict(task="rnn_backward", kind="other", numbers=False,
         why="averages the weight gradients over the batch instead of adding them up",
         cells={"rnn_backward": _rnn_backward(per_example=" / len(x)")}),
    # ---------------------------------------------------------------- lstm_forward
    dict(task="lstm_forward", kind="library call", numbers=False,
         why="lets keras.layers.LSTMCell compute the step",
         cells={"lstm_forward": '''def lstm_forward_step(x, h_prev, c_prev, kernel, recurrent_kernel, bias):
    cell = keras.layers.LSTMCell(recurrent_kernel.shape[0], dtype="float64")
    cell.build((None, kernel.shape[0]))
    cell.set_weights([kernel, recurrent_kernel, bias])
    h, (_, c) = cell(x, [h_prev, c_prev])
    return np.asarray(h), np.asarray(c), (x, h_prev, c_prev, kernel, recurrent_kernel, bias)
'''}),
    dict(task="lstm_forward", kind="wrong formula", numbers=False,
         why="gate blocks in the order i, f, o, c (as in some textbooks) instead of Keras's i, f, c, o",
         cells={"lstm_forward": _lstm_forward(candidate="3 * n:", output="2 * n:3 * n")}),
    dict(task="lstm_forward", kind="wrong formula", numbers=False,
         why="h = o * c: forgets the tanh of the cell state",
         cells={"lstm_forward": _lstm_forward(h_uses="c")}),
    dict(task="lstm_forward", kind="visible sizes only", numbers=False,
         why="takes the number of units from the global UNITS instead of the arrays",
         cells={"lstm_forward": _lstm_forward(units="UNITS")}),
    # ---------------------------------------------------------------- lstm_backward
    dict(task="lstm_backward", kind="finite differences", numbers=False,
         why="central differences (eps = 1e-5) of sum(dh * h) + sum(dc * c) through lstm_forward_step",
         cells={"lstm_backward": '''def lstm_backward_step(dh, dc, cache):
    arrays = [np.array(array, dtype=float) for array in cache[:6]]

    def loss():
        h, c, _ = lstm_forward_step(*arrays)
        return np.sum(dh * h) + np.sum(dc * c)

    gradients = []
    for array in arrays:
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + 1e-5
            plus = loss()
            array[index] = saved - 1e-5
            minus = loss()
            array[index] = saved
            gradient[index] = (plus - minus) / 2e-5
        gradients.append(gradient)
    return tuple(gradients)
'''}),
    dict(task="lstm_backward", kind="library call", numbers=False,
         why="asks tf.GradientTape on keras.layers.LSTMCell for the gradients",
         cells={"lstm_backward": '''def lstm_backward_step(dh, dc, cache):
    x, h_prev, c_prev, kernel, recurrent_kernel, bias = cache[:6]
    cell = keras.layers.LSTMCell(recurrent_kernel.shape[0], dtype="float64")
    cell.build((None, kernel.shape[0]))
    cell.set_weights([kernel, recurrent_kernel, bias])
    inputs = [tf.Variable(x), tf.Variable(h_prev), tf.Variable(c_prev)]
    with tf.GradientTape() as tape:
        h, (_, c) = cell(inputs[0], [inputs[1], inputs[2]])
        loss = tf.reduce_sum(dh * h) + tf.reduce_sum(dc * c)
    gradients = tape.gradient(loss, inputs + [cell.kernel, cell.recurrent_kernel, cell.bias])
    return tuple(gradient.numpy() for gradient in gradients)
'''}),
    dict(task="lstm_backward", kind="wrong formula", numbers=False,
         why="packs the gradient blocks i, f, o, c instead of Keras's i, f, c, o",
         cells={"lstm_backward": _lstm_backward(blocks="dz_i, dz_f, dz_o, dz_g")}),
    dict(task="lstm_backward", kind="wrong formula", numbers=False,
         why="forgets tanh'(c) on the route from h into c: dcell = dc + dh * o",
         cells={"lstm_backward": _lstm_backward(dcell="dc + dh * o")}),
    dict(task="lstm_backward", kind="wrong formula", numbers=False,
         why="the output gate's gradient uses c instead of tanh(c)",
         cells={"lstm_backward": _lstm_backward(output_factor="(f * c_prev + i * g)")}),
    dict(task="lstm_backward", kind="transposed", numbers=False,
         why="drecurrent_kernel = dz.T @ h_prev, shape (4 units, units)",
         cells={"lstm_backward": _lstm_backward(drecurrent="dz.T @ h_prev")}),
    dict(task="lstm_backward", kind="wrong formula", numbers=False,
         why="dc_prev = dc * f: forgets the gradient reaching c through h",
         cells={"lstm_backward": _lstm_backward(dc_prev="dc * f")}),
    dict(task="lstm_backward", kind="visible sizes only", numbers=False,
         why="fills a (batch, 4 * UNITS) array block by block with the global UNITS",
         cells={"lstm_backward": '''def lstm_backward_step(dh, dc, cache):
    x, h_prev, c_prev, kernel, recurrent_kernel, bias, i, f, g, o, tanh_c = cache
    dcell = dc + dh * o * (1 - tanh_c ** 2)
    dz = np.zeros((len(x), 4 * UNITS))
    dz[:, :UNITS] = dcell * g * i * (1 - i)
    dz[:, UNITS:2 * UNITS] = dcell * c_prev * f * (1 - f)
    dz[:, 2 * UNITS:3 * UNITS] = dcell * i * (1 - g ** 2)
    dz[:, 3 * UNITS:] = dh * tanh_c * o * (1 - o)
    return (dz @ kernel.T, dz @ recurrent_kernel.T, dcell * f, x.T @ dz, h_prev.T @ dz,
            dz.sum(axis=0))
'''}),
    # ---------------------------------------------------------------- parameter_counts
    dict(task="parameter_counts", kind="count_params", numbers=False,
         why="builds the Keras layers and asks count_params()",
         cells={"parameter_counts": '''def _count(layer, input_size):
    layer.build((None, None, input_size))
    return layer.count_params()


def simple_rnn_parameter_count(input_size, units):
    return _count(keras.layers.SimpleRNN(units), input_size)


def lstm_parameter_count(input_size, units):
    return _count(keras.layers.LSTM(units), input_size)


def gru_parameter_count(input_size, units):
    return _count(keras.layers.GRU(units), input_size)
'''}),
    dict(task="parameter_counts", kind="visible value", numbers=True,
         why="copies the counts the visible test printed for cohort 0's sizes",
         cells={"parameter_counts": '''def simple_rnn_parameter_count(input_size, units):
    return {(8, 6): 90, (18, 110): 14190}[(input_size, units)]


def lstm_parameter_count(input_size, units):
    return {(8, 6): 360, (18, 110): 56760}[(input_size, units)]


def gru_parameter_count(input_size, units):
    return {(8, 6): 288, (18, 110): 42900}[(input_size, units)]
'''}),
    dict(task="parameter_counts", kind="wrong formula", numbers=False,
         why="GRU with one bias vector per block (reset_after=False), not Keras's default two",
         cells={"parameter_counts": '''def simple_rnn_parameter_count(input_size, units):
    return units * input_size + units * units + units


def lstm_parameter_count(input_size, units):
    return 4 * (units * input_size + units * units + units)


def gru_parameter_count(input_size, units):
    return 3 * (units * input_size + units * units + units)
'''}),
    dict(task="parameter_counts", kind="off by one", numbers=False,
         why="the LSTM's bias counted once (n) instead of once per block (4n)",
         cells={"parameter_counts": '''def simple_rnn_parameter_count(input_size, units):
    return units * input_size + units * units + units


def lstm_parameter_count(input_size, units):
    return 4 * (units * input_size + units * units) + units


def gru_parameter_count(input_size, units):
    return 3 * (units * input_size + units * units + 2 * units)
'''}),
]
