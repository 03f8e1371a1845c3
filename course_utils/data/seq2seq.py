"""Sequence-to-sequence data: `number_words` (digits, English and German number words) and `dates`.

Both loaders return a `Seq2SeqData` of padded int32 arrays ready for an encoder-decoder with
teacher forcing: the decoder reads `<start>` + target and is trained to output target + `<end>`.
Arrays of both splits have the same widths (the longest sequence of the whole file), and the
vocabularies cover both splits, so a model built on the train split runs on the test split.

Tokens: digits and dates are characters; English number words are words with the hyphen as a
token of its own ("forty-two" -> "forty", "-", "two"); German number words are written as
separate words ("zwei und vierzig" for "zweiundvierzig"), so that the units-before-tens order is
visible to a word-level model and to an attention map.

Example:
    data = load_number_words("english", "german", split="train")
    data.encoder_inputs.shape, data.decoder_inputs.shape    # (3250, 13), (3250, 12) int32
    data.source_vocabulary.decode_text(data.encoder_inputs[300], separator=" ")
    data.input_lengths[:3]                                   # real source tokens per example

`make_number_words` generates the same kind of data in memory for numbers up to 999,999,999
(English inputs of up to 20 tokens), with the spelling rules of `number_words.tsv` extended to
millions (`number_in_words` gives every number below a million exactly as the file has it).
"""

from dataclasses import dataclass

import numpy as np

from course_utils.data.common import SPLITS, read_table, split_mask
from course_utils.data.vocabulary import Vocabulary
from course_utils.validation import integer, one_of

__all__ = [
    "NUMBER_LANGUAGES",
    "Seq2SeqData",
    "load_dates",
    "load_number_words",
    "make_number_words",
    "number_in_words",
]

NUMBER_LANGUAGES = ("digits", "english", "german")
_SEPARATORS = {"digits": "", "english": " ", "german": " ", "dates": ""}


@dataclass
class Seq2SeqData:
    """One split of a sequence-to-sequence data set.

    Attributes:
        encoder_inputs: int32 (num_examples, max_source_length) source ids, padded with 0 after
            the tokens (no `<start>`/`<end>`).
        decoder_inputs: int32 (num_examples, max_target_length + 1): `<start>` + target ids.
        decoder_targets: int32 (num_examples, max_target_length + 1): target ids + `<end>`; pad
            positions are 0, so the mask of real tokens is `decoder_targets != 0`.
        input_lengths: int32 (num_examples,) number of source tokens.
        target_lengths: int32 (num_examples,) number of target tokens, `<end>` included.
        source_vocabulary, target_vocabulary: `Vocabulary` with `<start>`/`<end>` reserved.
        sources, targets: lists of the original strings.
        source_tokens, target_tokens: lists of token lists, as encoded.
        groups: list of str, a category per example: the date format (dates) or the number of
            digits (number_words), for accuracy per category.
        source_separator, target_separator: "" for characters, " " for words; pass to
            `Vocabulary.decode_text` to turn ids back into text.
    """

    encoder_inputs: np.ndarray
    decoder_inputs: np.ndarray
    decoder_targets: np.ndarray
    input_lengths: np.ndarray
    target_lengths: np.ndarray
    source_vocabulary: Vocabulary
    target_vocabulary: Vocabulary
    sources: list
    targets: list
    source_tokens: list
    target_tokens: list
    groups: list
    source_separator: str
    target_separator: str


def tokenize(text, kind):
    """Split `text` into the tokens used for `kind` ("digits", "english", "german", "dates")."""
    if kind in ("digits", "dates"):
        return list(text)
    if kind == "english":
        return text.replace("-", " - ").split()
    return text.split()


def _build(sources, targets, rows, source_kind, target_kind, groups):
    """Encode every example of the file (for shared vocabularies and widths), keep `rows`."""
    source_tokens = [tokenize(text, source_kind) for text in sources]
    target_tokens = [tokenize(text, target_kind) for text in targets]
    source_vocabulary = Vocabulary.from_sequences(source_tokens, start_end=True)
    target_vocabulary = Vocabulary.from_sequences(target_tokens, start_end=True)
    source_width = max(map(len, source_tokens))
    target_width = max(map(len, target_tokens)) + 1
    chosen_sources = [source_tokens[i] for i in rows]
    chosen_targets = [target_tokens[i] for i in rows]
    return Seq2SeqData(
        encoder_inputs=source_vocabulary.encode_batch(chosen_sources, max_length=source_width),
        decoder_inputs=target_vocabulary.encode_batch(
            chosen_targets, max_length=target_width, add_start=True
        ),
        decoder_targets=target_vocabulary.encode_batch(
            chosen_targets, max_length=target_width, add_end=True
        ),
        input_lengths=np.array([len(tokens) for tokens in chosen_sources], dtype=np.int32),
        target_lengths=np.array([len(tokens) + 1 for tokens in chosen_targets], dtype=np.int32),
        source_vocabulary=source_vocabulary,
        target_vocabulary=target_vocabulary,
        sources=[sources[i] for i in rows],
        targets=[targets[i] for i in rows],
        source_tokens=chosen_sources,
        target_tokens=chosen_targets,
        groups=[groups[i] for i in rows],
        source_separator=_SEPARATORS[source_kind],
        target_separator=_SEPARATORS[target_kind],
    )


def load_number_words(source="english", target="digits", split="train", data_dir=None):
    """Numbers 0..999,999 translated between digits, English words and German words.

    The train split has every number 0..99 plus 3,150 larger ones, the test split 600 numbers
    (150 each with 3, 4, 5 and 6 digits) that never occur in training.

    Args:
        source, target: two different names out of "digits" ("342"), "english" ("three hundred
            and forty-two") and "german" ("drei hundert zwei und vierzig").
        split: "train" (3,250 examples) or "test" (600).
        data_dir: folder holding `number_words/number_words.tsv` (default: the repository's).

    Returns:
        `Seq2SeqData`; `groups` is the number of digits of each number ("1".."6").
    """
    _check_languages(source, target, split)
    table = read_table("number_words/number_words.tsv", data_dir)
    rows = np.flatnonzero(split_mask(table, split))
    groups = [str(len(digits)) for digits in table["digits"]]
    return _build(table[source], table[target], rows, source, target, groups)


def load_dates(split="train", data_dir=None):
    """Human-readable dates in 16 formats -> ISO 8601 ("3rd of March 2021" -> "2021-03-03").

    Character-level on both sides; dates from 1950-01-01 to 2049-12-31, every date at most once
    (so no test date is seen in training).

    Args:
        split: "train" (6,000 examples) or "test" (1,000).
        data_dir: folder holding `dates/dates.tsv` (default: the repository's datasets/).

    Returns:
        `Seq2SeqData`; `groups` is the format name of each example, e.g. "month_d_y".
    """
    one_of(split, "split", SPLITS)
    table = read_table("dates/dates.tsv", data_dir)
    rows = np.flatnonzero(split_mask(table, split))
    return _build(table["source"], table["target"], rows, "dates", "dates", table["format"])


# ----- number words generated in memory, up to 999,999,999 ------------------------------------
_ENGLISH_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_ENGLISH_TENS = ["", ""] + "twenty thirty forty fifty sixty seventy eighty ninety".split()
_GERMAN_SMALL = (
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
    "fünfzehn sechzehn siebzehn achtzehn neunzehn"
).split()
_GERMAN_TENS = ["", ""] + "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig".split()


def _english_below_100(n):
    if n < 20:
        return _ENGLISH_SMALL[n]
    tens, units = divmod(n, 10)
    return _ENGLISH_TENS[tens] + (f"-{_ENGLISH_SMALL[units]}" if units else "")


def _english_below_1000(n):
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _english_below_100(rest)
    words = f"{_ENGLISH_SMALL[hundreds]} hundred"
    return words + (f" and {_english_below_100(rest)}" if rest else "")


def _english_with(n, unit, size, below):
    """`n` as '<below(n // size)> <unit> <rest>' (British 'and' before a rest under 100)."""
    high, rest = divmod(n, size)
    if not high:
        return below(rest)
    words = f"{_english_below_1000(high)} {unit}"
    if not rest:
        return words
    if rest < 100:
        return f"{words} and {_english_below_100(rest)}"
    return f"{words} {below(rest)}"


def _english(n):
    def below_million(m):
        return _english_with(m, "thousand", 1000, _english_below_1000)

    return _english_with(n, "million", 1_000_000, below_million)


def _german_below_100(n, final=True):
    if n == 1:
        return "eins" if final else "ein"
    if n < 20:
        return _GERMAN_SMALL[n]
    tens, units = divmod(n, 10)
    if not units:
        return _GERMAN_TENS[tens]
    unit = "ein" if units == 1 else _GERMAN_SMALL[units]
    return f"{unit} und {_GERMAN_TENS[tens]}"


def _german_below_1000(n, final=True):
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _german_below_100(rest, final)
    unit = "ein" if hundreds == 1 else _GERMAN_SMALL[hundreds]
    return f"{unit} hundert" + (f" {_german_below_100(rest, final)}" if rest else "")


def _german_below_million(n):
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return _german_below_1000(rest)
    words = f"{_german_below_1000(thousands, final=False)} tausend"
    return words + (f" {_german_below_1000(rest)}" if rest else "")


def _german(n):
    millions, rest = divmod(n, 1_000_000)
    if not millions:
        return _german_below_million(n)
    if millions == 1:
        words = "eine million"
    else:
        words = f"{_german_below_1000(millions, final=False)} millionen"
    return words + (f" {_german_below_million(rest)}" if rest else "")


def _check_languages(source, target, split):
    one_of(source, "source", NUMBER_LANGUAGES)
    one_of(target, "target", NUMBER_LANGUAGES)
    if source == target:
        raise ValueError(
            f"source and target are both {source!r}: choose two different ones "
            f"of {NUMBER_LANGUAGES}"
        )
    one_of(split, "split", SPLITS)


def number_in_words(n, language):
    """`n` (0..999,999,999) as "digits", "english" or "german" text, as in `number_words.tsv`.

    Example:
        number_in_words(2_000_042, "english")   # 'two million and forty-two'
        number_in_words(2_000_042, "german")    # 'zwei millionen zwei und vierzig'
    """
    one_of(language, "language", NUMBER_LANGUAGES)
    n = integer(n, "n", 0, 999_999_999)
    if language == "digits":
        return str(n)
    return _english(n) if language == "english" else _german(n)


def make_number_words(
    source="english",
    target="german",
    split="train",
    max_digits=9,
    train_per_digit_count=400,
    test_per_digit_count=50,
    seed=0,
):
    """Number words generated in memory, up to `max_digits` digits (longer inputs than the file).

    The train split has every number 0..99 plus `train_per_digit_count` numbers of each digit
    count 3..`max_digits`, the test split `test_per_digit_count` of each, none seen in training.
    Both splits come from the same table (same seed), so they share vocabularies and widths.

    Args:
        source, target: two different names out of "digits", "english", "german".
        split: "train" or "test".
        max_digits: the longest numbers, 3..9 digits (9: English inputs of up to 20 tokens).
        train_per_digit_count, test_per_digit_count: numbers per digit count in each split.
        seed: seed of the NumPy generator that draws the numbers.

    Returns:
        `Seq2SeqData`; `groups` is the number of digits of each number.

    Example:
        train = make_number_words("english", "german", "train", max_digits=9)
        train.encoder_inputs.shape       # (2900, 20)
    """
    _check_languages(source, target, split)
    max_digits = integer(max_digits, "max_digits", 3, 9)
    train_count = integer(train_per_digit_count, "train_per_digit_count", 1)
    test_count = integer(test_per_digit_count, "test_per_digit_count", 1)
    if train_count + test_count > 900:
        raise ValueError(
            f"train_per_digit_count + test_per_digit_count must be at most 900 (there are 900 "
            f"numbers with 3 digits), got {train_count} + {test_count}"
        )
    rng = np.random.default_rng(seed)
    train_numbers, test_numbers = list(range(100)), []
    for digits in range(3, max_digits + 1):
        drawn, seen = [], set()
        while len(drawn) < train_count + test_count:
            n = int(rng.integers(10 ** (digits - 1), 10**digits))
            if n not in seen:
                seen.add(n)
                drawn.append(n)
        test_numbers += drawn[:test_count]
        train_numbers += drawn[test_count:]
    numbers = train_numbers + test_numbers
    rows = (
        range(len(train_numbers)) if split == "train" else range(len(train_numbers), len(numbers))
    )
    return _build(
        [number_in_words(n, source) for n in numbers],
        [number_in_words(n, target) for n in numbers],
        list(rows),
        source,
        target,
        [str(len(str(n))) for n in numbers],
    )
