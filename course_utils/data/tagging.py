"""The `tagging` data set: sequence labelling whose tags are decided by *later* tokens.

Each sequence has 20 tokens: runs of 1-6 words (letters a..t) each closed by a mood marker "!" or
"?". Every word is tagged with the mood of its own run (`E` for "!", `Q` for "?"), markers with
`M`. The marker is drawn independently of everything before it, so a left-to-right model can
only guess a word's tag (50 %); it gets the markers right, which gives the bound
`left_to_right_bound` (about 0.625). A bidirectional model sees the marker and can reach 100 %.

Example:
    data = load_tagging("train")
    data.tokens.shape, data.tags.shape       # (4000, 20), (4000, 20) int32
    data.tag_names                           # ('M', 'E', 'Q')
    data.left_to_right_bound                 # 0.6253 (train split)
"""

from dataclasses import dataclass

import numpy as np

from course_utils.data.common import SPLITS, read_table, split_mask
from course_utils.data.vocabulary import Vocabulary
from course_utils.validation import one_of

__all__ = ["TAG_NAMES", "TaggingData", "load_tagging"]

TAG_NAMES = ("M", "E", "Q")  # marker, word before "!", word before "?"


@dataclass
class TaggingData:
    """One split of the `tagging` data set.

    Attributes:
        tokens: int32 (num_sequences, 20) token ids (no padding: every sequence has 20 tokens).
        tags: int32 (num_sequences, 20) tag ids, indices into `tag_names`.
        vocabulary: token `Vocabulary`: `<pad>`, "!", "?", "a".."t" (23 ids).
        tag_names: ("M", "E", "Q"): marker, word closed by "!", word closed by "?".
        left_to_right_bound: expected accuracy (over all tokens of this split) of the best
            model that reads only the past and the current token: markers right, words at 50 %.
        majority_accuracy: accuracy of always predicting the most frequent tag of this split.
        texts: list of the sequences as strings ("biqp?plsg?...").
    """

    tokens: np.ndarray
    tags: np.ndarray
    vocabulary: Vocabulary
    tag_names: tuple
    left_to_right_bound: float
    majority_accuracy: float
    texts: list


def load_tagging(split="train", data_dir=None):
    """Load one split of `datasets/tagging/tagging.tsv` (train: 4,000 sequences, test: 1,000).

    Args:
        split: "train" or "test".
        data_dir: folder holding `tagging/tagging.tsv` (default: the repository's datasets/).

    Returns:
        `TaggingData`.
    """
    one_of(split, "split", SPLITS)
    table = read_table("tagging/tagging.tsv", data_dir)
    vocabulary = Vocabulary.from_sequences(table["tokens"])
    rows = np.flatnonzero(split_mask(table, split))
    texts = [table["tokens"][i] for i in rows]
    tags = np.array(
        [[TAG_NAMES.index(tag) for tag in table["tags"][i]] for i in rows], dtype=np.int32
    )
    markers = np.mean(tags == 0)
    counts = np.bincount(tags.ravel(), minlength=len(TAG_NAMES))
    bound = float(markers + 0.5 * (1 - markers))  # markers known, words a coin flip
    return TaggingData(
        tokens=vocabulary.encode_batch(texts),
        tags=tags,
        vocabulary=vocabulary,
        tag_names=TAG_NAMES,
        left_to_right_bound=bound,
        majority_accuracy=float(counts.max() / counts.sum()),
        texts=texts,
    )
