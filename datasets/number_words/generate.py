"""Generate `number_words.tsv`: numbers 0..999,999 as digits, English words and German words.

    python datasets/number_words/generate.py     # rewrites datasets/number_words/number_words.tsv

The spelling rules are `course_utils.data.seq2seq.number_in_words` (one copy, which also spells
the longer numbers of notebook 12); run it with the course's Python.

Every number 0..99 is in the train split (they are the building blocks);
then distinct numbers are drawn for each number of digits, 750 with 3 digits and 1,000 each with
4, 5 and 6 digits (so that every input length is well represented); 150 of each digit count form
the test split (600 rows), the rest join the train split (100 + 3,150 rows). English is
British ("three hundred and forty-two"); German is written as separate words ("drei hundert
zwei und vierzig" for "dreihundertzweiundvierzig") so that a word-level model sees the
units-before-tens order. The same seed gives the same bytes.
"""
import argparse
import hashlib
import random
from collections import Counter
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for course_utils
from course_utils.data.seq2seq import number_in_words  # noqa: E402  the one copy of the rules

SEED = 0
NUMBERS_PER_DIGIT_COUNT = {3: 750, 4: 1000, 5: 1000, 6: 1000}
TEST_PER_DIGIT_COUNT = 150
OUTPUT = Path(__file__).resolve().parent / "number_words.tsv"
HEADER = "split\tdigits\tenglish\tgerman"



def english(n):
    """342 -> 'three hundred and forty-two' (the rules: course_utils/data/seq2seq.py)."""
    return number_in_words(n, "english")


def german(n):
    """342 -> 'drei hundert zwei und vierzig'; 1001 -> 'ein tausend eins'."""
    return number_in_words(n, "german")


def generate(seed=SEED):
    """Return the text of number_words.tsv for `seed` (a str ending with a newline)."""
    rng = random.Random(seed)
    train = list(range(100))
    test = []
    for digits, count in NUMBERS_PER_DIGIT_COUNT.items():
        numbers = rng.sample(range(10 ** (digits - 1), 10 ** digits), count)
        test += numbers[:TEST_PER_DIGIT_COUNT]
        train += numbers[TEST_PER_DIGIT_COUNT:]
    rows = [("train", n) for n in train] + [("test", n) for n in test]
    lines = [HEADER] + [f"{split}\t{n}\t{english(n)}\t{german(n)}" for split, n in rows]
    return "\n".join(lines) + "\n"


def summary(text):
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    splits = Counter(row[0] for row in rows)
    english_lengths = Counter(len(row[2].replace("-", " - ").split()) for row in rows)
    digit_counts = Counter((row[0], len(row[1])) for row in rows)
    return (f"rows per split {dict(splits)}; rows per (split, number of digits) "
            f"{dict(sorted(digit_counts.items()))}; English tokens per number "
            f"{dict(sorted(english_lengths.items()))}")


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
