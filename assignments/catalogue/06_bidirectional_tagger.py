"""Wrong and shortcut submissions of 06_bidirectional_tagger: each must lose its task's points."""

_MERGE = '''    if merge_mode == "concat":
        return np.concatenate([forward, backward], axis=-1)
    if merge_mode == "sum":
        return forward + backward
    if merge_mode == "mul":
        return forward * backward
    if merge_mode == "ave":
        return (forward + backward) / 2.0
    raise ValueError(f"unknown merge_mode {merge_mode!r}")
'''

_TRAIN = '''

def train_tagger(model, tokens, tags):
    return course_utils.train(model, tokens, tags,
                              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                              epochs=1, batch_size=32, learning_rate=3e-3)
'''

_BUILD = '''def build_tagger(vocabulary_size, tag_count):
    tokens = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, 8)(tokens)
    states = Bidirectional(keras.layers.RNN(GRUCell(16), return_sequences=True))(vectors)
    return keras.Model(tokens, keras.layers.Dense(tag_count)(states))
'''

WRONG = [
    # Task 1: the NumPy bidirectional pass
    dict(
        task="bidirectional",
        kind="library call",
        numbers=False,
        why="calls keras.layers.Bidirectional with the weights copied in instead of writing the two passes",
        cells={
            "bidirectional": '''def bidirectional(x, forward_weights, backward_weights, merge_mode="concat"):
    if merge_mode not in ("concat", "sum", "mul", "ave"):
        raise ValueError(merge_mode)
    layer = keras.layers.Bidirectional(
        keras.layers.SimpleRNN(forward_weights[0].shape[1], return_sequences=True, dtype="float64"),
        merge_mode=merge_mode, dtype="float64")
    layer(x)
    layer.set_weights(list(forward_weights) + list(backward_weights))
    return np.asarray(layer(x))
'''
        },
    ),
    dict(
        task="bidirectional",
        kind="off by one",
        numbers=False,
        why="does not reverse the backward states back: position t holds the state after x_T .. x_(T-t+1)",
        cells={
            "bidirectional": '''def bidirectional(x, forward_weights, backward_weights, merge_mode="concat"):
    forward = simple_rnn(x, *forward_weights)
    backward = simple_rnn(x[:, ::-1], *backward_weights)
''' + _MERGE
        },
    ),
    dict(
        task="bidirectional",
        kind="other",
        numbers=False,
        why="unidirectional: the second RNN reads the sequence left to right too",
        cells={
            "bidirectional": '''def bidirectional(x, forward_weights, backward_weights, merge_mode="concat"):
    forward = simple_rnn(x, *forward_weights)
    backward = simple_rnn(x, *backward_weights)
''' + _MERGE
        },
    ),
    dict(
        task="bidirectional",
        kind="wrong formula",
        numbers=False,
        why="uses the forward weights for both directions",
        cells={
            "bidirectional": '''def bidirectional(x, forward_weights, backward_weights, merge_mode="concat"):
    forward = simple_rnn(x, *forward_weights)
    backward = simple_rnn(x[:, ::-1], *forward_weights)[:, ::-1]
''' + _MERGE
        },
    ),
    dict(
        task="bidirectional",
        kind="wrong formula",
        numbers=False,
        why='"ave" returns the sum, and unknown modes fall back to concat instead of raising',
        cells={
            "bidirectional": '''def bidirectional(x, forward_weights, backward_weights, merge_mode="concat"):
    forward = simple_rnn(x, *forward_weights)
    backward = simple_rnn(x[:, ::-1], *backward_weights)[:, ::-1]
    if merge_mode in ("sum", "ave"):
        return forward + backward
    if merge_mode == "mul":
        return forward * backward
    return np.concatenate([forward, backward], axis=-1)
'''
        },
    ),
    # Task 2: the masked loss and accuracy
    dict(
        task="masked_loss_and_accuracy",
        kind="other",
        numbers=False,
        why="padding counted: the means run over every position of the padded batch",
        cells={
            "masked_loss_and_accuracy": '''def masked_loss_and_accuracy(logits, tags, mask):
    logits = np.asarray(logits, dtype=np.float64)
    tags = np.asarray(tags)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    losses = -np.take_along_axis(log_p, tags[..., None], axis=-1)[..., 0]
    return float(losses.mean()), float(np.mean(np.argmax(logits, axis=-1) == tags))
'''
        },
    ),
    dict(
        task="masked_loss_and_accuracy",
        kind="other",
        numbers=False,
        why="padding counted in the accuracy only (the loss is masked)",
        cells={
            "masked_loss_and_accuracy": '''def masked_loss_and_accuracy(logits, tags, mask):
    logits = np.asarray(logits, dtype=np.float64)
    mask = np.asarray(mask).astype(bool)
    tags = np.asarray(tags)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    losses = -np.take_along_axis(log_p, np.where(mask, tags, 0)[..., None], axis=-1)[..., 0]
    loss = np.sum(losses * mask) / np.sum(mask)
    return float(loss), float(np.mean(np.argmax(logits, axis=-1) == tags))
'''
        },
    ),
    dict(
        task="masked_loss_and_accuracy",
        kind="wrong formula",
        numbers=False,
        why="the mean of the per-sequence means: a short sequence's tokens weigh more",
        cells={
            "masked_loss_and_accuracy": '''def masked_loss_and_accuracy(logits, tags, mask):
    logits = np.asarray(logits, dtype=np.float64)
    mask = np.asarray(mask).astype(bool)
    losses, accuracies = [], []
    for row_logits, row_tags, row_mask in zip(logits, np.asarray(tags), mask):
        z, y = row_logits[row_mask], row_tags[row_mask]
        shifted = z - z.max(axis=-1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        losses.append(-log_p[np.arange(len(y)), y].mean())
        accuracies.append(np.mean(np.argmax(z, axis=-1) == y))
    return float(np.mean(losses)), float(np.mean(accuracies))
'''
        },
    ),
    dict(
        task="masked_loss_and_accuracy",
        kind="library call",
        numbers=False,
        why="lets Keras compute the cross-entropy and accuracy with sample weights",
        cells={
            "masked_loss_and_accuracy": '''def masked_loss_and_accuracy(logits, tags, mask):
    mask = np.asarray(mask).astype(bool)
    losses = keras.losses.sparse_categorical_crossentropy(np.asarray(tags)[mask], np.asarray(logits)[mask],
                                                          from_logits=True)
    hits = keras.metrics.sparse_categorical_accuracy(np.asarray(tags)[mask], np.asarray(logits)[mask])
    return float(np.mean(losses)), float(np.mean(hits))
'''
        },
    ),
    dict(
        task="masked_loss_and_accuracy",
        kind="visible value",
        numbers=True,
        why="returns the visible test's numbers (COHORT = 0)",
        cells={
            "masked_loss_and_accuracy": '''def masked_loss_and_accuracy(logits, tags, mask):
    return 1.5015771771203574, 0.2727272727272727
'''
        },
    ),
    dict(
        task="masked_loss_and_accuracy",
        kind="other",
        numbers=False,
        why="a naive softmax on the real tokens: logits of several hundred overflow",
        cells={
            "masked_loss_and_accuracy": '''def masked_loss_and_accuracy(logits, tags, mask):
    mask = np.asarray(mask).astype(bool)
    z, y = np.asarray(logits, dtype=np.float64)[mask], np.asarray(tags)[mask]
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    return float(-np.log(p[np.arange(len(y)), y]).mean()), float(np.mean(np.argmax(z, axis=-1) == y))
'''
        },
    ),
    # Task 3: the trained tagger
    dict(
        task="tagger",
        kind="other",
        numbers=False,
        why="a unidirectional (left-to-right) GRU where a bidirectional tagger is asked",
        cells={
            "tagger": '''def build_tagger(vocabulary_size, tag_count):
    tokens = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, 8)(tokens)
    states = keras.layers.RNN(GRUCell(24), return_sequences=True)(vectors)
    return keras.Model(tokens, keras.layers.Dense(tag_count)(states))
''' + _TRAIN
        },
    ),
    dict(
        task="tagger",
        kind="off by one",
        numbers=False,
        why="a hand-made 'bidirectional' layer: forward RNN and go_backwards RNN concatenated without re-reversing",
        cells={
            "tagger": '''def build_tagger(vocabulary_size, tag_count):
    tokens = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, 8)(tokens)
    forward = keras.layers.RNN(GRUCell(16), return_sequences=True)(vectors)
    backward = keras.layers.RNN(GRUCell(16), return_sequences=True, go_backwards=True)(vectors)
    states = keras.layers.Concatenate()([forward, backward])
    return keras.Model(tokens, keras.layers.Dense(tag_count)(states))
''' + _TRAIN
        },
    ),
    dict(
        task="tagger",
        kind="untrained",
        numbers=False,
        why="train_tagger does not train",
        cells={"tagger": _BUILD + '''

def train_tagger(model, tokens, tags):
    return None
'''},
    ),
    dict(
        task="tagger",
        kind="untrained",
        numbers=False,
        why="barely trained: one optimizer step",
        cells={"tagger": _BUILD + '''

def train_tagger(model, tokens, tags):
    return course_utils.train(model, tokens[:32], tags[:32],
                              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                              epochs=1, batch_size=32, learning_rate=3e-3)
'''},
    ),
]
