"""Generate `trees.tsv`: binary sentiment trees with negation, a label at every node.

    python datasets/trees/generate.py            # rewrites datasets/trees/trees.tsv (seed 0)

Standard library only. A phrase of 2..10 words is drawn (each word "not" with probability 0.35,
a positive or a negative adjective with 0.15 each, a neutral word with 0.35), then a binary tree
over it by splitting every span at a uniformly random point. Labels (0 negative, 1 neutral,
2 positive) follow three rules, applied bottom-up:

    word                  its lexicon polarity ("not" and the neutral words are neutral)
    (not X)               the opposite of X            -- only when the left child is the word "not"
    (X Y), Y neutral      X                            -- a neutral word changes nothing
    (X Y), otherwise      Y                            -- the later phrase wins, as after "but"

so the same words bracketed differently can get opposite labels: ((not good) dull) is negative,
(not (good dull)) is positive. Trees whose root is neutral are rejected, and the two root labels
are kept exactly balanced. Each row is one tree as a Stanford-Sentiment-Treebank-style
s-expression, `(label child child)` or `(label word)`. The first 4,000 rows are the train split,
the last 1,000 the test split. The same seed gives the same bytes.
"""
import argparse
import hashlib
import random
from collections import Counter
from pathlib import Path

SEED = 0
NUM_TRAIN, NUM_TEST = 4000, 1000
MIN_WORDS, MAX_WORDS = 2, 10
NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2
NEGATOR = "not"
POSITIVE_WORDS = ["good", "great", "fun", "clever", "charming", "moving"]
NEGATIVE_WORDS = ["bad", "dull", "awful", "boring", "clumsy", "silly"]
NEUTRAL_WORDS = ["the", "film", "plot", "acting", "story", "very", "quite"]
WORD_PROBABILITIES = {"negator": 0.35, "positive": 0.15, "negative": 0.15, "neutral": 0.35}
OUTPUT = Path(__file__).resolve().parent / "trees.tsv"
HEADER = "split\ttree"


def word_label(word):
    return POSITIVE if word in POSITIVE_WORDS else NEGATIVE if word in NEGATIVE_WORDS else NEUTRAL


def combine(left_label, right_label, left_is_negator):
    """The composition rule: label of (left right) from its children."""
    if left_is_negator:
        return 2 - right_label                      # negative <-> positive, neutral stays
    return left_label if right_label == NEUTRAL else right_label


def random_word(rng):
    kind = rng.choices(list(WORD_PROBABILITIES), weights=list(WORD_PROBABILITIES.values()))[0]
    if kind == "negator":
        return NEGATOR
    return rng.choice({"positive": POSITIVE_WORDS, "negative": NEGATIVE_WORDS,
                       "neutral": NEUTRAL_WORDS}[kind])


def build(words, rng):
    """Random binary tree over `words`; returns (s-expression, label)."""
    if len(words) == 1:
        label = word_label(words[0])
        return f"({label} {words[0]})", label
    split = rng.randint(1, len(words) - 1)
    left, left_label = build(words[:split], rng)
    right, right_label = build(words[split:], rng)
    label = combine(left_label, right_label, split == 1 and words[0] == NEGATOR)
    return f"({label} {left} {right})", label


def generate(seed=SEED):
    """Return the text of trees.tsv for `seed` (a str ending with a newline)."""
    rng = random.Random(seed)
    lines = [HEADER]
    for split, total in (("train", NUM_TRAIN), ("test", NUM_TEST)):
        wanted = {NEGATIVE: total // 2, POSITIVE: total - total // 2}
        while sum(wanted.values()):
            words = [random_word(rng) for _ in range(rng.randint(MIN_WORDS, MAX_WORDS))]
            tree, label = build(words, rng)
            if wanted.get(label, 0):
                wanted[label] -= 1
                lines.append(f"{split}\t{tree}")
    return "\n".join(lines) + "\n"


def leaf_sequence_posterior(words):
    """P(root label | words alone) under the generator's tree prior (uniform split points).

    Dynamic programming over spans: dist[i][j] is the label distribution of the words i..j-1.
    """
    n = len(words)
    dist = {(i, i + 1): {word_label(w): 1.0} for i, w in enumerate(words)}
    for size in range(2, n + 1):
        for i in range(n - size + 1):
            j, total = i + size, Counter()
            for k in range(i + 1, j):
                negator = k == i + 1 and words[i] == NEGATOR
                for left, p in dist[(i, k)].items():
                    for right, q in dist[(k, j)].items():
                        total[combine(left, right, negator)] += p * q / (size - 1)
            dist[(i, j)] = total
    return dist[(0, n)]


def summary(text):
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    lines = []
    for split in ("train", "test"):
        trees = [tree for name, tree in rows if name == split]
        roots = Counter(int(tree[1]) for tree in trees)
        nodes = Counter(token for tree in trees for token in tree.replace("(", " ").split()
                        if token.isdigit())
        sizes = [tree.count("(") for tree in trees]
        correct = 0
        for tree in trees:
            words = [token.rstrip(")") for token in tree.split() if not token.startswith("(")]
            posterior = leaf_sequence_posterior(words)
            guess = POSITIVE if posterior[POSITIVE] >= posterior[NEGATIVE] else NEGATIVE
            correct += guess == int(tree[1])
        lines.append(f"{split}: {len(trees)} trees, root labels {dict(sorted(roots.items()))}, "
                     f"node labels {dict(sorted(nodes.items()))}, nodes per tree "
                     f"{min(sizes)}..{max(sizes)}, accuracy of the best guess from the words "
                     f"alone {correct / len(trees):.4f}")
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
