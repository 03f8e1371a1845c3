"""Long-memory benchmark tasks, generated in memory at any length T from a seed.

Three classic tests of whether a recurrent network can carry information across T steps
(Hochreiter & Schmidhuber 1997, "Long short-term memory", experiments 2, 4 and 5; the copy
task in the form of Arjovsky, Shah & Bengio 2016). Each maker returns a `LongMemoryTask`: float32
inputs of shape (num_samples, length, features) ready for `keras.layers.RNN`, the targets, and
the chance level a model that ignores the informative inputs would reach.

- `make_delayed_recall`: one of `num_classes` symbols is shown at a random step, the other steps
  show random distractor symbols, and the last step is a query marker; the target is the symbol.
  Many-to-one classification, chance accuracy 1 / num_classes. The lag (steps from the symbol
  to the query) is drawn uniformly from 1..T-1, so short lags teach a gated network to hold the
  symbol and long lags then follow. Measured on a 2-core CPU (`keras.layers` cells with 32 units
  + Dense, Adam with clipnorm 1, batch 32, 2,048 training sequences of seed 0, 64 steps an epoch,
  12 epochs, test on 1,024 sequences of seed 1): at T = 50 the LSTM (learning rate 1e-2) reached
  100 % test accuracy by epoch 3 while the vanilla tanh RNN (3e-3) wandered between 0.31 and 0.68
  and ended at 0.53; at T = 100 the GRU reached 100 % by epoch 3 (1e-2) or 9 (3e-3), the LSTM by
  epoch 8 at 5e-3 (at 1e-2 and 3e-3 it plateaued at 0.77 or fell back), while the vanilla RNN
  stayed at 0.25-0.29 at 1e-2 and 3e-3 and never passed 0.48 at 1e-3. Runs are deterministic for
  a fixed seed but sensitive to the learning rate: a notebook should fix its configuration.
  `variable_lag=False` gives the classic form with the symbol always at step 0 (lag T-1); it
  does not separate the cells well: in the same setting the vanilla RNN (orthogonal recurrent
  initialisation) solved it at T = 50 within 4 epochs, and at T = 100 both the LSTM and the
  vanilla RNN were still at chance after 8-12 epochs.
  The course's recommended task; `lags` lets a notebook plot accuracy against lag.
- `make_ordered_recall`: delayed recall that needs the order: `num_symbols` class symbols at
  random steps among distractors, and a query at the last step that names which of them (the
  first, the second, ...) to report. A model that remembers only which symbols were shown, not
  in which order, is right only when they coincide or by guessing among them: with two of four
  symbols, 1/4 + 3/4 * 1/2 = 0.625 at best.
- `make_adding_problem`: two channels, random values in [0, 1) and a marker channel with exactly
  two ones (one in each half of the sequence); the target is the sum of the two marked values.
  Regression; predicting the constant 1.0 gives mean squared error 1/6 (the variance of a sum of
  two uniforms), the baseline to beat.
- `make_copy_task`: `copy_length` symbols, blanks, a delimiter, then `copy_length` steps during
  which the model must output the symbols in order. Targets are the symbols for the last
  `copy_length` steps; per-symbol chance accuracy 1 / num_symbols.

Example:
    task = make_delayed_recall(num_samples=2048, length=100, seed=0)
    task.inputs.shape, task.targets.shape, task.lags.shape   # (2048, 100, 9), (2048,), (2048,)
    task.chance                                    # 0.25 (4 classes, exactly balanced)
"""

from dataclasses import dataclass

import numpy as np

from course_utils.validation import integer

__all__ = [
    "LongMemoryTask",
    "make_adding_problem",
    "make_copy_task",
    "make_delayed_recall",
    "make_ordered_recall",
]


@dataclass
class LongMemoryTask:
    """A generated long-memory data set.

    Attributes:
        inputs: float32 (num_samples, length, features); one-hot symbols (or the adding
            problem's value and marker channels).
        targets: delayed recall int32 (num_samples,); adding problem float32 (num_samples,);
            copy task int32 (num_samples, copy_length), the outputs expected at the last
            `copy_length` time steps.
        chance: the score of the best guess that ignores the informative inputs: accuracy for
            "accuracy" tasks, mean squared error for "mse".
        metric: "accuracy" or "mse".
        num_classes: number of output classes (None for the adding problem).
        name: "delayed_recall", "ordered_recall", "adding_problem" or "copy_task".
        length: T, the number of input time steps.
        lags: int32 (num_samples,), how many steps the information must be held: delayed recall,
            steps from the symbol to the query (ordered recall: from the symbol asked for);
            adding problem, from the first marker to the
            last step; copy task, from each symbol to the step where it is due.
    """

    inputs: np.ndarray
    targets: np.ndarray
    chance: float
    metric: str
    num_classes: int
    name: str
    length: int
    lags: np.ndarray


def _balanced_labels(rng, num_samples, num_classes):
    """Labels 0..num_classes-1 in (near-)equal numbers, in random order."""
    return rng.permutation(np.arange(num_samples) % num_classes).astype(np.int32)


def _one_hot(ids, depth):
    return np.eye(depth, dtype=np.float32)[ids]


def make_delayed_recall(
    num_samples, length, seed=0, num_classes=4, num_distractors=4, variable_lag=True
):
    """Report which of `num_classes` symbols was shown, after a delay full of distractors.

    Symbol ids: `0..num_classes-1` are the classes, the next `num_distractors` ids are the
    distractors (drawn at random for every other step), the last id is the query marker shown
    at the final step, when the answer is due. Distractors never look like a class symbol, so a
    gated network can learn to write only at the symbol and hold it.

    Args:
        num_samples: number of sequences (>= 1).
        length: T, the number of time steps (>= 2: the symbol and the query).
        seed: seed of the NumPy generator; same seed, same arrays.
        num_classes: number of symbols to remember (>= 2); chance accuracy is 1 / num_classes.
        num_distractors: number of distinct distractor symbols (>= 1).
        variable_lag: True: the symbol's step is uniform over 0..T-2 (lag 1..T-1);
            False: always step 0 (lag T-1).

    Returns:
        `LongMemoryTask` with inputs (num_samples, length, num_classes + num_distractors + 1)
        one-hot float32, targets (num_samples,) int32 exactly balanced over the classes (counts
        differ by at most one) and lags (num_samples,) int32.
    """
    num_samples = integer(num_samples, "num_samples", minimum=1)
    length = integer(length, "length", minimum=2)
    num_classes = integer(num_classes, "num_classes", minimum=2)
    num_distractors = integer(num_distractors, "num_distractors", minimum=1)
    rng = np.random.default_rng(seed)
    targets = _balanced_labels(rng, num_samples, num_classes)
    symbols = num_classes + rng.integers(0, num_distractors, size=(num_samples, length))
    if variable_lag:
        positions = rng.integers(0, length - 1, size=num_samples)
    else:
        positions = np.zeros(num_samples, dtype=np.int64)
    symbols[np.arange(num_samples), positions] = targets
    symbols[:, -1] = num_classes + num_distractors  # the query marker
    inputs = _one_hot(symbols, num_classes + num_distractors + 1)  # (n, T, features)
    lags = (length - 1 - positions).astype(np.int32)
    return LongMemoryTask(
        inputs, targets, 1.0 / num_classes, "accuracy", num_classes, "delayed_recall", length, lags
    )


def make_ordered_recall(
    num_samples, length, seed=0, num_classes=4, num_distractors=4, num_symbols=2
):
    """Report the j-th of `num_symbols` symbols shown, where the query at the last step names j.

    Like `make_delayed_recall`, but `num_symbols` class symbols are shown, at distinct random
    steps among distractors, and the query marker at the last step is one of `num_symbols`
    markers: marker j asks for the symbol shown j-th (j = 0 the earliest). The symbols are drawn
    independently, so they may coincide. Remembering *which* symbols were shown is not enough;
    the model must also keep their order.

    Symbol ids: `0..num_classes-1` classes, then `num_distractors` distractors, then the
    `num_symbols` query markers.

    Args:
        num_samples: number of sequences (>= 1).
        length: T, the number of time steps (>= num_symbols + 1).
        seed: seed of the NumPy generator; same seed, same arrays.
        num_classes: number of symbols (>= 2); chance accuracy is 1 / num_classes.
        num_distractors: number of distinct distractor symbols (>= 1).
        num_symbols: how many class symbols each sequence shows (>= 1; 1 is delayed recall with
            a single query marker).

    Returns:
        `LongMemoryTask` with inputs (num_samples, length, num_classes + num_distractors +
        num_symbols) one-hot float32, targets (num_samples,) int32 exactly balanced over the
        classes and lags (num_samples,) int32: steps from the symbol asked for to the query.
    """
    num_samples = integer(num_samples, "num_samples", minimum=1)
    num_symbols = integer(num_symbols, "num_symbols", minimum=1)
    length = integer(length, "length", minimum=num_symbols + 1)
    num_classes = integer(num_classes, "num_classes", minimum=2)
    num_distractors = integer(num_distractors, "num_distractors", minimum=1)
    rng = np.random.default_rng(seed)
    rows = np.arange(num_samples)
    targets = _balanced_labels(rng, num_samples, num_classes)
    asked = rng.integers(0, num_symbols, size=num_samples)  # which symbol the query asks for
    shown = rng.integers(0, num_classes, size=(num_samples, num_symbols))
    shown[rows, asked] = targets
    positions = np.sort(
        np.argsort(rng.random((num_samples, length - 1)), axis=1)[:, :num_symbols], axis=1
    )  # distinct steps in 0..T-2, in order
    symbols = num_classes + rng.integers(0, num_distractors, size=(num_samples, length))
    symbols[rows[:, None], positions] = shown
    symbols[:, -1] = num_classes + num_distractors + asked  # the query marker
    inputs = _one_hot(symbols, num_classes + num_distractors + num_symbols)  # (n, T, features)
    lags = (length - 1 - positions[rows, asked]).astype(np.int32)
    return LongMemoryTask(
        inputs, targets, 1.0 / num_classes, "accuracy", num_classes, "ordered_recall", length, lags
    )


def make_adding_problem(num_samples, length, seed=0):
    """Output the sum of the two values marked in a sequence of random values.

    Channel 0 holds values drawn uniformly from [0, 1); channel 1 is 1 at exactly two steps,
    one drawn from the first half `[0, length // 2)` and one from the second half
    `[length // 2, length)` (the form of Le, Jaitly & Hinton 2015; Hochreiter & Schmidhuber put
    the first marker among the first ten steps). The target is the sum of the two marked values.

    Args:
        num_samples: number of sequences (>= 1).
        length: T, the number of time steps (>= 2).
        seed: seed of the NumPy generator.

    Returns:
        `LongMemoryTask` with inputs (num_samples, length, 2) float32, targets (num_samples,)
        float32 in [0, 2), chance = 1/6: the mean squared error of always predicting 1.0.
    """
    num_samples = integer(num_samples, "num_samples", minimum=1)
    length = integer(length, "length", minimum=2)
    rng = np.random.default_rng(seed)
    values = rng.random((num_samples, length), dtype=np.float32)
    half = length // 2
    first = rng.integers(0, half, size=num_samples)
    second = rng.integers(half, length, size=num_samples)
    markers = np.zeros((num_samples, length), dtype=np.float32)
    rows = np.arange(num_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    targets = (values[rows, first] + values[rows, second]).astype(np.float32)
    inputs = np.stack([values, markers], axis=-1)  # (n, T, 2)
    lags = (length - 1 - first).astype(np.int32)
    return LongMemoryTask(inputs, targets, 1.0 / 6.0, "mse", None, "adding_problem", length, lags)


def make_copy_task(num_samples, length, seed=0, num_symbols=8, copy_length=5):
    """Reproduce `copy_length` symbols shown at the start, after a delay, in order.

    Layout of one sequence of T = `length` steps: symbols at steps `0..copy_length-1`, blanks,
    the delimiter at step `T - copy_length - 1`, blanks at the last `copy_length` steps during
    which the model must emit the symbols. Inputs ids: `0..num_symbols-1` symbols,
    `num_symbols` blank, `num_symbols + 1` delimiter. Take the model's outputs at the last
    `copy_length` steps (e.g. `keras.layers.Cropping1D((length - copy_length, 0))` after an RNN
    with `return_sequences=True`) and compare them with `targets`.

    Args:
        num_samples: number of sequences (>= 1).
        length: T, the total number of time steps (>= 2 * copy_length + 1).
        seed: seed of the NumPy generator.
        num_symbols: alphabet size (>= 2); per-symbol chance accuracy is 1 / num_symbols.
        copy_length: how many symbols to copy (>= 1).

    Returns:
        `LongMemoryTask` with inputs (num_samples, length, num_symbols + 2) one-hot float32 and
        targets (num_samples, copy_length) int32.
    """
    num_samples = integer(num_samples, "num_samples", minimum=1)
    copy_length = integer(copy_length, "copy_length", minimum=1)
    num_symbols = integer(num_symbols, "num_symbols", minimum=2)
    length = integer(length, "length", minimum=2 * copy_length + 1)
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, num_symbols, size=(num_samples, copy_length)).astype(np.int32)
    ids = np.full((num_samples, length), num_symbols, dtype=np.int64)  # blanks
    ids[:, :copy_length] = targets
    ids[:, length - copy_length - 1] = num_symbols + 1  # the delimiter
    inputs = _one_hot(ids, num_symbols + 2)  # (n, T, features)
    lags = np.full(num_samples, length - copy_length, dtype=np.int32)
    return LongMemoryTask(
        inputs, targets, 1.0 / num_symbols, "accuracy", num_symbols, "copy_task", length, lags
    )
