"""Character-level text: CPython's own documentation (`python_docs`) and the `agreement` stories.

`load_python_docs` reads `datasets/python_docs/python_docs.txt`: the language-reference topics
that ship with CPython 3.11.7 (`pydoc_data.topics`, PSF License), copied once by
`datasets/python_docs/generate.py` so that every Python reads the same text (each version ships
different topics). Like every data file, it is checked by SHA-256 when read.

`load_agreement` reads `datasets/agreement/agreement.tsv`: toy stories whose last pronoun and
verb must agree with a subject introduced earlier ("Saman studies at UOM. His sister studies at
UOC. She studies law."), as text for a language model and as labelled examples.

Both return `(inputs, targets)` windows for next-character prediction: targets are the inputs
shifted by one character.

Example:
    corpus = load_python_docs(sequence_length=100, max_characters=50_000)
    corpus.inputs.shape, corpus.targets.shape      # (499, 100), (499, 100) int32
    len(corpus.vocabulary)                         # 104 (<pad> + 103 characters)
"""

from dataclasses import dataclass

import numpy as np

from course_utils.data.common import SPLITS, read_table, read_verified, split_mask
from course_utils.data.vocabulary import Vocabulary
from course_utils.validation import fraction, integer, one_of, optional

__all__ = [
    "AgreementData",
    "CharacterCorpus",
    "character_windows",
    "load_agreement",
    "load_python_docs",
    "python_docs_text",
]

AGREEMENT_LABELS = ("he", "she", "they")


@dataclass
class CharacterCorpus:
    """Text prepared for a character-level language model.

    Attributes:
        text: the text the windows were cut from (after `max_characters`).
        vocabulary: `Vocabulary` of characters (id 0 `<pad>` unused by the text).
        inputs: int32 (num_windows, sequence_length) character ids.
        targets: int32 (num_windows, sequence_length), `inputs` shifted one character ahead.
    """

    text: str
    vocabulary: Vocabulary
    inputs: np.ndarray
    targets: np.ndarray


@dataclass
class AgreementData(CharacterCorpus):
    """The `agreement` stories of one split, as language-model windows and labelled examples.

    Attributes (besides `text`, `vocabulary`, `inputs`, `targets` of `CharacterCorpus`; `text`
    is the stories joined by newlines):
        stories: list of the stories (str), one per example.
        labels: int32 (num_stories,), the final pronoun: 0 he, 1 she, 2 they.
        label_names: ("he", "she", "they").
        distances: int32 (num_stories,), characters from the end of the subject's mention to
            the final pronoun.
        shifted: bool (num_stories,), True when the subject changed before the end ("His
            sister ...").
        pronoun_starts: int32 (num_stories,), character offset of the final pronoun.
        prefixes: int32 (num_stories, max_prefix) ids of `story[:pronoun_start]`, padded at the
            front ("pre") to the longest prefix of either split, so the last column is the
            character just before the pronoun (a space).
        candidates: list of 3-tuples of str, the possible starts of the final sentence in label
            order, e.g. ("He studies", "She studies", "They study"): score each after the prefix
            with a language model; the right one is `candidates[i][labels[i]]`.
    """

    stories: list
    labels: np.ndarray
    label_names: tuple
    distances: np.ndarray
    shifted: np.ndarray
    pronoun_starts: np.ndarray
    prefixes: np.ndarray
    candidates: list


def character_windows(text, vocabulary, sequence_length, step=None):
    """Cut `text` into next-character windows.

    Args:
        text: the string to encode with `vocabulary`.
        vocabulary: a character `Vocabulary`.
        sequence_length: characters per window (>= 1).
        step: characters between window starts; default `sequence_length` (no overlap).

    Returns:
        (inputs, targets): int32 arrays (num_windows, sequence_length); window i covers
        `text[i*step : i*step + sequence_length]` and its targets are one character further on.
    """
    sequence_length = integer(sequence_length, "sequence_length", minimum=1)
    step = optional(integer, step, "step", minimum=1) or sequence_length
    ids = vocabulary.encode(text)
    if len(ids) < sequence_length + 1:
        raise ValueError(
            f"text of {len(ids)} characters is too short for sequence_length="
            f"{sequence_length} (needs at least {sequence_length + 1})"
        )
    starts = np.arange(0, len(ids) - sequence_length, step)
    offsets = np.arange(sequence_length)
    inputs = ids[starts[:, None] + offsets]  # (windows, sequence_length)
    targets = ids[starts[:, None] + offsets + 1]
    return inputs, targets


def python_docs_text(data_dir=None):
    """CPython 3.11.7's language-reference topics as one string (the committed, verified copy)."""
    return read_verified("python_docs/python_docs.txt", data_dir)


def load_python_docs(
    sequence_length=100,
    max_characters=None,
    split="train",
    step=None,
    test_fraction=0.1,
    data_dir=None,
):
    """Real English prose for a character-level language model: CPython's reference topics.

    Args:
        sequence_length: characters per window (>= 1).
        max_characters: keep only the first this many characters of the split (>= 2), so that
            a notebook trains fast; None keeps all (about 419,000 train characters).
        split: "train" (the first 90 % of the text) or "test" (the last 10 %).
        step: characters between window starts (default `sequence_length`, no overlap).
        test_fraction: share of the text, taken from the end, that forms the test split.
        data_dir: folder holding `python_docs/python_docs.txt` (default: the repository's
        datasets/).

    Returns:
        `CharacterCorpus`; its vocabulary holds every character of the whole text (both splits),
        so the train and test corpora share ids.
    """
    one_of(split, "split", SPLITS)
    max_characters = optional(integer, max_characters, "max_characters", minimum=2)
    test_fraction = fraction(test_fraction, "test_fraction")
    text = python_docs_text(data_dir)
    vocabulary = Vocabulary.from_sequences([text])
    boundary = int(round(len(text) * (1 - test_fraction)))
    part = text[:boundary] if split == "train" else text[boundary:]
    part = part[:max_characters] if max_characters else part
    inputs, targets = character_windows(part, vocabulary, sequence_length, step)
    return CharacterCorpus(part, vocabulary, inputs, targets)


def load_agreement(split="train", sequence_length=100, step=None, data_dir=None):
    """Toy stories with long-range subject-pronoun-verb agreement (`datasets/agreement/`).

    Args:
        split: "train" (2,400 stories) or "test" (600).
        sequence_length: characters per language-model window (>= 1).
        step: characters between window starts (default `sequence_length`).
        data_dir: folder holding `agreement/agreement.tsv` (default: the repository's datasets/).

    Returns:
        `AgreementData`; the character vocabulary covers both splits.
    """
    one_of(split, "split", SPLITS)
    table = read_table("agreement/agreement.tsv", data_dir)
    vocabulary = Vocabulary.from_sequences(table["story"] + ["\n"])
    rows = np.flatnonzero(split_mask(table, split))
    stories = [table["story"][i] for i in rows]
    text = "\n".join(stories) + "\n"
    inputs, targets = character_windows(text, vocabulary, sequence_length, step)
    starts = np.array([int(table["pronoun_start"][i]) for i in rows], dtype=np.int32)
    widest = max(int(start) for start in table["pronoun_start"])  # same width for both splits
    prefixes = vocabulary.encode_batch(
        [story[:start] for story, start in zip(stories, starts)], max_length=widest, padding="pre"
    )
    return AgreementData(
        text=text,
        vocabulary=vocabulary,
        inputs=inputs,
        targets=targets,
        stories=stories,
        labels=np.array([AGREEMENT_LABELS.index(table["label"][i]) for i in rows], np.int32),
        label_names=AGREEMENT_LABELS,
        distances=np.array([int(table["distance"][i]) for i in rows], dtype=np.int32),
        shifted=np.array([table["shifted"][i] == "1" for i in rows]),
        pronoun_starts=starts,
        prefixes=prefixes,
        candidates=[tuple(table["candidates"][i].split("|")) for i in rows],
    )
