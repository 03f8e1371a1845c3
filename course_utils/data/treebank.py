"""The `trees` data set: binary sentiment trees with negation, a label at every node.

Each tree is stored as a Stanford-Sentiment-Treebank-style s-expression, `(label left right)` for
an internal node and `(label word)` for a leaf, labels 0 negative, 1 neutral, 2 positive. The
label of a phrase follows from its children: `(not X)` flips X, a neutral right child keeps the
left child's label, otherwise the right child's label wins. The same words bracketed differently
can get opposite labels, so the structure decides: the best guess from the words alone is right
about 81 % of the time (see datasets/trees/README.md), a model that follows the tree can be exact.

Tree format (the contract with `course_utils.layers.trees`): every tree is a `Tree` of three arrays
over
its `num_nodes` nodes, ordered children before parents (post-order), root last:

    children  int32 (num_nodes, 2)  indices of the left and right child; -1, -1 for a leaf
    tokens    int32 (num_nodes,)    the word id (in `vocabulary`) at a leaf; -1 at internal nodes
    labels    int32 (num_nodes,)    0 negative, 1 neutral, 2 positive

so a bottom-up pass `for node in range(num_nodes)` always finds both children done, and the root
label is `labels[-1]`.

Example:
    data = load_trees("train")
    tree = data.trees[0]
    tree.children.shape, tree.tokens.shape, tree.labels.shape    # (n, 2), (n,), (n,)
    data.root_labels.shape, data.sequences.shape                 # (4000,), (4000, 10)
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from course_utils.data.common import SPLITS, read_table, split_mask
from course_utils.data.vocabulary import Vocabulary
from course_utils.validation import one_of

__all__ = [
    "TREE_LABEL_NAMES",
    "WORDS_ONLY_ACCURACY",
    "Tree",
    "TreeData",
    "load_trees",
    "parse_sexpression",
]

TREE_LABEL_NAMES = ("negative", "neutral", "positive")
# Accuracy of the most probable root label given only the words in order (no brackets), per
# split: what datasets/trees/generate.py's `summary` computes by dynamic programming over every
# bracketing. Roughly the best a sequential model that reads the words can do (tested).
WORDS_ONLY_ACCURACY = {"train": 0.8103, "test": 0.8070}
OPEN, CLOSE = "(", ")"


class Tree(NamedTuple):
    """One tree, nodes in post-order (children before parents, root last).

    Fields:
        children: int32 (num_nodes, 2), child indices, -1 for leaves.
        tokens: int32 (num_nodes,), word id at leaves, -1 at internal nodes.
        labels: int32 (num_nodes,), 0 negative, 1 neutral, 2 positive.
    """

    children: np.ndarray
    tokens: np.ndarray
    labels: np.ndarray


@dataclass
class TreeData:
    """One split of the `trees` data set.

    Attributes:
        trees: list of `Tree` (see the module docstring for the format).
        root_labels: int32 (num_trees,), 0 negative or 2 positive (never neutral), balanced.
        sequences: int32 (num_trees, max_words) the words in reading order, padded with 0 after
            them: the input of a sequential baseline.
        sequence_lengths: int32 (num_trees,) number of words.
        bracketed: int32 (num_trees, max_bracketed) the words with "(" and ")" tokens around
            every internal node, e.g. "( not ( good dull ) )", padded with 0: the structure
            spelled out for a sequential model.
        bracketed_lengths: int32 (num_trees,).
        vocabulary: `Vocabulary` of `<pad>`, "(", ")" and the words; leaf `tokens` use its ids.
        label_names: ("negative", "neutral", "positive").
        sexpressions: list of the s-expressions as stored.
        words: list of word lists.
        words_only_accuracy: accuracy of the best guess of the root label from the words alone
            on this split (`WORDS_ONLY_ACCURACY`), the bound for a model that ignores the tree.
    """

    trees: list
    root_labels: np.ndarray
    sequences: np.ndarray
    sequence_lengths: np.ndarray
    bracketed: np.ndarray
    bracketed_lengths: np.ndarray
    vocabulary: Vocabulary
    label_names: tuple
    sexpressions: list
    words: list
    words_only_accuracy: float


def _parse(sexpression):
    """Nodes of `sexpression` in post-order: list of (left, right, word, label); -1/None if absent.

    Iterative (a stack of open nodes), so deep trees cannot hit Python's recursion limit.
    """
    items = sexpression.replace(OPEN, f" {OPEN} ").replace(CLOSE, f" {CLOSE} ").split()
    nodes, stack, position = [], [], 0
    while position < len(items):
        item = items[position]
        if item == OPEN:
            label = items[position + 1]
            if not label.isdigit() or int(label) >= len(TREE_LABEL_NAMES):
                raise ValueError(f"bad label {label!r} in tree {sexpression!r}")
            stack.append({"label": int(label), "children": [], "word": None})
            position += 2
            continue
        if not stack:
            raise ValueError(f"unbalanced brackets in tree {sexpression!r}")
        if item == CLOSE:
            node = stack.pop()
            if node["word"] is not None and node["children"]:
                raise ValueError(f"node with both a word and children in tree {sexpression!r}")
            if node["word"] is None and len(node["children"]) != 2:
                raise ValueError(
                    f"internal node with {len(node['children'])} children in tree "
                    f"{sexpression!r}: binary trees need 2"
                )
            left, right = node["children"] or (-1, -1)
            nodes.append((left, right, node["word"], node["label"]))
            if stack:
                stack[-1]["children"].append(len(nodes) - 1)
            elif position != len(items) - 1:
                raise ValueError(f"text after the root of tree {sexpression!r}")
        else:
            stack[-1]["word"] = item
        position += 1
    if stack or not nodes:
        raise ValueError(f"unbalanced brackets in tree {sexpression!r}")
    return nodes


def parse_sexpression(sexpression, vocabulary):
    """Parse one s-expression into a `Tree` with word ids from `vocabulary`.

    Example:
        parse_sexpression("(2 (1 not) (0 bad))", vocabulary)
        # Tree(children=[[-1, -1], [-1, -1], [0, 1]], tokens=[id("not"), id("bad"), -1],
        #      labels=[1, 0, 2])
    """
    return _to_tree(_parse(sexpression), vocabulary)


def _to_tree(nodes, vocabulary):
    children = np.array([(left, right) for left, right, _, _ in nodes], dtype=np.int32)
    tokens = np.array(
        [-1 if word is None else vocabulary.token_to_id(word) for _, _, word, _ in nodes],
        dtype=np.int32,
    )
    labels = np.array([label for _, _, _, label in nodes], dtype=np.int32)
    return Tree(children, tokens, labels)


def _bracketed(nodes):
    """Words with brackets around every internal node, built bottom-up from post-order nodes."""
    spelled = []
    for left, right, word, _ in nodes:
        if word is not None:
            spelled.append([word])
        else:
            spelled.append([OPEN, *spelled[left], *spelled[right], CLOSE])
    return spelled[-1]


def load_trees(split="train", data_dir=None):
    """Load one split of `datasets/trees/trees.tsv` (train: 4,000 trees, test: 1,000).

    Args:
        split: "train" or "test".
        data_dir: folder holding `trees/trees.tsv` (default: the repository's datasets/).

    Returns:
        `TreeData`; widths of `sequences` and `bracketed` and the vocabulary are the same for
        both splits.
    """
    one_of(split, "split", SPLITS)
    table = read_table("trees/trees.tsv", data_dir)
    parsed = [_parse(sexpression) for sexpression in table["tree"]]
    words = [[word for _, _, word, _ in nodes if word is not None] for nodes in parsed]
    bracketed = [_bracketed(nodes) for nodes in parsed]
    vocabulary = Vocabulary([OPEN, CLOSE] + sorted({w for sentence in words for w in sentence}))
    rows = np.flatnonzero(split_mask(table, split))
    trees = [_to_tree(parsed[i], vocabulary) for i in rows]
    return TreeData(
        trees=trees,
        root_labels=np.array([tree.labels[-1] for tree in trees], dtype=np.int32),
        sequences=vocabulary.encode_batch(
            [words[i] for i in rows], max_length=max(map(len, words))
        ),
        sequence_lengths=np.array([len(words[i]) for i in rows], dtype=np.int32),
        bracketed=vocabulary.encode_batch(
            [bracketed[i] for i in rows], max_length=max(map(len, bracketed))
        ),
        bracketed_lengths=np.array([len(bracketed[i]) for i in rows], dtype=np.int32),
        vocabulary=vocabulary,
        label_names=TREE_LABEL_NAMES,
        sexpressions=[table["tree"][i] for i in rows],
        words=[words[i] for i in rows],
        words_only_accuracy=WORDS_ONLY_ACCURACY[split],
    )
