"""Generate `tagging.tsv`: a sequence-labelling task whose tags are decided by *later* tokens.

    python datasets/tagging/generate.py          # rewrites datasets/tagging/tagging.tsv (seed 0)

Standard library only. Each sequence has exactly 20 tokens and is a run of "sentences": 1 to 6
word tokens (the letters a..t, drawn uniformly) closed by a mood marker, "!" or "?" (drawn with
equal probability, independently of everything before). Every word is tagged with the mood of
its own sentence, `E` (closed by "!") or `Q` (closed by "?"); markers are tagged `M`. A word's tag
is therefore decided only by the next marker to its right: a left-to-right model can do no better
than guess at every word, a bidirectional one can be exact. The first 4,000 rows are the train
split, the last 1,000 the test split. The same seed gives the same bytes.
"""
import argparse
import hashlib
import random
from collections import Counter
from pathlib import Path

SEED = 0
NUM_TRAIN, NUM_TEST = 4000, 1000
SEQUENCE_LENGTH = 20
MIN_WORDS, MAX_WORDS = 1, 6                      # words per sentence, before its marker
WORDS = "abcdefghijklmnopqrst"
MARKERS = {"!": "E", "?": "Q"}                    # marker -> tag of the words it closes
MARKER_TAG = "M"
OUTPUT = Path(__file__).resolve().parent / "tagging.tsv"
HEADER = "split\ttokens\ttags"


def sequence(rng):
    """One (tokens, tags) pair of strings, SEQUENCE_LENGTH characters each."""
    tokens, tags = [], []
    while len(tokens) < SEQUENCE_LENGTH:
        remaining = SEQUENCE_LENGTH - len(tokens)
        # Sentence lengths (words + marker) that leave 0 or at least a 2-token sentence behind.
        lengths = [n for n in range(MIN_WORDS + 1, MAX_WORDS + 2)
                   if n == remaining or remaining - n >= MIN_WORDS + 1]
        size = rng.choice(lengths)
        marker = rng.choice(sorted(MARKERS))
        tokens += [rng.choice(WORDS) for _ in range(size - 1)] + [marker]
        tags += [MARKERS[marker]] * (size - 1) + [MARKER_TAG]
    return "".join(tokens), "".join(tags)


def generate(seed=SEED):
    """Return the text of tagging.tsv for `seed` (a str ending with a newline)."""
    rng = random.Random(seed)
    lines = [HEADER]
    for index in range(NUM_TRAIN + NUM_TEST):
        tokens, tags = sequence(rng)
        lines.append(f"{'train' if index < NUM_TRAIN else 'test'}\t{tokens}\t{tags}")
    return "\n".join(lines) + "\n"


def left_to_right_bound(tags):
    """Expected accuracy of the best left-to-right tagger: markers right, words a coin flip."""
    counts = Counter("".join(tags))
    total = sum(counts.values())
    return (counts[MARKER_TAG] + 0.5 * (total - counts[MARKER_TAG])) / total


def summary(text):
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    lines = []
    for split in ("train", "test"):
        tags = [row[2] for row in rows if row[0] == split]
        counts = Counter("".join(tags))
        lines.append(f"{split}: {len(tags)} rows, tag counts {dict(sorted(counts.items()))}, "
                     f"majority-tag accuracy {max(counts.values()) / sum(counts.values()):.4f}, "
                     f"best left-to-right accuracy {left_to_right_bound(tags):.4f}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = generate(args.seed).encode("utf-8")
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes), sha256 {hashlib.sha256(data).hexdigest()}")
    print(summary(data.decode("utf-8")))


if __name__ == "__main__":
    main()
