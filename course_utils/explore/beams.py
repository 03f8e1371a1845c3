"""Notebook 13's explorer: the beam width → the outputs' model score and BLEU.

Example:
    step_fn, state = course_utils.decoding.seq2seq_step_fn(model, test.encoder_inputs)
    course_utils.explore.beam_width_explorer(
        step_fn, state, test.target_tokens, target_words, max_length, sources=test.sources
    ).show()   # a slider for the beam width
"""

import ipywidgets as widgets
import numpy as np
import keras

from course_utils import validation
from course_utils.analysis.metrics import corpus_bleu
from course_utils.decoding import beam_search, strip_special
from course_utils.explore.core import CannotDraw, Explorer
from course_utils.plotting.sequence_to_sequence import plot_beam_sweep

CHOSEN = "tab:orange"


def beam_width_explorer(
    step_fn,
    state,
    references,
    target_vocabulary,
    max_length,
    sources=None,
    example=0,
    sentences=200,
    length_penalty=0.0,
    width=4,
    max_width=12,
):
    """A slider for the beam width; draws mean log p and corpus BLEU against the width.

    `sentences` inputs spread evenly over the batch (the first and the last included; all of them
    if `sentences` >= the batch) are decoded by `course_utils.decoding.beam_search` once per
    width (step by step, which is faster here than compiling a new XLA program for every width)
    and kept, so the figure shows every width computed so far (width 1, which is greedy search,
    and `width` from the start), the chosen one marked; the title shows the output of one of
    them, `example`.

    Args:
        step_fn, state: from `course_utils.decoding.seq2seq_step_fn(model, encoder_inputs)`.
        references: one reference per input of the batch, a list of target tokens each.
        target_vocabulary: the target `Vocabulary` (`<start>`, `<end>`, `decode`).
        max_length: most output tokens per sentence.
        sources: optional, one source sentence (a string) per input, for the title.
        example: which of the decoded inputs (0 .. sentences - 1; 0 is the batch's first) the
            title shows.
        sentences: how many inputs of the batch are decoded per width (at most all).
        length_penalty: alpha of `beam_search` (0 ranks by the raw log-probability).
        width: the width shown first; max_width: the slider's largest width.
    """
    if not callable(step_fn):
        validation.fail("step_fn", "a step function (from seq2seq_step_fn)", step_fn)
    leaves = keras.tree.flatten(state)
    if not leaves or any(getattr(leaf, "shape", None) is None for leaf in leaves):
        validation.fail("state", "the start state of a batch (from seq2seq_step_fn)", state)
    batch = int(leaves[0].shape[0])
    vocabulary = target_vocabulary
    if not all(hasattr(vocabulary, name) for name in ("decode", "start_id", "end_id")):
        validation.fail(
            "target_vocabulary", "the target Vocabulary (with <start>, <end>)", vocabulary
        )
    if vocabulary.start_id is None:
        validation.fail("target_vocabulary", "a Vocabulary with <start> and <end>", vocabulary)
    size = len(vocabulary)
    max_length = validation.integer(max_length, "max_length", minimum=1)
    sentences = validation.integer(sentences, "sentences", minimum=1)
    sentences = min(sentences, batch)
    references = list(references) if hasattr(references, "__iter__") else references
    if not isinstance(references, list) or len(references) != batch:
        validation.fail_described(
            "references",
            f"one reference per input of the batch ({batch})",
            f"{len(references) if isinstance(references, list) else type(references).__name__}",
        )
    if sources is not None:
        sources = [str(source) for source in sources]
        if len(sources) != batch:
            validation.fail_described(
                "sources", f"one sentence per input of the batch ({batch})", f"{len(sources)}"
            )
    example = validation.integer(example, "example", minimum=0, maximum=sentences - 1)
    length_penalty = validation.number(length_penalty, "length_penalty", minimum=0)
    max_width = validation.integer(max_width, "max_width", minimum=1)
    width = validation.integer(width, "width", minimum=1, maximum=max_width)
    chosen = np.round(np.linspace(0, batch - 1, sentences)).astype(int)  # distinct: a step >= 1
    state = keras.tree.map_structure(lambda leaf: keras.ops.take(leaf, chosen, axis=0), state)
    references = [list(references[i]) for i in chosen]
    start_id, end_id = vocabulary.start_id, vocabulary.end_id
    computed = {}  # width -> (mean log p, BLEU, the example's output)

    def search(width):
        if width not in computed:
            result = beam_search(
                step_fn,
                state,
                start_id,
                end_id,
                max_length,
                beam_width=width,
                length_penalty=length_penalty,
                eager=True,
            )
            outputs = strip_special(result.best_tokens, result.best_lengths, end_id)
            words = [vocabulary.decode(output) for output in outputs]
            computed[width] = (
                float(np.mean(result.best_log_probs)),
                corpus_bleu(words, references),
                " ".join(words[example]),
            )
        return computed[width]

    def draw(width):
        if not 1 <= width <= max_width:
            raise CannotDraw(f"Beam width {width}: choose a width from 1 to {max_width}.")
        if width > size:
            raise CannotDraw(
                f"Beam width {width} is larger than the target vocabulary ({size} tokens): the "
                f"first step has only {size} candidates to keep, fewer than {width} beams. "
                f"Choose a width of at most {size}."
            )
        search(1)
        log_prob, bleu, output = search(width)
        widths = sorted(computed)
        figure = plot_beam_sweep(
            widths,
            [computed[w][0] for w in widths],
            [computed[w][1] for w in widths],
            computed[1][0],
            computed[1][1],
        )
        left, right = figure.axes[:2]
        for ax, value in ((left, log_prob), (right, bleu)):
            ax.plot([width], [value], "*", ms=16, color=CHOSEN, zorder=5, label=f"width {width}")
            ax.legend(fontsize=8)
        for text in left.get_legend().get_texts() + right.get_legend().get_texts():
            if text.get_text() == "greedy":
                text.set_text("greedy (width 1)")
        index = int(chosen[example])
        source = f"'{sources[index]}' → " if sources is not None else "output "
        spread = "all" if sentences == batch else "evenly spaced"
        figure.suptitle(
            f"{sentences} of {batch} sentences ({spread}), width {width}: mean log p "
            f"{log_prob:.3f}, BLEU {bleu:.2f}\nsentence {index}: {source}'{output}'\n(reference: "
            f"'{' '.join(references[example])}')",
            fontsize=10,
        )
        figure.tight_layout()
        return figure

    slider = widgets.IntSlider(
        value=width, min=1, max=max_width, step=1, description="beam width", readout=True
    )
    slider.style.description_width = "initial"
    slider.layout.width = "420px"
    return Explorer({"width": slider}, draw, what="beam width → mean log p and BLEU of the outputs")


__all__ = ["beam_width_explorer"]
