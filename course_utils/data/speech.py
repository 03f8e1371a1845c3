"""The `spoken_digits` data set (a subset of the Free Spoken Digit Dataset) and its helpers.

540 mono 8 kHz recordings of the digits 0-9 in English: 6 speakers x 10 digits x 9 takes. The
test split is every recording of one speaker (`jackson`) that no model hears in training; the
train split holds the other five speakers. NumPy and the standard library's `wave` only.

    data = load_spoken_digits("train")
    data.clips[0]                 # float32 waveform in [-1, 1], 8,000 samples per second
    data.digits[:3], data.speakers[:3], data.files[:3]
    sequences = join_digits(data, count=200, seed=0)     # unsegmented 2-5 digit utterances
    sequences.transcripts[0]      # "four two seven"
    words_to_digits("four two seven")                     # (4, 2, 7)
"""

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils.data.common import SPLITS, data_root, read_table, sha256_hex
from course_utils.validation import fail, integer, number, one_of, seed as check_seed

__all__ = [
    "DIGIT_WORDS",
    "SAMPLE_RATE",
    "DigitSequences",
    "SpokenDigits",
    "digits_to_words",
    "join_digits",
    "ctc_targets",
    "load_spoken_digits",
    "pad_waveforms",
    "read_wav",
    "words_to_digits",
]

SAMPLE_RATE = 8000
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MANIFEST = "spoken_digits/manifest.tsv"


def read_wav(path, sample_rate=SAMPLE_RATE):
    """One mono 16-bit WAV file as a float32 array in [-1, 1] (int16 / 32768).

    Raises:
        ValueError: naming the file, when it is missing, not a WAV file, truncated (fewer
            samples than its header announces), not at `sample_rate`, not mono, not 16-bit,
            empty (no samples) or silent (every sample zero).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"WAV file {path} does not exist")
    try:
        with wave.open(str(path), "rb") as file:
            channels, width = file.getnchannels(), file.getsampwidth()
            rate, frames = file.getframerate(), file.getnframes()
            data = file.readframes(frames)
    except (wave.Error, EOFError) as error:
        raise ValueError(f"{path} is not a readable WAV file ({error})") from None
    if rate != sample_rate:
        raise ValueError(f"{path} has sample rate {rate} Hz, expected {sample_rate} Hz")
    if channels != 1:
        raise ValueError(f"{path} has {channels} channels, expected 1 (mono)")
    if width != 2:
        raise ValueError(f"{path} has {8 * width}-bit samples, expected 16-bit")
    if frames == 0:
        raise ValueError(f"{path} is empty: its header announces 0 samples")
    if len(data) != frames * channels * width:
        raise ValueError(
            f"{path} is truncated: its header announces {frames} samples, the file holds "
            f"{len(data) // (channels * width)}"
        )
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    if not np.any(samples):
        raise ValueError(f"{path} is silent: all {frames} samples are zero")
    return samples


@dataclass
class SpokenDigits:
    """One split of `spoken_digits`.

    Attributes:
        clips: list of float32 waveforms in [-1, 1] (0.14-1.0 s each).
        digits: int32 (num_clips,) the spoken digit 0-9.
        speakers: list of speaker names, one per clip.
        files: list of the original file names `{digit}_{speaker}_{take}.wav`.
        sample_rate: 8000.
    """

    clips: list
    digits: np.ndarray
    speakers: list
    files: list
    sample_rate: int = SAMPLE_RATE


def load_spoken_digits(split="train", data_dir=None):
    """Load one split of `datasets/spoken_digits` (train: 5 speakers, 450 clips; test: the
    held-out speaker jackson, 90 clips), every file checked against the verified manifest.

    Raises:
        ValueError: the manifest or a recording is missing or its SHA-256 differs (naming the
            file and how to regenerate it), or a recording is not a valid 8 kHz mono WAV.
    """
    one_of(split, "split", SPLITS)
    table = read_table(MANIFEST, data_dir)
    folder = data_root(data_dir) / "spoken_digits" / "recordings"
    clips, digits, speakers, files = [], [], [], []
    for row in zip(*(table[c] for c in ("split", "file", "digit", "speaker", "sha256"))):
        row_split, name, digit, speaker, expected = row
        if row_split != split:
            continue
        path = folder / name
        if not path.is_file():
            raise ValueError(
                f"data file {path} is missing; regenerate it with "
                "`python datasets/spoken_digits/generate.py` from the repository root"
            )
        actual = sha256_hex(path.read_bytes())
        if actual != expected:
            raise ValueError(
                f"data file {path} has SHA-256 {actual}, expected {expected} (manifest.tsv): "
                "the file was changed or corrupted; regenerate it with "
                "`python datasets/spoken_digits/generate.py` from the repository root"
            )
        clips.append(read_wav(path))
        digits.append(int(digit))
        speakers.append(speaker)
        files.append(name)
    return SpokenDigits(clips, np.asarray(digits, np.int32), speakers, files)


def digits_to_words(digits):
    """(4, 2, 7) -> "four two seven"."""
    words = []
    for digit in digits:
        integer(digit, "digit", minimum=0, maximum=9)
        words.append(DIGIT_WORDS[int(digit)])
    return " ".join(words)


def words_to_digits(words):
    """"four two seven" -> (4, 2, 7); a word that is not a digit name is a ValueError."""
    if not isinstance(words, str):
        fail("words", "a string of digit names such as 'four two seven'", words)
    digits = []
    for word in words.split():
        if word not in DIGIT_WORDS:
            fail("word", "a digit name (" + ", ".join(DIGIT_WORDS) + ")", word)
        digits.append(DIGIT_WORDS.index(word))
    return tuple(digits)


@dataclass
class DigitSequences:
    """Unsegmented utterances made by `join_digits`.

    Attributes:
        waveforms: list of float32 waveforms, each the clips of one speaker with silent gaps.
        digits: list of tuples of digits, the labels of each waveform in order.
        transcripts: the same as words ("four two seven").
        speakers: the speaker of each utterance.
        sample_rate: 8000.
    """

    waveforms: list
    digits: list
    transcripts: list
    speakers: list
    sample_rate: int = SAMPLE_RATE


def join_digits(data, count, seed=0, min_digits=2, max_digits=5, max_gap_seconds=0.25):
    """`count` utterances of `min_digits`..`max_digits` digits, each spoken by one speaker of
    `data` (a `SpokenDigits`): random clips of that speaker joined by silent gaps of
    0..`max_gap_seconds` (also before the first and after the last digit), nothing marking
    where one digit ends. The same seed gives the same utterances."""
    count = integer(count, "count", minimum=1)
    rng = np.random.default_rng(check_seed(seed))
    min_digits = integer(min_digits, "min_digits", minimum=1)
    max_digits = integer(max_digits, "max_digits", minimum=min_digits)
    max_gap = int(number(max_gap_seconds, "max_gap_seconds", minimum=0) * data.sample_rate)
    by_speaker = {}
    for index, speaker in enumerate(data.speakers):
        by_speaker.setdefault(speaker, []).append(index)
    names = sorted(by_speaker)
    waveforms, digits, speakers = [], [], []
    for _ in range(count):
        speaker = names[rng.integers(len(names))]
        chosen = rng.choice(by_speaker[speaker], size=rng.integers(min_digits, max_digits + 1))
        parts = []
        for index in chosen:
            parts += [np.zeros(rng.integers(max_gap + 1), np.float32), data.clips[index]]
        parts.append(np.zeros(rng.integers(max_gap + 1), np.float32))
        waveforms.append(np.concatenate(parts))
        digits.append(tuple(int(data.digits[i]) for i in chosen))
        speakers.append(speaker)
    return DigitSequences(waveforms, digits, [digits_to_words(d) for d in digits], speakers)


def pad_waveforms(waveforms, length=None):
    """float32 (count, length): each waveform followed by silence (zeros) up to `length`
    (default: the longest); a waveform longer than `length` is a ValueError."""
    longest = max(len(w) for w in waveforms)
    length = longest if length is None else integer(length, "length", minimum=1)
    if longest > length:
        fail("length", f"at least the longest waveform ({longest} samples)", length)
    padded = np.zeros((len(waveforms), length), np.float32)
    for row, waveform in zip(padded, waveforms):
        row[: len(waveform)] = waveform
    return padded


def ctc_targets(digit_sequences, pad=-1):
    """int32 (count, longest) CTC label rows: digit d is class d + 1 (class 0 is the blank of
    `keras.ops.ctc_loss`), rows padded with `pad` (-1, what CTCLoss expects)."""
    longest = max(len(d) for d in digit_sequences)
    rows = np.full((len(digit_sequences), longest), pad, np.int32)
    for row, digits in zip(rows, digit_sequences):
        row[: len(digits)] = np.asarray(digits, np.int32) + 1
    return rows
