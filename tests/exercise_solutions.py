"""Worked solutions of every exercise in the numbered notebooks, for lecturers and for the test.

The notebooks ship with blanks (`answer = None`, functions that raise NotImplementedError);
tests/test_exercise_solutions.py runs each solution below, as its cell would run in the notebook,
and requires its check to say "correct". Keys: (notebook, exercise number).
"""

# flake8: noqa: E501
SOLUTIONS = {
    ("00_welcome_and_setup", 1): """\
# Exercise 1: which notebook teaches beam search? Answer with its number.
answer = 13  # replace with your answer
course_utils.check.notebook_for_topic("beam search", answer)
""",
    ("00_welcome_and_setup", 2): """\
# Exercise 2: how many parameters (weights and biases) does a Dense layer with 20 inputs and 10
# units have?
answer = 210  # replace with your answer
course_utils.check.dense_parameter_count(inputs=20, units=10, answer=answer)
""",
    ("01_unfolding_computational_graphs", 1): """\
# Exercise 1: a vanilla RNN with input size 50, hidden size 32 and output size 8 (one output per
# step)
# is unrolled for 100 steps. How many parameters does it have? Work it out by hand, then check.
answer = 50 * 32 + 32 * 32 + 32 + 32 * 8 + 8  # replace with your answer
course_utils.check.parameter_count(answer)
""",
    ("01_unfolding_computational_graphs", 2): """\
# Exercise 2: match every task to its design pattern. Patterns: "one-to-one", "one-to-many",
# "many-to-one", "many-to-many (synced)", "many-to-many (unsynced)".
answer = {
    "classify a single image": "one-to-one",  # replace each pattern with your answer
    "caption an image": "one-to-many",
    "sentiment of a review": "many-to-one",
    "tag every word with its part of speech": "many-to-many (synced)",
    "translate English to German": "many-to-many (unsynced)",
}
course_utils.check.design_patterns(answer)
""",
    ("01_unfolding_computational_graphs", 3): """\
# Exercise 3: write `unroll(f, s0, xs, theta)` returning the list of states [s(1), ..., s(T)] with
# s(t) = f(s(t-1), x(t), theta) and T = len(xs). Do not include s(0).
def unroll(f, s0, xs, theta):
    states, state = [], s0  # replace the body with your own code
    for x in xs:
        state = f(state, x, theta)
        states.append(state)
    return states


course_utils.check.unroll(unroll)
""",
    ("02_recurrent_language_model", 1): """\
# Exercise 1: one step of the vanilla RNN in NumPy. Shapes: x_t (batch, features), h_prev (batch,
# units),
# W_x (features, units), W_h (units, units), b (units,). Return h_t, shape (batch, units).
def rnn_step(x_t, h_prev, W_x, W_h, b):
    return np.tanh(x_t @ W_x + h_prev @ W_h + b)  # replace with your own code


course_utils.check.rnn_step(rnn_step)
""",
    ("02_recurrent_language_model", 2): """\
# Exercise 2: `p` holds the probability the model gave to each correct next character of a text
# (a 1-D array). Return the perplexity of the model on that text.
def perplexity(p):
    return float(np.exp(-np.mean(np.log(p))))  # replace with your own code


course_utils.check.perplexity(perplexity)
""",
    ("02_recurrent_language_model", 3): """\
# Exercise 3: turn a 1-D array of logits into sampling probabilities at a given temperature,
# softmax(logits / temperature). Make it work for large logits too (e.g. 1000).
def temperature_softmax(logits, temperature):
    scaled = np.asarray(logits) / temperature  # replace the body with your own code
    exp = np.exp(scaled - scaled.max())
    return exp / exp.sum()


course_utils.check.temperature_softmax(temperature_softmax)
""",
    ("03_backpropagation_through_time", 1): """\
# Exercise 1: the heart of BPTT. `states` is (T + 1, units): h_0, ..., h_T of one sequence of the
# tanh RNN
# h_t = tanh(... + h_{t-1} @ W_h). `local_gradients` is (T, units): ∂L_t/∂h_t from each step's own
# loss only.
# Return dL/dW_h, shape (units, units). Walk back from t = T, carrying the gradient from later
# steps.
def bptt_gradient(states, recurrent_kernel, local_gradients):
    grad = np.zeros_like(recurrent_kernel)  # replace the body with your own code
    carry = np.zeros(recurrent_kernel.shape[0])
    for t in reversed(range(len(local_gradients))):
        delta = (local_gradients[t] + carry) * (1 - states[t + 1] ** 2)
        grad += np.outer(states[t], delta)
        carry = delta @ recurrent_kernel.T
    return grad


course_utils.check.bptt_gradient(bptt_gradient)
""",
    ("03_backpropagation_through_time", 2): """\
# Exercise 2: a gradient checker. Return the central-difference estimate of the gradient of the
# scalar
# function f at the array x (same shape as x): entry i is (f(x + eps e_i) - f(x - eps e_i)) / (2
# eps).
# Leave x as you found it.
def numerical_gradient(f, x, eps):
    grad = np.zeros_like(x)  # replace the body with your own code
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        plus = f(x)
        x[index] = original - eps
        minus = f(x)
        x[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


course_utils.check.numerical_gradient(numerical_gradient)
""",
    ("04_vanishing_and_exploding_gradients", 1): """\
# Exercise 1: a linear RNN has W_h = 0.8 * Q with Q orthogonal, and ‖∂L/∂h_T‖ = 1.
# What is ‖∂L/∂h_{T-10}‖? (A number; a Python expression is fine.)
answer = 0.8 ** 10  # replace with your answer
course_utils.check.gradient_decay(answer)
""",
    ("04_vanishing_and_exploding_gradients", 2): """\
# Exercise 2: clip a list of gradient arrays by their *global* norm: if sqrt(sum of all squared
# entries)
# exceeds clip_norm, scale every array by clip_norm / global_norm; otherwise return them unchanged.
def clip_by_global_norm(gradient_list, clip_norm):
    global_norm = np.sqrt(sum(np.sum(g ** 2) for g in gradient_list))  # replace the body with your own code
    scale = min(1.0, clip_norm / global_norm)
    return [g * scale for g in gradient_list]


course_utils.check.clip_by_global_norm(clip_by_global_norm)
""",
    ("05_lstm_gates", 1): """\
# Exercise 1: how many trainable parameters does keras.layers.LSTM(128) have when it reads 20
# features per step? Work it out by hand, then check.
answer = 4 * (128 * 20 + 128 * 128 + 128)  # replace with your answer
course_utils.check.lstm_parameter_count(answer)
""",
    ("05_lstm_gates", 2): """\
# Exercise 2: write one LSTM step with Keras's weight layout: kernel (features, 4 units),
# recurrent_kernel
# (units, 4 units), bias (4 units,), blocks in the order input, forget, candidate, output.
# Return (h_t, c_t). Use NumPy only.
def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # replace the body with your own code
    z_i, z_f, z_c, z_o = np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=-1)
    c_t = sigmoid(z_f) * c_prev + sigmoid(z_i) * np.tanh(z_c)
    h_t = sigmoid(z_o) * np.tanh(c_t)
    return h_t, c_t


course_utils.check.lstm_step(lstm_step)
""",
    ("05_lstm_gates", 3): """\
# Exercise 3: along the cell state alone (gates held fixed), how does c_T depend on c_k?
# forget_gates is a (T, units) array whose row t-1 holds f_t. Return ∂c_T/∂c_k, a (units,) array,
# for k in 0..T.
def cell_path_gradient(forget_gates, k):
    return np.prod(forget_gates[k:], axis=0)  # replace with your own code


course_utils.check.cell_path_gradient(cell_path_gradient)
""",
    ("06_gru", 1): """\
# Exercise 1: how many trainable parameters does keras.layers.GRU(128) (default reset_after=True)
# have
# when it reads 20 features per step?
answer = 3 * (128 * 20 + 128 * 128 + 2 * 128)  # replace with your answer
course_utils.check.gru_parameter_count(answer)
""",
    ("06_gru", 2): """\
# Exercise 2: write one GRU step in Keras's convention with reset_after=False: kernel (features, 3
# units),
# recurrent_kernel (units, 3 units), bias (3 units,), blocks in the order update z, reset r,
# candidate;
# h_t = z * h_prev + (1 - z) * candidate. Return h_t. Use NumPy only.
def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    sigmoid = lambda a: 1 / (1 + np.exp(-a))  # replace the body with your own code
    units = h_prev.shape[-1]
    x_z, x_r, x_h = np.split(x_t @ kernel + bias, 3, axis=-1)
    h_z, h_r = np.split(h_prev @ recurrent_kernel[:, :2 * units], 2, axis=-1)
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    candidate = np.tanh(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * units:])
    return z * h_prev + (1 - z) * candidate


course_utils.check.gru_step(gru_step)
""",
    ("07_long_term_dependencies", 1): """\
# Exercise 1: what is the time constant tau = 1 / (1 - alpha), in steps, of a leaky unit with alpha
# = 0.95?
answer = 1 / (1 - 0.95)  # replace with your answer
course_utils.check.leaky_time_constant(answer)
""",
    ("07_long_term_dependencies", 2): """\
# Exercise 2: write one step of a layer of leaky units, h_t = alpha * h_prev + (1 - alpha) *
# tanh(x_t W + h_prev U + b).
# alpha is a (units,) array, one value per unit. Use NumPy only.
def leaky_step(x_t, h_prev, kernel, recurrent_kernel, bias, alpha):
    return alpha * h_prev + (1 - alpha) * np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)  # replace


course_utils.check.leaky_step(leaky_step)
""",
    ("07_long_term_dependencies", 3): """\
# Exercise 3: store P patterns of ±1 (a (P, N) array) with Hebb's rule: return the (N, N) weight
# matrix
# W = (1/N) * sum over patterns of x x^T, with a zero diagonal.
def hebbian_weights(patterns):
    weights = patterns.T @ patterns / patterns.shape[1]  # replace with your own code
    np.fill_diagonal(weights, 0.0)
    return weights


course_utils.check.hopfield_weights(hebbian_weights)
""",
    ("08_bidirectional_rnns", 1): """\
# Exercise 1: what is the output shape of
#   Bidirectional(keras.layers.RNN(GRUCell(32), return_sequences=True), merge_mode="concat")
# on an input of shape (16, 40, 8)? Then try the other merge modes (change merge_mode= in the call).
answer = (16, 40, 64)  # replace with your answer, a tuple of ints
course_utils.check.bidirectional_output_shape(answer, input_shape=(16, 40, 8), units=32, merge_mode="concat")
""",
    ("08_bidirectional_rnns", 2): """\
# Exercise 2 (homework question 5): how many parameters does a bidirectional LSTM layer have with
# input size 10 and 32 units per direction (no output layer)? Work it out by hand.
print(course_utils.check.BIDIRECTIONAL_QUESTION)
answer = 2 * 4 * (10 * 32 + 32 * 32 + 32)  # replace with your answer
course_utils.check.bidirectional_parameter_count(answer)
""",
    ("08_bidirectional_rnns", 3): """\
# Exercise 3: which of these tasks can use a bidirectional RNN? Map each task to True or False.
answer = {
    "tag the parts of speech of a finished sentence": True,  # replace each value with your answer
    "predict the next word while the user is typing": False,
    "classify the sentiment of a complete review": True,
    "live captions that must appear as the speaker talks": False,
    "named-entity recognition on stored documents": True,
}
course_utils.check.bidirectional_use_cases(answer)
""",
    ("09_deep_recurrent_networks", 1): """\
# Exercise 1: a deep-transition RNN has an MLP of depth 3 between h_(t-1) and h_t.
# How many non-linear layers lie on the shortest path from h_(t-4) to h_t (a) without and
# (b) with the shortcut connection? Answer with a pair (a, b).
print(course_utils.check.PATH_LENGTH_QUESTION)
answer = (12, 4)  # replace with your answer
course_utils.check.transition_path_length(answer)
""",
    ("09_deep_recurrent_networks", 2): """\
# Exercise 2: write residual_stack(x, layers): apply the layer functions in order, the first one
# plainly
# (y = f_1(x)), every later one with a residual connection (y = y + f_l(y)). Return the final y.
def residual_stack(x, layers):
    y = layers[0](x)  # replace the body with your own code
    for layer in layers[1:]:
        y = y + layer(y)
    return y


course_utils.check.residual_stack(residual_stack)
""",
    ("09_deep_recurrent_networks", 3): """\
# Exercise 3: write layer_norm(a, epsilon) for a NumPy array a of shape (batch, units): normalise
# each
# example (row) to mean 0 and variance 1 over its units (no gain, no bias).
def layer_norm(a, epsilon):
    mean = a.mean(axis=-1, keepdims=True)  # replace the body with your own code
    variance = a.var(axis=-1, keepdims=True)
    return (a - mean) / np.sqrt(variance + epsilon)


course_utils.check.layer_norm(layer_norm)
""",
    ("10_recursive_neural_networks", 1): """\
# Exercise 1: write linearize(tree) for a nested-tuple binary tree such as (("not", "good"),
# "dull"):
# return (children, words) with nodes numbered children-before-parent and the root last;
# children[i] = [left, right] (or [-1, -1] at a leaf), words[i] = the word at a leaf, None inside.
def linearize(tree):
    children, words = [], []  # replace the body with your own code

    def visit(node):
        if isinstance(node, str):
            children.append([-1, -1])
            words.append(node)
        else:
            left, right = visit(node[0]), visit(node[1])
            children.append([left, right])
            words.append(None)
        return len(words) - 1

    visit(tree)
    return children, words


course_utils.check.linearize_tree(linearize)
""",
    ("10_recursive_neural_networks", 2): """\
# Exercise 2: how many parameters does a binary TreeLSTM have with 12 input features and 24 units
# (kernel, recurrent kernel and bias; no embedding, no classifier)?
print(course_utils.check.TREE_LSTM_QUESTION)
answer = 5 * (12 * 24 + 2 * 24 * 24 + 24)  # replace with your answer
course_utils.check.tree_lstm_parameter_count(answer)
""",
    ("10_recursive_neural_networks", 3): """\
# Exercise 3: label each phrase with the data set's rules: a word has its own polarity ("not",
# "the",
# "film" are neutral); (not X) flips X; (X Y) is Y's label unless Y is neutral, then X's.
print(course_utils.check.TREE_LABEL_PHRASES)
answer = {
    "((not good) dull)": "negative",  # replace each label with your answer
    "(not (good dull))": "positive",
    "(bad (the film))": "negative",
    "((not (not good)) the)": "positive",
    "(not ((awful film) clever))": "negative",
}
course_utils.check.tree_labels(answer)
""",
    ("11_sequence_to_sequence", 1): """\
# Exercise 1: write the masked mean. token_losses and mask are (batch, time) NumPy arrays;
# mask is 1.0 at real tokens and 0.0 at padding. Return one number: the mean loss per real token.
def my_masked_mean(token_losses, mask):
    return (token_losses * mask).sum() / mask.sum()  # replace with your code


course_utils.check.masked_mean(my_masked_mean)
""",
    ("11_sequence_to_sequence", 2): """\
# Exercise 2: build the teacher-forcing arrays. target_ids is a list of lists of token ids (no
# <start>/<end>); return (decoder_inputs, decoder_targets), two int arrays of shape
# (len(target_ids), width):
# <start> (id 1) + ids, and ids + <end> (id 2), each padded with 0.
def my_teacher_forcing_arrays(target_ids, width):
    decoder_inputs = np.zeros((len(target_ids), width), dtype=int)  # replace with your code
    decoder_targets = np.zeros((len(target_ids), width), dtype=int)
    for row, ids in enumerate(target_ids):
        decoder_inputs[row, :len(ids) + 1] = [1] + list(ids)
        decoder_targets[row, :len(ids) + 1] = list(ids) + [2]
    return decoder_inputs, decoder_targets


course_utils.check.teacher_forcing_arrays(my_teacher_forcing_arrays)
""",
    ("11_sequence_to_sequence", 3): """\
# Exercise 3: which statement describes exposure bias? Answer with the letter.
for letter, statement in course_utils.check.EXPOSURE_BIAS_CHOICES.items():
    print(f"({letter}) {statement}")
answer = "a"  # replace with your answer
course_utils.check.exposure_bias(answer)
""",
    ("12_attention", 1): """\
# Exercise 1: Luong 'dot' attention for one query, with a padding mask, in NumPy.
# query (units,), values (T_in, units), mask (T_in,) with 1.0 at real positions and 0.0 at padding.
# Return (context (units,), weights (T_in,)); padded positions must get weight 0.
def my_masked_attention(query, values, mask):
    scores = values @ query  # replace with your code
    scores = np.where(mask > 0, scores, -np.inf)
    weights = np.exp(scores - scores.max())
    weights = weights / weights.sum()
    return weights @ values, weights


course_utils.check.masked_attention(my_masked_attention)
""",
    ("12_attention", 2): """\
# Exercise 2: how many trainable parameters does BahdanauAttention(units=16) have for a decoder
# state
# (query) of size 64 and encoder outputs (values) of size 48? Work it out from the score formula.
print(course_utils.check.ATTENTION_PARAMETERS_QUESTION)
answer = 64 * 16 + 48 * 16 + 16  # replace with your answer
course_utils.check.attention_parameters(answer)
""",
    ("12_attention", 3): """\
# Exercise 3: which English token should each German token attend to most? Map every German token
# of the question to an English token (the hyphen is "-").
print(course_utils.check.ALIGNMENT_QUESTION)
answer = {"drei": "three", "hundert": "hundred", "zwei": "two", "und": "-", "vierzig": "forty"}  # replace
course_utils.check.alignment(answer)
""",
    ("13_beam_search", 1): """\
# Exercise 1: how many distinct outputs of at most 3 tokens can a decoder produce whose vocabulary
# has 5 tokens, one of which is <end>? (Nothing follows <end>; an output may also be cut at 3
# tokens.) The toy model above has 4 tokens: count the same way.
answer = 1 + 4 + 16 + 64  # replace with your answer
course_utils.check.number_of_outputs(answer, vocabulary_size=5, max_length=3)
""",
    ("13_beam_search", 2): """\
# Exercise 2: an output has the token log-probabilities below (the last one is <end>'s). What is its
# length-normalised score with alpha = 0.6?
token_log_probs = (-0.4, -1.2, -0.1, -0.3)
answer = sum(token_log_probs) / len(token_log_probs) ** 0.6  # replace with your answer
course_utils.check.length_normalised_score(answer, token_log_probs=token_log_probs, length_penalty=0.6)
""",
    ("13_beam_search", 3): """\
# Exercise 3: which statements are true? Answer with a set of letters.
for letter, statement in course_utils.check.BEAM_SEARCH_STATEMENTS.items():
    print(letter, statement)
answer = {"A", "E"}  # replace with your answer
course_utils.check.beam_search_statements(answer)
""",
    ("14_from_rnns_to_transformers", 1): """\
# Exercise 1: a stack of 3 layers reads a sequence of T = 50 tokens. Count one step per cell
# application (a stacked RNN: cell (layer l, position t) needs cells (l - 1, t) and (l, t - 1)) or
# per layer (a stack of self-attention layers). How many steps must run one after another?
answer = {"rnn": 52, "self_attention": 3}  # 50 + 3 - 1: the wavefront; each layer waits once
course_utils.check.sequential_operations(answer, sequence_length=50, num_layers=3)
""",
    ("14_from_rnns_to_transformers", 2): """\
# Exercise 2: how many attention weights alpha_ij does one self-attention layer with 4 heads
# compute for one sequence of 128 tokens?
answer = 4 * 128 * 128  # replace with your answer
course_utils.check.attention_score_count(answer, sequence_length=128, num_heads=4)
""",
    ("14_from_rnns_to_transformers", 3): """\
# Exercise 3: which statements are true? Answer with a set of letters.
for letter, statement in course_utils.check.TRANSFORMER_STATEMENTS.items():
    print(letter, statement)
answer = {"A", "B", "E"}  # replace with your answer
course_utils.check.transformer_statements(answer)
""",
    ("16_speech_recognition_with_ctc", 1): """\
# Exercise 1: how many frame-level paths of 5 frames, over the classes {blank, 1, 2},
# collapse to the labelling (1, 2) ("zero one" in the digit classes)?
answer = 35  # replace None with your answer
course_utils.check.ctc_path_count(answer, labels=(1, 2), frames=5)
""",
    ("16_speech_recognition_with_ctc", 2): """\
# Exercise 2: how many frames does tf.signal.stft (no padding) give for a clip of 5000 samples
# with frame_length=256 and frame_step=128?
answer = 1 + (5000 - 256) // 128  # replace None with your answer
course_utils.check.stft_frames(answer, samples=5000, frame_length=256, frame_step=128)
""",
    ("16_speech_recognition_with_ctc", 3): """\
# Exercise 3: write the greedy (best-path) collapse: a list of per-frame class ids (blank 0)
# -> tuple of labels. [0, 3, 3, 0, 3, 1, 1] -> (3, 3, 1)
def my_collapse(frames):
    labels, previous = [], None  # your code here
    for c in frames:
        if c != previous and c != 0:
            labels.append(c)
        previous = c
    return tuple(labels)


course_utils.check.greedy_collapse(my_collapse)
""",
    ("17_forecasting_a_real_series", 1): """\
# Exercise 1: how many (input, target) windows does make_windows cut from a series of 100 steps,
# with 24 input steps and a 12-step target (a new window at every step)?
answer = 100 - 24 - 12 + 1  # replace None with your answer
course_utils.check.window_count(answer, length=100, window=24, horizon=12)
""",
    ("17_forecasting_a_real_series", 2): """\
# Exercise 2: write MASE: the MAE of the forecast divided by the in-sample MAE of the seasonal
# naive forecast (lag `period`) on the training part. Use NumPy only.
def my_mase(y_true, y_pred, train, period):
    scale = np.mean(np.abs(train[period:] - train[:-period]))  # replace with your code
    return np.mean(np.abs(y_true - y_pred)) / scale


course_utils.check.mase(my_mase)
""",
    ("17_forecasting_a_real_series", 3): """\
# Exercise 3: which steps let information from the test period into the model or into its choice?
# Answer with a set of letters.
for letter, step in course_utils.check.LEAKY_STEPS.items():
    print(letter, step)
answer = {"A", "C", "E"}  # replace None with your answer, e.g. {"A", "B"}
course_utils.check.leaky_steps(answer)
""",
    ("18_image_captioning", 1): """\
# Exercise 1: the decoder targets of a strip. Write the token ids the decoder is trained to
# output for the strip described in the question (a list of ints).
print(course_utils.check.CAPTION_QUESTION)
answer = [8, 3, 6, 2]  # replace None with your answer
course_utils.check.caption_ids(answer)
""",
    ("18_image_captioning", 2): """\
# Exercise 2: how many attention weights does one greedy decode of the question's batch produce,
# if every strip's decode stops right after its <end> token?
print(course_utils.check.ATTENTION_COUNT_QUESTION)
answer = 288  # replace None with your answer
course_utils.check.attention_weight_count(answer)
""",
    ("18_image_captioning", 3): """\
# Exercise 3: an encoder with 4 pixel columns per column group (finer than ours): which column
# groups (0-based) should the decoder attend to while writing the question's word (counted from
# 1)? Answer with a set of ints.
print(course_utils.check.COLUMNS_QUESTION)
answer = {6, 7}  # replace None with your answer
course_utils.check.attended_columns(answer)
""",
    ("19_appendix_scaling_out", 1): """\
# Exercise 1: train(model, x, y, batch_size=64) under MirroredStrategy with 4 GPUs on 10,000
# examples. How many examples does each GPU see per step, and how many optimizer steps make one
# epoch?
print(course_utils.check.REPLICA_QUESTION)
answer = (16, 157)  # replace with your answer
result = course_utils.check.replica_batch(answer)
""",
    ("19_appendix_scaling_out", 2): """\
# Exercise 2: each replica reports the mean loss over its real tokens (loss_means) and how many
# real tokens it had (weight_sums), both 1-D arrays. Return the mean loss over the whole batch, as
# one device would compute it. A replica may hold only padding: its mean is then NaN (0 / 0).
def global_mean_loss(loss_means, weight_sums):
    totals = np.where(weight_sums > 0, loss_means, 0.0) * weight_sums  # replace with your code
    return totals.sum() / weight_sums.sum()


result = course_utils.check.global_mean_loss(global_mean_loss)
""",
}
