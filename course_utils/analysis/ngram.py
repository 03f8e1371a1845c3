"""Count-based n-gram language models with add-k smoothing: the baseline an RNN must beat.

An n-gram model of order n predicts token x_t from the n - 1 tokens before it, by counting:

    p(c | context) = (count(context, c) + k) / (count(context) + k * V)

with V the vocabulary size and k > 0 the add-k (Lidstone; k = 1 is Laplace) smoothing, so every
token keeps p > 0 and a context never seen in training gets the uniform distribution 1 / V.
Where fewer than n - 1 tokens precede a position (the start of a sequence), the model uses the
longest context there is, i.e. the model of order t + 1 at position t; so it sees exactly the
characters a recurrent model reset at the start of each window sees, truncated to n - 1.

Counts are kept as sorted integer codes (the n-gram read as a number in base V), so fitting and
scoring are a few vectorised NumPy calls. NumPy only: no TensorFlow.

Example:
    model = NGramModel(order=4, vocabulary_size=len(vocabulary), k=0.1).fit(train_ids)
    nll = model.mean_negative_log_likelihood(test.inputs, test.targets)   # nats per token
    best, table = select_ngram(train_ids, val.inputs, val.targets, V, (2, 3, 4, 5), (0.01, 0.1, 1))
"""

import numpy as np

from course_utils import validation

__all__ = ["NGramModel", "select_ngram"]

CODE_LIMIT = 2**62  # V ** order must stay below this for the base-V codes to fit in int64


class NGramModel:
    """A character (or any token) n-gram model with add-k smoothing.

    Args:
        order: n, the number of tokens in an n-gram (1 = unigram, 3 = trigram, ...).
        vocabulary_size: V, the number of token ids (ids are in [0, V)).
        k: the add-k smoothing count (> 0).
    """

    def __init__(self, order, vocabulary_size, k=1.0):
        self.vocabulary_size = validation.integer(vocabulary_size, "vocabulary_size", minimum=1)
        self.order = validation.integer(order, "order", minimum=1)
        if self.vocabulary_size**self.order >= CODE_LIMIT:
            validation.fail(
                "order",
                f"small enough that vocabulary_size ** order < 2**62 (V = {vocabulary_size})",
                order,
            )
        self.k = validation.number(k, "k", minimum=0, minimum_open=True)
        self.tables = None

    def fit(self, sequences):
        """Count every n-gram of orders 1..n in `sequences` and return the model itself.

        Args:
            sequences: a 1-D array of token ids (one text), or a 2-D array whose rows are
                separate sequences (no n-gram crosses from one row into the next).
        """
        rows = self._rows(sequences, "sequences")
        self.tables = []
        for order in range(1, self.order + 1):
            if rows.shape[1] < order:
                codes = np.zeros(0, np.int64)
            else:
                codes = np.sort(self._codes(rows, order).ravel())
            grams, gram_counts = np.unique(codes, return_counts=True)
            # count(context) is the sum over c of count(context, c), so each row sums to 1
            contexts, starts = np.unique(grams // self.vocabulary_size, return_index=True)
            context_counts = (
                np.add.reduceat(gram_counts, starts) if len(grams) else np.zeros(0, np.int64)
            )
            self.tables.append((grams, gram_counts, contexts, context_counts))
        return self

    def probabilities(self, context):
        """p(c | context) for every token c, a (V,) float64 array summing to 1.

        Args:
            context: the preceding token ids (any length; only the last n - 1 are used).
        """
        self._check_fitted()
        context = validation.token_ids(
            np.asarray(context, dtype=np.int64).reshape(-1), "context", self.vocabulary_size
        )
        context = context[len(context) - min(len(context), self.order - 1) :]
        rows = np.concatenate(
            [np.tile(context, (self.vocabulary_size, 1)), np.arange(self.vocabulary_size)[:, None]],
            axis=1,
        )
        return np.exp(self._log_probabilities(rows, len(context) + 1)[:, -1])

    def log_probabilities(self, inputs, targets):
        """log p(targets[i, t] | inputs[i, :t + 1]) in nats, shape (n, time), float64.

        The language-model convention of `course_utils.analysis.language_model`: `targets` are
        the next tokens after each input position, usually `inputs` shifted by one. The context
        of position t is the last min(n - 1, t + 1) inputs of its row.
        """
        self._check_fitted()
        inputs = validation.token_ids(inputs, "inputs", self.vocabulary_size, rank=2)
        targets = validation.token_ids(targets, "targets", self.vocabulary_size, rank=2)
        if targets.shape != inputs.shape:
            validation.fail("targets", f"ids of the shape of inputs {inputs.shape}", targets)
        n, time = inputs.shape
        result = np.empty((n, time), np.float64)
        inputs, targets = inputs.astype(np.int64), targets.astype(np.int64)
        for t in range(time):
            used = min(self.order - 1, t + 1)
            rows = np.concatenate([inputs[:, t + 1 - used : t + 1], targets[:, t : t + 1]], axis=1)
            result[:, t] = self._log_probabilities(rows, used + 1)[:, -1]
        return result

    def mean_negative_log_likelihood(self, inputs, targets):
        """Mean NLL in nats per target token on (inputs, targets) (see `log_probabilities`)."""
        return float(-self.log_probabilities(inputs, targets).mean())

    def _log_probabilities(self, rows, order):
        # rows (m, order): context then token; returns (m, 1) log p(token | context)
        grams, gram_counts, contexts, context_counts = self.tables[order - 1]
        codes = self._codes(rows, order)[:, 0]
        joint = _lookup(grams, gram_counts, codes)
        marginal = _lookup(contexts, context_counts, codes // self.vocabulary_size)
        probability = (joint + self.k) / (marginal + self.k * self.vocabulary_size)
        return np.log(probability)[:, None]

    def _codes(self, rows, order):
        # (m, L) ids -> (m, L - order + 1) base-V codes of the n-grams of length `order`
        length = rows.shape[1] - order + 1
        codes = np.zeros((rows.shape[0], length), np.int64)
        for j in range(order):
            codes = codes * self.vocabulary_size + rows[:, j : j + length]
        return codes

    def _rows(self, sequences, name):
        ids = np.asarray(sequences)
        if ids.ndim == 1:
            ids = ids[None, :]
        ids = validation.token_ids(ids, name, self.vocabulary_size, rank=2).astype(np.int64)
        if ids.size == 0:
            validation.fail(name, "at least one token id", sequences)
        return ids

    def _check_fitted(self):
        if self.tables is None:
            raise RuntimeError("the n-gram model has no counts yet: call fit(sequences) first")


def _lookup(keys, counts, codes):
    """counts[keys == code] for each code, 0 where the code is absent (keys sorted)."""
    if len(keys) == 0:
        return np.zeros(len(codes), np.float64)
    where = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    return np.where(keys[where] == codes, counts[where], 0).astype(np.float64)


def select_ngram(
    train_sequences, validation_inputs, validation_targets, vocabulary_size, orders, ks
):
    """Choose the order n and the smoothing k with the lowest validation NLL.

    Args:
        train_sequences: token ids the models are fitted on (1-D text or 2-D rows, as `fit`).
        validation_inputs, validation_targets: (n, time) held-out ids, scored as in
            `NGramModel.log_probabilities`.
        vocabulary_size: V.
        orders: the orders n tried; ks: the smoothing counts k tried.

    Returns:
        `(best, table)`: the fitted `NGramModel` with the lowest validation NLL, and a dict
        (order, k) -> validation NLL in nats per token.
    """
    orders = [validation.integer(n, "orders", minimum=1) for n in orders]
    ks = [validation.number(k, "ks", minimum=0, minimum_open=True) for k in ks]
    if not orders or not ks:
        validation.fail("orders and ks", "non-empty sequences", (orders, ks))
    table, best, best_nll = {}, None, np.inf
    for order in orders:
        model = NGramModel(order, vocabulary_size).fit(train_sequences)
        for k in ks:
            model.k = k
            nll = model.mean_negative_log_likelihood(validation_inputs, validation_targets)
            table[(order, k)] = nll
            if nll < best_nll:
                best_nll, best = nll, (order, k)
    return NGramModel(best[0], vocabulary_size, best[1]).fit(train_sequences), table
