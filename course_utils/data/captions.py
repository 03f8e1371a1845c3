"""Digit strips for image captioning: real handwritten digits side by side, captioned in words.

The digits are scikit-learn's copy of the UCI handwritten digits (`sklearn.datasets.load_digits`:
1797 grey images of 8x8 pixels, values 0..16, ships with scikit-learn, no download). A *strip*
puts 1 to `max_digits` of them next to each other, left-aligned, in an image of height 8 and
width `8 * max_digits` (48 for six digits); the columns after the last digit are 0 (blank
paper). Pixels are scaled to [0, 1] float32. The caption is the digits as English words,
"four two seven", tokenised with a word `Vocabulary` with `<start>`/`<end>` as the seq2seq data:

    vocabulary     <pad>=0 <start>=1 <end>=2 zero=3 one=4 ... nine=12
    decoder_inputs   <start> four two seven <pad> ...       (batch, max_digits + 1)
    decoder_targets  four two seven <end> <pad> ...         (batch, max_digits + 1)

The 1797 images are split once (a fixed permutation) into a train pool and a test pool, so test
strips are built from digit images never seen in training.

Example:
    train = make_digit_strips("train", 3000, seed=0)
    train.images.shape, train.decoder_targets.shape   # (3000, 8, 48) float32, (3000, 7) int32
    train.captions[0]                                 # e.g. ['four', 'two', 'seven']
"""

from dataclasses import dataclass

import numpy as np

from course_utils.data.speech import DIGIT_WORDS  # the words shared with the spoken digits
from course_utils.data.vocabulary import Vocabulary
from course_utils.validation import fail, fail_described, integer, one_of, seed as check_seed

__all__ = [
    "DIGIT_SIZE",
    "DigitStrips",
    "caption_vocabulary",
    "digit_pool",
    "join_digit_images",
    "make_digit_strips",
]

DIGIT_SIZE = 8  # load_digits images are 8 x 8 pixels
TEST_SHARE = 0.35  # share of the 1797 digit images kept for the test strips
_SPLIT_SEED = 1797  # the fixed permutation that splits the images into the two pools


def caption_vocabulary():
    """The word vocabulary of the captions: `<pad>`, `<start>`, `<end>`, then zero .. nine."""
    return Vocabulary(DIGIT_WORDS, start_end=True)


def digit_pool(split):
    """The digit images and labels of one split's pool (disjoint between "train" and "test").

    Returns:
        `(images, labels, indices)`: float32 (n, 8, 8) in [0, 1], int (n,), and the images'
        indices in `load_digits()` (so a test can check that the pools are disjoint).
    """
    from sklearn.datasets import load_digits

    one_of(split, "split", ("train", "test"))
    digits = load_digits()
    order = np.random.default_rng(_SPLIT_SEED).permutation(len(digits.target))
    test_count = int(round(TEST_SHARE * len(order)))
    indices = np.sort(order[test_count:] if split == "train" else order[:test_count])
    images = (digits.images[indices] / 16.0).astype(np.float32)
    return images, digits.target[indices].astype(np.int64), indices


def _check_digit_images(images, name):
    """`images` as a float array (k, 8, 8) with 1 <= k, else a ValueError naming shape and dtype."""
    if not isinstance(images, np.ndarray):
        fail(name, "a NumPy float array of shape (digits, 8, 8)", images)
    if images.dtype.kind != "f":
        fail_described(name, "a float array of shape (digits, 8, 8)", f"dtype {images.dtype}")
    if images.ndim != 3 or images.shape[1:] != (DIGIT_SIZE, DIGIT_SIZE) or len(images) < 1:
        fail_described(
            name,
            "a float array of shape (digits, 8, 8), at least one digit",
            f"shape {images.shape}",
        )
    return images


def join_digit_images(images, max_digits=6):
    """Put digit images side by side into one strip of width `8 * max_digits`, blank on the right.

    Args:
        images: float array (k, 8, 8), 1 <= k <= max_digits, the digits from left to right.
        max_digits: the most digits a strip holds (fixes its width).

    Returns:
        float32 (8, 8 * max_digits).
    """
    max_digits = integer(max_digits, "max_digits", minimum=1)
    images = _check_digit_images(images, "images")
    if len(images) > max_digits:
        fail_described("images", f"at most max_digits={max_digits} digits", f"{len(images)}")
    strip = np.zeros((DIGIT_SIZE, DIGIT_SIZE * max_digits), np.float32)
    strip[:, : DIGIT_SIZE * len(images)] = np.concatenate(list(images), axis=1)
    return strip


@dataclass
class DigitStrips:
    """Strips of handwritten digits and their captions.

    Attributes:
        images: float32 (n, 8, 8 * max_digits) in [0, 1], blank (0) right of the last digit.
        digits: int (n, max_digits), the digits left to right, -1 after the last.
        lengths: int (n,), digits per strip (= words per caption).
        captions: list of n lists of words, e.g. ['four', 'two', 'seven'].
        decoder_inputs: int32 (n, max_digits + 1), `<start>` + caption ids, padded with 0.
        decoder_targets: int32 (n, max_digits + 1), caption ids + `<end>`, padded with 0.
        vocabulary: the caption `Vocabulary` (the same object for both splits' use).
        pool_indices: int (n, max_digits), the `load_digits` index of each digit, -1 after.
    """

    images: np.ndarray
    digits: np.ndarray
    lengths: np.ndarray
    captions: list
    decoder_inputs: np.ndarray
    decoder_targets: np.ndarray
    vocabulary: Vocabulary
    pool_indices: np.ndarray

    def __len__(self):
        return len(self.lengths)


def make_digit_strips(split, num_strips, min_digits=1, max_digits=6, seed=0):
    """Build `num_strips` strips of `min_digits`..`max_digits` digits from one split's pool.

    Lengths are drawn uniformly from [min_digits, max_digits], each digit image uniformly from
    the split's pool (train and test pools are disjoint).

    Args:
        split: "train" or "test".
        num_strips: number of strips, >= 1.
        min_digits, max_digits: the range of digits per strip, 1 <= min <= max <= 12.
        seed: seed of the draws.

    Returns:
        A `DigitStrips`.
    """
    one_of(split, "split", ("train", "test"))
    num_strips = integer(num_strips, "num_strips", minimum=1)
    max_digits = integer(max_digits, "max_digits", minimum=1, maximum=12)
    min_digits = integer(min_digits, "min_digits", minimum=1, maximum=max_digits)
    seed = check_seed(seed)
    pool_images, pool_labels, pool_indices = digit_pool(split)
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_digits, max_digits + 1, size=num_strips)
    picks = rng.integers(0, len(pool_labels), size=(num_strips, max_digits))
    real = np.arange(max_digits)[None, :] < lengths[:, None]  # (n, max_digits)
    images = np.stack(
        [join_digit_images(pool_images[row[:n]], max_digits) for row, n in zip(picks, lengths)]
    )
    digits = np.where(real, pool_labels[picks], -1)
    vocabulary = caption_vocabulary()
    captions = [[DIGIT_WORDS[d] for d in row[:n]] for row, n in zip(digits, lengths)]
    ids = [vocabulary.encode(caption) for caption in captions]
    width = max_digits + 1
    decoder_inputs = vocabulary.pad([np.r_[vocabulary.start_id, x] for x in ids], width)
    decoder_targets = vocabulary.pad([np.r_[x, vocabulary.end_id] for x in ids], width)
    return DigitStrips(
        images=images,
        digits=digits,
        lengths=lengths.astype(np.int64),
        captions=captions,
        decoder_inputs=decoder_inputs,
        decoder_targets=decoder_targets,
        vocabulary=vocabulary,
        pool_indices=np.where(real, pool_indices[picks], -1),
    )
