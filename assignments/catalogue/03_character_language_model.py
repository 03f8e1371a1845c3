"""Wrong and shortcut submissions of 03_character_language_model: each must lose its task's points."""

WRONG = [
    # Task 1: the model
    dict(
        task="build_language_model",
        kind="library call",
        numbers=False,
        why="uses Keras's own GRU layer instead of a course cell inside keras.layers.RNN",
        cells={
            "build_language_model": '''def build_language_model(vocabulary_size):
    characters = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, 32)(characters)
    states = keras.layers.GRU(128, return_sequences=True)(vectors)
    return keras.Model(characters, keras.layers.Dense(vocabulary_size)(states))
'''
        },
    ),
    dict(
        task="build_language_model",
        kind="wrong formula",
        numbers=False,
        why="ends in a softmax: returns probabilities where logits are asked",
        cells={
            "build_language_model": '''def build_language_model(vocabulary_size):
    characters = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, 32)(characters)
    states = keras.layers.RNN(GRUCell(128), return_sequences=True)(vectors)
    return keras.Model(characters, keras.layers.Dense(vocabulary_size, activation="softmax")(states))
'''
        },
    ),
    dict(
        task="build_language_model",
        kind="visible sizes only",
        numbers=False,
        why="hard-codes the python_docs vocabulary of 104 characters instead of vocabulary_size",
        cells={
            "build_language_model": '''def build_language_model(vocabulary_size):
    characters = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(104, 32)(characters)
    states = keras.layers.RNN(GRUCell(128), return_sequences=True)(vectors)
    return keras.Model(characters, keras.layers.Dense(104)(states))
'''
        },
    ),
    dict(
        task="build_language_model",
        kind="other",
        numbers=False,
        why="a bidirectional layer: the model reads ahead and sees the character it should predict",
        cells={
            "build_language_model": '''def build_language_model(vocabulary_size):
    characters = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, 32)(characters)
    states = keras.layers.Bidirectional(keras.layers.RNN(GRUCell(64), return_sequences=True))(vectors)
    return keras.Model(characters, keras.layers.Dense(vocabulary_size)(states))
'''
        },
    ),
    # Task 2: training
    dict(
        task="train_language_model",
        kind="untrained",
        numbers=False,
        why="returns without training: the model stays at about log2(104) bits per character",
        cells={
            "train_language_model": '''def train_language_model(model, inputs, targets):
    return None
'''
        },
    ),
    dict(
        task="train_language_model",
        kind="untrained",
        numbers=False,
        why="barely trained: one optimizer step on the first 32 windows",
        cells={
            "train_language_model": '''def train_language_model(model, inputs, targets):
    return course_utils.train(model, inputs[:32], targets[:32],
                              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                              metrics=(), epochs=1, batch_size=32, learning_rate=1e-2)
'''
        },
    ),
    dict(
        task="train_language_model",
        kind="untrained",
        numbers=False,
        why="one epoch at the default learning rate: far from the n-gram",
        cells={
            "train_language_model": '''def train_language_model(model, inputs, targets):
    return course_utils.train(model, inputs, targets,
                              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                              metrics=(), epochs=1, batch_size=64)
'''
        },
    ),
    # Task 3: bits per character
    dict(
        task="bits_per_character",
        kind="wrong formula",
        numbers=False,
        why="returns nats (natural log) instead of bits",
        cells={
            "bits_per_character": '''def bits_per_character(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, np.asarray(targets)[..., None], axis=-1)[..., 0]
    return float(-picked.mean())
'''
        },
    ),
    dict(
        task="bits_per_character",
        kind="library call",
        numbers=False,
        why="lets Keras compute the cross-entropy",
        cells={
            "bits_per_character": '''def bits_per_character(logits, targets):
    losses = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    return float(np.mean(np.asarray(losses)) / np.log(2))
'''
        },
    ),
    dict(
        task="bits_per_character",
        kind="other",
        numbers=False,
        why="a naive softmax without subtracting the maximum: large logits overflow",
        cells={
            "bits_per_character": '''def bits_per_character(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(p, np.asarray(targets)[..., None], axis=-1)[..., 0]
    return float(-np.log2(picked).mean())
'''
        },
    ),
    dict(
        task="bits_per_character",
        kind="off by one",
        numbers=False,
        why="shifts the targets by one step although the logits at t already predict targets[:, t]",
        cells={
            "bits_per_character": '''def bits_per_character(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)[:, :-1]
    targets = np.asarray(targets)[:, 1:]
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]
    return float(-picked.mean() / np.log(2))
'''
        },
    ),
    dict(
        task="bits_per_character",
        kind="visible value",
        numbers=True,
        why="returns the visible tests' numbers (COHORT = 0) instead of computing them",
        cells={
            "bits_per_character": '''def bits_per_character(logits, targets):
    if np.shape(logits) == (2, 3, 8):
        return 3.0
    return 6.701836486276181
'''
        },
    ),
    # Task 4: sampling
    dict(
        task="sample",
        kind="wrong formula",
        numbers=False,
        why="multiplies the logits by the temperature instead of dividing",
        cells={
            "sample": '''def sample(logits, temperature, rng):
    if not temperature >= 0:
        raise ValueError("temperature must be >= 0")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = logits * temperature
    weights = np.exp(scaled - scaled.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))
'''
        },
    ),
    dict(
        task="sample",
        kind="other",
        numbers=False,
        why="always returns the argmax, whatever the temperature",
        cells={
            "sample": '''def sample(logits, temperature, rng):
    if not temperature >= 0:
        raise ValueError("temperature must be >= 0")
    return int(np.argmax(logits))
'''
        },
    ),
    dict(
        task="sample",
        kind="other",
        numbers=False,
        why="ignores the generator it is given and draws from NumPy's global random state",
        cells={
            "sample": '''def sample(logits, temperature, rng):
    if not temperature >= 0:
        raise ValueError("temperature must be >= 0")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = logits / temperature
    weights = np.exp(scaled - scaled.max())
    return int(np.random.choice(len(weights), p=weights / weights.sum()))
'''
        },
    ),
    dict(
        task="sample",
        kind="library call",
        numbers=False,
        why="draws with TensorFlow's categorical sampler",
        cells={
            "sample": '''import tensorflow as tf

def sample(logits, temperature, rng):
    if not temperature >= 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = tf.constant(np.asarray(logits, dtype=np.float64)[None] / temperature)
    return int(tf.random.categorical(scaled, 1, seed=int(rng.integers(2**31)))[0, 0])
'''
        },
    ),
    dict(
        task="sample",
        kind="other",
        numbers=False,
        why="no shift by the largest scaled logit: a tiny temperature overflows to NaN",
        cells={
            "sample": '''def sample(logits, temperature, rng):
    if not temperature >= 0:
        raise ValueError("temperature must be >= 0")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    weights = np.exp(logits / temperature)
    return int(rng.choice(len(weights), p=weights / weights.sum()))
'''
        },
    ),
]
