"""Generate `number_words.tsv`: numbers 0..999,999 as digits, English words and German words.

    python datasets/number_words/generate.py     # rewrites datasets/number_words/number_words.tsv

Standard library only. Every number 0..99 is in the train split (they are the building blocks);
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
from pathlib import Path

SEED = 0
NUMBERS_PER_DIGIT_COUNT = {3: 750, 4: 1000, 5: 1000, 6: 1000}
TEST_PER_DIGIT_COUNT = 150
OUTPUT = Path(__file__).resolve().parent / "number_words.tsv"
HEADER = "split\tdigits\tenglish\tgerman"

ENGLISH_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                 "seventeen", "eighteen", "nineteen"]
ENGLISH_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                "ninety"]
GERMAN_SMALL = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
                "zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn",
                "siebzehn", "achtzehn", "neunzehn"]
GERMAN_TENS = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig",
               "achtzig", "neunzig"]


def english_below_100(n):
    if n < 20:
        return ENGLISH_SMALL[n]
    tens, units = divmod(n, 10)
    return ENGLISH_TENS[tens] + (f"-{ENGLISH_SMALL[units]}" if units else "")


def english_below_1000(n):
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return english_below_100(rest)
    words = f"{ENGLISH_SMALL[hundreds]} hundred"
    return words + (f" and {english_below_100(rest)}" if rest else "")


def english(n):
    """342 -> 'three hundred and forty-two'; 1005 -> 'one thousand and five'."""
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return english_below_1000(rest)
    words = f"{english_below_1000(thousands)} thousand"
    if not rest:
        return words
    if rest < 100:
        return f"{words} and {english_below_100(rest)}"
    return f"{words} {english_below_1000(rest)}"


def german_below_100(n, final=True):
    """Units before tens: 42 -> 'zwei und vierzig'; 1 -> 'eins' at the end, 'ein' before a noun."""
    if n == 1:
        return "eins" if final else "ein"
    if n < 20:
        return GERMAN_SMALL[n]
    tens, units = divmod(n, 10)
    if not units:
        return GERMAN_TENS[tens]
    unit = "ein" if units == 1 else GERMAN_SMALL[units]
    return f"{unit} und {GERMAN_TENS[tens]}"


def german_below_1000(n, final=True):
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return german_below_100(rest, final)
    unit = "ein" if hundreds == 1 else GERMAN_SMALL[hundreds]
    return f"{unit} hundert" + (f" {german_below_100(rest, final)}" if rest else "")


def german(n):
    """342 -> 'drei hundert zwei und vierzig'; 1001 -> 'ein tausend eins'."""
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return german_below_1000(rest)
    words = f"{german_below_1000(thousands, final=False)} tausend"
    return words + (f" {german_below_1000(rest)}" if rest else "")


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
