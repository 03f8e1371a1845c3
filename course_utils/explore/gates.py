"""Notebook 05's explorer: a sentence the student types → the LSTM's gates, word by word.

Example:
    course_utils.explore.gate_explorer(rnn_layer, embedding_layer, words).show()
"""

import difflib

import ipywidgets as widgets
import numpy as np

from course_utils import validation
from course_utils.analysis.recording import record_gates
from course_utils.explore.core import CannotDraw, Explorer
from course_utils.plotting.gated_memory import plot_gate_heatmap

MAX_WORDS = 30  # longer sentences make unreadable columns


def words_of(sentence):
    """The words of a typed sentence as the agreement stories have them: full stops on their own."""
    return sentence.replace(".", " . ").split()


def gate_explorer(
    rnn_layer,
    embedding,
    vocabulary,
    sentence="Ravi grew up in France . His sister lives in Paris .",
    gates=("forget", "input", "output"),
):
    """A text box for a sentence; draws the gate activations of `rnn_layer` on its words.

    Args:
        rnn_layer: the trained `keras.layers.RNN` with a course `LSTMCell` (or a cell).
        embedding: the model's `Embedding` layer (word ids → the RNN's inputs).
        vocabulary: the `Vocabulary` of the words the model was trained on.
        sentence: the sentence shown first (and in the static figure).
        gates: the gates drawn, one panel each.
    """
    if not hasattr(vocabulary, "encode") or not len(vocabulary):
        validation.fail("vocabulary", "a non-empty course Vocabulary", vocabulary)
    if not callable(embedding):
        validation.fail("embedding", "the model's Embedding layer", embedding)
    known = [
        token for token in vocabulary.tokens if not (token.startswith("<") and token.endswith(">"))
    ]

    def draw(sentence):
        tokens = words_of(sentence)
        if not tokens:
            raise CannotDraw("Type a sentence (words separated by spaces) and press Enter.")
        if len(tokens) > MAX_WORDS:
            raise CannotDraw(
                f"That sentence has {len(tokens)} words; at most {MAX_WORDS} fit in the figure."
            )
        unknown = [token for token in tokens if token not in vocabulary]
        if unknown:
            hints = {
                token: difflib.get_close_matches(token, known, n=1, cutoff=0.6) for token in unknown
            }
            described = ", ".join(
                f"'{token}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
                for token, hint in hints.items()
            )
            raise CannotDraw(
                f"The model never saw {described}: it knows only the {len(known)} words of its "
                f"training stories, e.g. {', '.join(known[:8])}."
            )
        ids = np.asarray(vocabulary.encode(tokens))[None]
        recorded = record_gates(rnn_layer, np.asarray(embedding(ids)))
        figure, _ = plot_gate_heatmap(
            recorded, tokens, gate=list(gates), title="gates of the trained LSTM, word by word"
        )
        return figure

    text = widgets.Text(value=sentence, description="sentence", continuous_update=False)
    text.layout.width = "640px"
    return Explorer({"sentence": text}, draw, what="type a sentence → the LSTM's gates")
