"""Wrong and shortcut submissions of 07_ctc_and_forecast_errors: each must lose its task's points."""

_CTC = '''def ctc_loss(log_probs, labels, blank=0):
    extended = [{blank}]
    for label in labels:
        extended += [int(label), {blank}]
    log_probs = np.asarray(log_probs, dtype=float)
    alpha = np.full(len(extended), -np.inf)
    alpha[0] = log_probs[0, extended[0]]
    {second_start}
    for t in range(1, len(log_probs)):
        previous, alpha = alpha, np.full(len(extended), -np.inf)
        for s, label in enumerate(extended):
            total = previous[s]
            if s >= 1:
                total = np.logaddexp(total, previous[s - 1])
            if {skip}:
                total = np.logaddexp(total, previous[s - 2])
            alpha[s] = total + log_probs[t, label]
    return {result}
'''
_RIGHT = dict(blank="blank", second_start="alpha[1] = log_probs[0, extended[1]]",
              skip="s >= 2 and label != blank and label != extended[s - 2]",
              result="float(-np.logaddexp(alpha[-1], alpha[-2]))")


def _ctc(**changes):
    return _CTC.format(**{**_RIGHT, **changes})


_MASE = '''def mase(actual, forecast, training, season):
    actual, forecast, training = (np.asarray(a, dtype=float) for a in (actual, forecast, training))
    scale = {scale}
    return float(np.mean(np.abs(actual - forecast)) / scale)
'''

WRONG = [
    # ---------------------------------------------------------------- collapse_path
    dict(task="collapse_path", kind="wrong formula", numbers=False,
         why="drops the blanks first and merges afterwards, so 'two blank two' becomes one two",
         cells={"collapse_path": '''def collapse_path(path, blank=0):
    kept = [int(p) for p in path if p != blank]
    return [p for i, p in enumerate(kept) if i == 0 or p != kept[i - 1]]
'''}),
    dict(task="collapse_path", kind="wrong formula", numbers=False,
         why="merges repeats but keeps the blanks",
         cells={"collapse_path": '''def collapse_path(path, blank=0):
    return [int(p) for i, p in enumerate(path) if i == 0 or p != path[i - 1]]
'''}),
    dict(task="collapse_path", kind="wrong formula", numbers=False,
         why="drops the blanks and never merges repeats",
         cells={"collapse_path": '''def collapse_path(path, blank=0):
    return [int(p) for p in path if p != blank]
'''}),
    dict(task="collapse_path", kind="visible value", numbers=False,
         why="looks up the visible examples and only drops blanks otherwise",
         cells={"collapse_path": '''def collapse_path(path, blank=0):
    known = {(0, 3, 3, 0, 0, 1): [3, 1], (2, 2, 0, 2): [2, 2], (0, 0): []}
    return known.get(tuple(path), [int(p) for p in path if p != blank])
'''}),
    dict(task="collapse_path", kind="other", numbers=False,
         why="ignores the blank argument and always removes class 0",
         cells={"collapse_path": '''def collapse_path(path, blank=0):
    transcript, previous = [], None
    for label in path:
        if label != previous and label != 0:
            transcript.append(int(label))
        previous = label
    return transcript
'''}),
    # ---------------------------------------------------------------- ctc_loss
    dict(task="ctc_loss", kind="other", numbers=False,
         why="runs the recursion on probabilities, which underflow to 0 for long inputs (loss inf)",
         cells={"ctc_loss": '''def ctc_loss(log_probs, labels, blank=0):
    extended = [blank]
    for label in labels:
        extended += [int(label), blank]
    probs = np.exp(np.asarray(log_probs, dtype=float))
    alpha = np.zeros(len(extended))
    alpha[0], alpha[1] = probs[0, extended[0]], probs[0, extended[1]]
    for t in range(1, len(probs)):
        previous, alpha = alpha, np.zeros(len(extended))
        for s, label in enumerate(extended):
            total = previous[s] + (previous[s - 1] if s >= 1 else 0.0)
            if s >= 2 and label != blank and label != extended[s - 2]:
                total += previous[s - 2]
            alpha[s] = total * probs[t, label]
    with np.errstate(divide="ignore"):
        return float(-np.log(alpha[-1] + alpha[-2]))
'''}),
    dict(task="ctc_loss", kind="wrong formula", numbers=False,
         why="never skips over a blank, so every path must put a blank between any two labels",
         cells={"ctc_loss": _ctc(skip="False")}),
    dict(task="ctc_loss", kind="wrong formula", numbers=False,
         why="allows the skip between two equal labels, which counts paths that collapse to one",
         cells={"ctc_loss": _ctc(skip="s >= 2 and label != blank")}),
    dict(task="ctc_loss", kind="off by one", numbers=False,
         why="ends only on the final blank, leaving out the paths that end on the last label",
         cells={"ctc_loss": _ctc(result="float(-alpha[-1])")}),
    dict(task="ctc_loss", kind="off by one", numbers=False,
         why="starts only in the first blank, leaving out the paths that begin with the first label",
         cells={"ctc_loss": _ctc(second_start="pass")}),
    dict(task="ctc_loss", kind="wrong formula", numbers=False,
         why="returns the log-likelihood instead of its negative",
         cells={"ctc_loss": _ctc(result="float(np.logaddexp(alpha[-1], alpha[-2]))")}),
    dict(task="ctc_loss", kind="other", numbers=False,
         why="ignores the blank argument and always uses class 0 as the blank",
         cells={"ctc_loss": _ctc(blank="0").replace("label != blank", "label != 0")}),
    dict(task="ctc_loss", kind="library call", numbers=False,
         why="calls keras.ops.ctc_loss, the reference the task is checked against",
         cells={"ctc_loss": '''def ctc_loss(log_probs, labels, blank=0):
    import keras
    return float(np.asarray(keras.ops.ctc_loss(
        np.array([labels]), np.asarray(log_probs)[None], np.array([len(labels)]),
        np.array([len(log_probs)]), mask_index=blank))[0])
'''}),
    dict(task="ctc_loss", kind="visible value", numbers=True,
         why="returns cohort 0's visible loss (13.7977)",
         cells={"ctc_loss": '''def ctc_loss(log_probs, labels, blank=0):
    return 13.797659715471768
'''}),
    # ---------------------------------------------------------------- mase
    dict(task="mase", kind="wrong formula", numbers=False,
         why="scales by the one-step naive error (lag 1) instead of the seasonal one",
         cells={"mase": _MASE.format(scale="np.mean(np.abs(training[1:] - training[:-1]))")}),
    dict(task="mase", kind="other", numbers=False,
         why="scales by the seasonal naive error on the test values instead of the training period",
         cells={"mase": _MASE.format(
             scale="np.mean(np.abs(actual[season:] - actual[:-season])) if len(actual) > season"
                   " else np.mean(np.abs(actual[1:] - actual[:-1]))")}),
    dict(task="mase", kind="wrong formula", numbers=False,
         why="returns the mean absolute error, unscaled",
         cells={"mase": _MASE.format(scale="1.0")}),
    dict(task="mase", kind="off by one", numbers=False,
         why="divides the naive errors' sum by N instead of N - m",
         cells={"mase": _MASE.format(
             scale="np.sum(np.abs(training[season:] - training[:-season])) / len(training)")}),
    dict(task="mase", kind="wrong formula", numbers=False,
         why="scales by the root mean squared seasonal difference",
         cells={"mase": _MASE.format(
             scale="np.sqrt(np.mean((training[season:] - training[:-season]) ** 2))")}),
    dict(task="mase", kind="library call", numbers=False,
         why="takes both errors from scikit-learn's mean_absolute_error",
         cells={"mase": '''def mase(actual, forecast, training, season):
    from sklearn.metrics import mean_absolute_error
    training = np.asarray(training, dtype=float)
    return float(mean_absolute_error(actual, forecast)
                 / mean_absolute_error(training[season:], training[:-season]))
'''}),
    dict(task="mase", kind="visible value", numbers=True,
         why="returns cohort 0's visible MASE (0.7044)",
         cells={"mase": '''def mase(actual, forecast, training, season):
    return 0.7044438309801317
'''}),
]
