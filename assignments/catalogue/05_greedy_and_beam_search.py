"""Wrong and shortcut submissions of 05_greedy_and_beam_search: each must lose its task's points.

Length convention of the assignment (stated in its setup): |y| counts every token of the output, END
included, and log p(y) includes END's log-probability.
"""

_BEAM = '''def beam_search(log_probs, max_length, beam_width, alpha=0.0):
    def score(tokens, total):
        return total / {length} ** alpha

    beam = [((), 0.0)]
    for _ in range(max_length):
        candidates = []
        for tokens, total in beam:
            if tokens and tokens[-1] == END:
                {finished}
                continue
            next_log_probs = log_probs(tokens)
            for token in range(len(next_log_probs)):
                candidates.append((tokens + (token,), total + float(next_log_probs[token])))
        candidates.sort(key=lambda candidate: -score(*candidate))
        beam = candidates[:{keep}]
        if not beam or all(tokens[-1] == END for tokens, _ in beam):
            break
    return [(tokens, total, score(tokens, total)) for tokens, total in beam]
'''


def _beam(length="len(tokens)", finished="candidates.append((tokens, total))", keep="beam_width"):
    return _BEAM.format(length=length, finished=finished, keep=keep)


WRONG = [
    # ---------------------------------------------------------------- score_output
    dict(task="score_output", kind="off by one", numbers=False,
         why="does not count END in the length",
         cells={"score_output": '''def score_output(log_probs, tokens, alpha):
    total = sum(float(log_probs(tokens[:t])[v]) for t, v in enumerate(tokens))
    length = len(tokens) - 1 if tokens[-1] == END else len(tokens)
    return total, total / max(length, 1) ** alpha
'''}),
    dict(task="score_output", kind="other", numbers=False,
         why="leaves END's own log-probability out of log p",
         cells={"score_output": '''def score_output(log_probs, tokens, alpha):
    total = sum(float(log_probs(tokens[:t])[v]) for t, v in enumerate(tokens) if v != END)
    return total, total / len(tokens) ** alpha
'''}),
    # ---------------------------------------------------------------- greedy_decode
    dict(task="greedy_decode", kind="off by one", numbers=False,
         why="stops before appending END, so the output lacks its end token",
         cells={"greedy_decode": '''def greedy_decode(log_probs, max_length):
    output = ()
    while len(output) < max_length:
        token = int(np.argmax(log_probs(output)))
        if token == END:
            break
        output += (token,)
    return output + (END,) if len(output) == 0 else output
'''}),
    dict(task="greedy_decode", kind="other", numbers=False,
         why="never lets END win: takes the likeliest token other than END until max_length",
         cells={"greedy_decode": '''def greedy_decode(log_probs, max_length):
    output = ()
    while len(output) < max_length:
        scores = log_probs(output).copy()
        scores[END] = -np.inf
        output += (int(np.argmax(scores)),)
    return output
'''}),
    dict(task="greedy_decode", kind="visible value", numbers=True,
         why="returns the published variant's greedy output",
         cells={"greedy_decode": '''def greedy_decode(log_probs, max_length):
    return (4, 0)
'''}),
    # ---------------------------------------------------------------- beam_search
    dict(task="beam_search", kind="library call", numbers=False,
         why="wraps the model as a step function for course_utils.decoding.beam_search",
         cells={"beam_search": '''import tensorflow as tf
from course_utils.decoding import beam_search as library_beam_search


def beam_search(log_probs, max_length, beam_width, alpha=0.0):
    vocab = len(log_probs(()))

    def step(tokens, state):
        rows = []
        for prefix in state.numpy():
            prefix = tuple(int(v) for v in prefix if v >= 0)
            rows.append(log_probs(prefix) if len(prefix) < max_length and END not in prefix else np.zeros(vocab))
        new = np.concatenate([state.numpy(), tokens.numpy()[:, None]], axis=1)[:, 1:] if False else state
        return tf.constant(np.array(rows), tf.float32), new

    result = library_beam_search(step, tf.fill([1, max_length], -1), start_id=END, end_id=END,
                                 max_length=max_length, beam_width=beam_width, length_penalty=alpha, eager=True)
    beam = []
    for tokens, lp, sc, n in zip(result.tokens[0], result.log_probs[0], result.scores[0], result.lengths[0]):
        if np.isfinite(sc):
            beam.append((tuple(int(v) for v in tokens[:n]), float(lp), float(sc)))
    return beam
'''}),
    dict(task="beam_search", kind="off by one", numbers=False,
         why="normalises by the length without END",
         cells={"beam_search": _beam(length="max(len(tokens) - (tokens[-1] == END), 1)")}),
    dict(task="beam_search", kind="wrong formula", numbers=False,
         why="no length normalisation: ignores alpha",
         cells={"beam_search": _beam(length="1")}),
    dict(task="beam_search", kind="other", numbers=False,
         why="keeps only the best hypothesis at every step (greedy disguised), returns a list of one",
         cells={"beam_search": _beam(keep="1")}),
    dict(task="beam_search", kind="other", numbers=False,
         why="forgets finished hypotheses: a hypothesis that ends leaves the beam for good",
         cells={"beam_search": _beam(finished="pass")}),
    dict(task="beam_search", kind="other", numbers=False,
         why="moves finished hypotheses to a separate list and refills the beam with live ones",
         cells={"beam_search": '''def beam_search(log_probs, max_length, beam_width, alpha=0.0):
    def score(tokens, total):
        return total / len(tokens) ** alpha

    beam, finished = [((), 0.0)], []
    for _ in range(max_length):
        candidates = []
        for tokens, total in beam:
            next_log_probs = log_probs(tokens)
            for token in range(len(next_log_probs)):
                candidates.append((tokens + (token,), total + float(next_log_probs[token])))
        candidates.sort(key=lambda candidate: -score(*candidate))
        beam = []
        for tokens, total in candidates:
            if tokens[-1] == END:
                finished.append((tokens, total))
            elif len(beam) < beam_width:
                beam.append((tokens, total))
        if not beam:
            break
    final = sorted(finished + beam, key=lambda candidate: -score(*candidate))[:beam_width]
    return [(tokens, total, score(tokens, total)) for tokens, total in final]
'''}),
    dict(task="beam_search", kind="other", numbers=False,
         why="returns the top of the given exhaustive_ranking instead of searching",
         cells={"beam_search": '''def beam_search(log_probs, max_length, beam_width, alpha=0.0):
    vocab = len(log_probs(()))
    return exhaustive_ranking(log_probs, vocab, max_length, alpha)[:beam_width]
'''}),
    dict(task="beam_search", kind="hang", numbers=False,
         why="a stopping rule that never fires",
         cells={"beam_search": '''def beam_search(log_probs, max_length, beam_width, alpha=0.0):
    while True:
        pass
'''}),
    # ---------------------------------------------------------------- decoded_bleu
    dict(task="decoded_bleu", kind="library call", numbers=False,
         why="calls course_utils.analysis.metrics.corpus_bleu instead of sacrebleu",
         cells={"decoded_bleu": '''from course_utils.analysis.metrics import corpus_bleu


def decoded_bleu(outputs, references, vocabulary):
    return corpus_bleu([[vocabulary[v] for v in o if v != END] for o in outputs], references)
'''}),
    dict(task="decoded_bleu", kind="other", numbers=False,
         why="lets sacrebleu tokenise again (default 13a), splitting u.s., km/h, 10:30",
         cells={"decoded_bleu": '''def decoded_bleu(outputs, references, vocabulary):
    hypotheses = [" ".join(vocabulary[v] for v in o if v != END) for o in outputs]
    return float(sacrebleu.corpus_bleu(hypotheses, [[" ".join(r) for r in references]]).score)
'''}),
    dict(task="decoded_bleu", kind="off by one", numbers=False,
         why="keeps the end token as a word of every output",
         cells={"decoded_bleu": '''def decoded_bleu(outputs, references, vocabulary):
    hypotheses = [" ".join(vocabulary[v] for v in o) for o in outputs]
    bleu = sacrebleu.metrics.BLEU(tokenize="none")
    return float(bleu.corpus_score(hypotheses, [[" ".join(r) for r in references]]).score)
'''}),
    dict(task="decoded_bleu", kind="wrong formula", numbers=False,
         why="the mean of sentence BLEUs instead of corpus BLEU",
         cells={"decoded_bleu": '''def decoded_bleu(outputs, references, vocabulary):
    bleu = sacrebleu.metrics.BLEU(tokenize="none", effective_order=True)
    scores = [bleu.sentence_score(" ".join(vocabulary[v] for v in o if v != END), [" ".join(r)]).score
              for o, r in zip(outputs, references)]
    return float(np.mean(scores))
'''}),
    dict(task="decoded_bleu", kind="visible value", numbers=True,
         why="returns the published variant's visible BLEU",
         cells={"decoded_bleu": '''def decoded_bleu(outputs, references, vocabulary):
    if all(list(vocabulary[v] for v in o if v != END) == r for o, r in zip(outputs, references)):
        return 100.0
    return 40.089514609544594
'''}),
]
