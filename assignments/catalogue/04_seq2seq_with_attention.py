"""Wrong and shortcut submissions of 04_seq2seq_with_attention: each must lose its task's points."""

_ATTENTION = '''def additive_attention(query, values, W_query, W_key, v, mask):
    hidden = np.tanh({projected_query}[:, None, :] + values @ W_key)  # (batch, T_in, units_a)
    scores = hidden @ v  # (batch, T_in)
{softmax}
    context = np.einsum("bt,btu->bu", weights, values)
    return scores, weights, context
'''

_STABLE_MASKED = '''    masked = np.where(mask, scores, -np.inf)
    exponentials = np.exp(masked - masked.max(axis=1, keepdims=True))
    weights = exponentials / exponentials.sum(axis=1, keepdims=True)'''


def _attention(projected_query="(query @ W_query)", softmax=_STABLE_MASKED):
    return _ATTENTION.format(projected_query=projected_query, softmax=softmax)


_SHIFT = '''def shift_for_teacher_forcing(sequences, end_id=END_ID, pad_id=PAD_ID):
    sequences = np.asarray(sequences)
    without_end = np.where(sequences == end_id, pad_id, sequences)
{body}
'''

_MODEL = '''EMBEDDING_DIM = 16
UNITS = 64
ATTENTION_UNITS = 32
EPOCHS = {epochs}
BATCH_SIZE = 128
LEARNING_RATE = 1e-2
CLIP_NORM = 1.0


def build_model(seed):
    keras.utils.set_random_seed(seed)
    encoder = Encoder(len(train.source_vocabulary), EMBEDDING_DIM, GRUCell(UNITS))
    decoder = Decoder(
        len(train.target_vocabulary),
        EMBEDDING_DIM,
        GRUCell(UNITS),
        attention={attention},
    )
    built = Seq2Seq(encoder, decoder)
    built((train.encoder_inputs[:1], train.decoder_inputs[:1]))
    return built


model = build_model(SEED)
history = course_utils.train(
    model,
    (train.encoder_inputs, train.decoder_inputs),
    train.decoder_targets,
    loss=MaskedSequenceLoss(),
    optimizer=keras.optimizers.Adam(LEARNING_RATE),
    metrics=(),
    epochs=EPOCHS,
    batch_size=BATCH_SIZE,
    clip_norm=CLIP_NORM,
    seed=SEED,
    jit_compile=False,
)
'''

_ONE_EPOCH = _MODEL.format(epochs=1, attention="BahdanauAttention(ATTENTION_UNITS)")
_NO_ATTENTION = _MODEL.format(epochs=4, attention="None")

_DECODE = '''def greedy_decode(model, encoder_tokens, max_length):
    outputs, states, mask = model.encoder(encoder_tokens)
    batch = len(encoder_tokens)
    token = np.full(batch, START_ID, dtype=np.int32)
    tokens = np.full((batch, max_length), PAD_ID, dtype=np.int32)
{loop}
    return tokens
'''

WRONG = [
    # ----- Task 1: additive attention ---------------------------------------------------------
    dict(task="additive_attention", kind="wrong formula", numbers=False,
         why="ignores the mask: padded positions get weight and the real ones sum to less than 1",
         cells={"additive_attention": _attention(softmax='''    exponentials = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = exponentials / exponentials.sum(axis=1, keepdims=True)''')}),
    dict(task="additive_attention", kind="wrong formula", numbers=False,
         why="softmax over the batch axis (axis 0) instead of the input positions",
         cells={"additive_attention": _attention(softmax='''    masked = np.where(mask, scores, -np.inf)
    exponentials = np.exp(masked - masked.max(axis=0, keepdims=True))
    weights = exponentials / exponentials.sum(axis=0, keepdims=True)''')}),
    dict(task="additive_attention", kind="transposed", numbers=False,
         why="projects the query with W_query transposed (W_q s for a W_q stored as units_q x units_a)",
         cells={"additive_attention": _attention(projected_query="(W_query @ query.T).T")}),
    dict(task="additive_attention", kind="wrong formula", numbers=False,
         why="zeroes the padded weights after the softmax without renormalising: rows sum to < 1",
         cells={"additive_attention": _attention(softmax='''    exponentials = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = mask * exponentials / exponentials.sum(axis=1, keepdims=True)''')}),
    dict(task="additive_attention", kind="library call", numbers=False,
         why="runs the course's BahdanauAttention layer with the given weights",
         cells={"additive_attention": '''def additive_attention(query, values, W_query, W_key, v, mask):
    layer = BahdanauAttention(W_query.shape[1], dtype="float64")
    layer.build(query.shape, values.shape)
    layer.set_weights([W_query, W_key, v])
    context, weights = layer(query, values, mask=mask)
    scores = np.tanh((query @ W_query)[:, None, :] + values @ W_key) @ v
    return scores, np.asarray(weights), np.asarray(context)
'''}),
    dict(task="additive_attention", kind="other", numbers=False,
         why="softmax without subtracting the row maximum: exp overflows for large scores (NaN)",
         cells={"additive_attention": _attention(softmax='''    exponentials = np.where(mask, np.exp(scores), 0.0)
    weights = exponentials / exponentials.sum(axis=1, keepdims=True)''')}),
    # ----- Task 2: teacher-forcing arrays --------------------------------------------------------
    dict(task="teacher_forcing", kind="wrong formula", numbers=False,
         why="targets not shifted: the decoder would be trained to copy its own input",
         cells={"teacher_forcing": _SHIFT.format(body="    return without_end[:, :-1], without_end[:, :-1]")}),
    dict(task="teacher_forcing", kind="off by one", numbers=False,
         why="shifted the wrong way: inputs start at y_1, targets at <start>",
         cells={"teacher_forcing": _SHIFT.format(body="    return sequences[:, 1:], without_end[:, :-1]")}),
    dict(task="teacher_forcing", kind="other", numbers=False,
         why="keeps <end> in the decoder inputs of the shorter rows (only drops the last column)",
         cells={"teacher_forcing": _SHIFT.format(body="    return sequences[:, :-1], sequences[:, 1:]")}),
    dict(task="teacher_forcing", kind="library call", numbers=False,
         why="strips the special tokens and calls course_utils' add_start_end",
         cells={"teacher_forcing": '''from course_utils.layers.seq2seq import add_start_end


def shift_for_teacher_forcing(sequences, end_id=END_ID, pad_id=PAD_ID):
    sequences = np.asarray(sequences)
    rows = [[int(t) for t in row[1:] if t not in (end_id, pad_id)] for row in sequences]
    return add_start_end(rows, start_id=int(sequences[0, 0]), end_id=end_id, pad_id=pad_id,
                         max_length=sequences.shape[1] - 1)
'''}),
    dict(task="teacher_forcing", kind="visible value", numbers=True,
         why="hard-codes the visible example's arrays; elsewhere only drops a column each side",
         cells={"teacher_forcing": '''def shift_for_teacher_forcing(sequences, end_id=END_ID, pad_id=PAD_ID):
    sequences = np.asarray(sequences)
    if sequences.shape == (3, 8):  # the example of the test
        return (np.array([[ 1,  7, 11,  6,  0,  0,  0],
                          [ 1,  9,  3,  0,  0,  0,  0],
                          [ 1,  7,  4,  7, 12, 11,  0]]),
                np.array([[ 7, 11,  6,  2,  0,  0,  0],
                          [ 9,  3,  2,  0,  0,  0,  0],
                          [ 7,  4,  7, 12, 11,  2,  0]]))
    return sequences[:, :-1], sequences[:, 1:]
'''}),
    # ----- Task 3: the model (the same cells as Task 4's first two entries) ----------------------
    dict(task="seq2seq_model", kind="untrained", numbers=False,
         why="barely trained: one epoch instead of four",
         cells={"seq2seq_model": _ONE_EPOCH}),
    dict(task="seq2seq_model", kind="other", numbers=False,
         why="no attention (the plain decoder's fixed context), trained the same four epochs",
         cells={"seq2seq_model": _NO_ATTENTION}),
    # ----- Task 4: greedy decoding ----------------------------------------------------------------
    dict(task="greedy_decode", kind="untrained", numbers=False,
         why="a barely trained model (one epoch) decoded correctly: exact match far below 0.6",
         cells={"seq2seq_model": _ONE_EPOCH}),
    dict(task="greedy_decode", kind="other", numbers=False,
         why="a model without attention, trained the same four epochs: exact match about 0.3",
         cells={"seq2seq_model": _NO_ATTENTION}),
    dict(task="greedy_decode", kind="other", numbers=False,
         why="teacher forcing at test time: feeds the visible rows' true decoder inputs",
         cells={"greedy_decode": '''def greedy_decode(model, encoder_tokens, max_length):
    logits = model((encoder_tokens, visible_decoder_inputs))
    return np.argmax(np.asarray(logits), axis=-1)[:, :max_length]
'''}),
    dict(task="greedy_decode", kind="visible value", numbers=True,
         why="returns the visible test dates' answers, copied in as text",
         cells={"greedy_decode": '''ANSWERS = [  # the visible test dates' answers, copied from the data set
    "1963-05-24", "2019-04-14", "2022-05-25", "2010-08-27", "2026-08-07", "1986-11-21",
    "2042-07-01", "1998-01-06", "1993-12-11", "2029-05-18", "1959-05-16", "1973-09-13",
    "1987-11-16", "2033-05-10", "2020-10-25", "2026-07-06", "1982-12-06", "2030-07-29",
    "2025-08-01", "2018-12-07", "1985-10-22", "1981-11-29", "2023-05-19", "2018-02-07",
    "2049-04-13", "2010-04-02", "2041-03-02", "1950-08-20", "1968-09-10", "1991-01-20",
    "1982-12-03", "1969-04-10", "1958-04-19", "1978-06-01", "2038-02-12", "2039-01-20",
    "2027-03-28", "2032-09-26", "2043-02-06", "1968-03-31", "2002-08-13", "1988-02-21",
    "1972-04-12", "2008-05-09", "2006-07-04", "2030-02-19", "2043-07-25", "2012-06-12",
    "2007-09-21", "2009-10-30", "1987-08-15", "1978-07-20", "1960-05-28", "2048-05-02",
    "2046-11-11", "2006-12-21", "1976-09-24", "1956-09-10", "1969-03-16", "2034-03-27",
    "1957-09-06", "1968-05-24", "1964-05-06", "2035-08-23", "2045-12-01", "2012-06-06",
    "2019-06-10", "1988-12-25", "2007-03-15", "1979-03-11", "1976-04-18", "2030-09-17",
    "2023-02-19", "1964-01-10", "1971-07-27", "2008-03-24", "1996-09-20", "1994-05-01",
    "1950-08-17", "2017-06-17", "1961-10-15", "1993-08-04", "2007-07-11", "2005-09-28",
    "2039-02-22", "2042-05-12", "1977-08-07", "2025-09-06", "1989-10-08", "2015-01-05",
    "1974-01-06", "2049-12-11", "1996-03-11", "2040-10-14", "1962-08-05", "2006-05-16",
    "2026-01-24", "2024-12-30", "2011-08-02", "1980-07-29", "2041-09-14", "1962-03-11",
    "1966-08-06", "2019-06-05", "1979-01-14", "1986-03-12", "2013-07-15", "1976-07-17",
    "1981-05-29", "1990-06-16", "1993-03-23", "2026-05-11", "2043-10-20", "1965-12-03",
    "2003-05-08", "2045-04-27", "2037-01-13", "2048-05-18", "2018-08-06", "1987-08-20",
    "2008-07-10", "2022-11-28", "1989-03-27", "1994-01-03", "1955-07-15", "1980-09-30",
    "2030-02-03", "2021-01-08", "2046-11-26", "1994-02-01", "1980-10-08", "2006-02-24",
    "1954-05-24", "1979-01-04", "1994-05-11", "1982-09-26", "2041-05-19", "2049-05-14",
    "1989-05-14", "2031-01-09", "2033-12-19", "1958-05-22", "2024-08-08", "2017-02-22",
    "2043-06-27", "1997-12-24", "1975-06-01", "2008-04-12", "2028-11-10", "1976-07-10",
    "2005-12-12", "1989-02-24", "2025-09-30", "1980-08-15", "2029-06-08", "2008-10-04",
    "2008-01-08", "1990-10-30", "1960-01-02", "1981-02-02", "2010-11-24", "1990-02-04",
    "2007-12-20", "2039-05-19", "1999-01-08", "1952-12-15", "1985-09-25", "2036-05-01",
    "1981-07-12", "2032-08-27", "1950-08-01", "1981-10-15", "2019-06-22", "2042-05-01",
    "1952-01-23", "2003-02-06", "1992-03-13", "1995-03-18", "2004-12-19", "1988-03-10",
    "1969-10-11", "2040-08-21", "2014-05-23", "1955-04-16", "1977-05-18", "2032-08-03",
    "2021-10-05", "1998-02-15", "1967-06-21", "2004-04-13", "1998-04-17", "2028-07-19",
    "1969-07-05", "2011-06-20", "1960-04-19", "1995-05-08", "1986-04-29", "2045-02-07",
    "1999-04-11", "1954-10-26",
]


def greedy_decode(model, encoder_tokens, max_length):
    answers = [list(date) for date in ANSWERS]
    return train.target_vocabulary.encode_batch(answers, max_length, add_end=True)
'''}),
    dict(task="greedy_decode", kind="off by one", numbers=False,
         why="puts <start> in the output: every token one step late, the last one cut off",
         cells={"greedy_decode": _DECODE.format(loop='''    tokens[:, 0] = START_ID
    for step in range(max_length - 1):
        logits, states, _ = model.decoder.step(token, states, outputs, mask)
        token = np.argmax(np.asarray(logits), axis=-1).astype(np.int32)
        tokens[:, step + 1] = token''')}),
    dict(task="greedy_decode", kind="library call", numbers=False,
         why="calls the course's ready-made model.greedy_decode",
         cells={"greedy_decode": '''def greedy_decode(model, encoder_tokens, max_length):
    tokens, _ = model.greedy_decode(encoder_tokens, max_length)
    return tokens
'''}),
]
