"""Tests for the data sets: generators, checksums, loaders (course_utils.data / .datasets)."""

import datetime
import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from course_utils.data import common, text
from course_utils.data import (
    CHECKSUMS,
    load_agreement,
    load_dates,
    load_number_words,
    load_python_docs,
    load_tagging,
    load_trees,
    make_adding_problem,
    make_copy_task,
    make_delayed_recall,
    parse_sexpression,
)
from course_utils.data.vocabulary import Vocabulary

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ["agreement", "dates", "number_words", "tagging", "trees"]
FILES = {name: next(key for key in CHECKSUMS if key.startswith(name + "/")) for name in GENERATED}


def generator(name):
    """Import datasets/<name>/generate.py as a module (the one copy of the generation logic)."""
    spec = importlib.util.spec_from_file_location(
        f"generate_{name}", ROOT / "datasets" / name / "generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestGenerators:
    @pytest.mark.parametrize("name", GENERATED)
    def test_seed_reproduces_the_committed_file_quickly(self, name):
        module = generator(name)
        start = time.perf_counter()
        data = module.generate(module.SEED).encode("utf-8")
        assert time.perf_counter() - start < 20
        assert hashlib.sha256(data).hexdigest() == CHECKSUMS[FILES[name]]
        assert data == (ROOT / "datasets" / FILES[name]).read_bytes()
        assert len(data) < 600_000

    @pytest.mark.parametrize("name", GENERATED)
    def test_same_seed_same_bytes_other_seed_other_bytes(self, name):
        module = generator(name)
        assert module.generate(7) == module.generate(7)
        assert module.generate(7) != module.generate(module.SEED)

    @pytest.mark.parametrize("name", ["dates", "tagging"])
    def test_script_writes_the_file(self, name, tmp_path):
        output = tmp_path / "out.tsv"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "datasets" / name / "generate.py"),
                "--output",
                str(output),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        assert output.read_bytes() == (ROOT / "datasets" / FILES[name]).read_bytes()


class TestChecksums:
    def copy_data(self, tmp_path, name):
        (tmp_path / name).mkdir()
        shutil.copy(ROOT / "datasets" / FILES[name], tmp_path / FILES[name])
        return tmp_path / FILES[name]

    def test_copy_in_another_folder_loads(self, tmp_path):
        self.copy_data(tmp_path, "dates")
        assert load_dates("test", data_dir=tmp_path).encoder_inputs.shape == (1000, 28)

    @pytest.mark.parametrize(
        "name, loader",
        [
            ("dates", load_dates),
            ("tagging", load_tagging),
            ("trees", load_trees),
            ("agreement", load_agreement),
            ("number_words", load_number_words),
        ],
    )
    def test_corrupted_byte_names_file_and_command(self, tmp_path, name, loader):
        path = self.copy_data(tmp_path, name)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 1
        path.write_bytes(bytes(data))
        with pytest.raises(ValueError, match=re.escape(str(path))) as error:
            loader(data_dir=tmp_path)
        assert f"python datasets/{name}/generate.py" in str(error.value)
        assert "SHA-256" in str(error.value)

    def test_missing_file_names_file_and_command(self, tmp_path):
        with pytest.raises(ValueError, match="missing") as error:
            load_trees(data_dir=tmp_path)
        assert str(tmp_path / "trees" / "trees.tsv") in str(error.value)
        assert "python datasets/trees/generate.py" in str(error.value)

    def test_environment_variable_moves_the_data_root(self, tmp_path, monkeypatch):
        monkeypatch.setenv(common.DATA_DIR_VARIABLE, str(tmp_path))
        assert common.data_root() == tmp_path
        with pytest.raises(ValueError, match="missing"):
            load_tagging()

    @pytest.mark.parametrize(
        "loader",
        [
            load_dates,
            load_tagging,
            load_trees,
            load_agreement,
            lambda split: load_number_words(split=split),
            lambda split: load_python_docs(10, split=split),
        ],
    )
    def test_unknown_split_is_named(self, loader):
        with pytest.raises(
            ValueError, match="`split` must be one of 'train', 'test', got 'validation'$"
        ):
            loader(split="validation")


class TestPythonDocs:
    def test_windows_and_vocabulary(self):
        corpus = load_python_docs(sequence_length=50, max_characters=10_001)
        assert len(corpus.text) == 10_001
        assert corpus.inputs.shape == corpus.targets.shape == (200, 50)
        assert len(corpus.vocabulary) == 104
        np.testing.assert_array_equal(corpus.inputs[:, 1:], corpus.targets[:, :-1])
        np.testing.assert_array_equal(corpus.inputs[1:, 0], corpus.targets[:-1, -1])
        assert corpus.vocabulary.decode_text(corpus.inputs[0]) == corpus.text[:50]

    def test_text_is_the_committed_copy_and_splits_partition_it(self):
        full = text.python_docs_text()
        assert hashlib.sha256(full.encode()).hexdigest() == CHECKSUMS["python_docs/python_docs.txt"]
        assert len(full) == 465_048 and full.startswith('The "assert" statement')
        train = load_python_docs(100).text
        test = load_python_docs(100, split="test").text
        assert train + test == full
        assert len(test) == pytest.approx(0.1 * len(full), abs=1)

    @pytest.mark.skipif(sys.version_info[:3] != (3, 11, 7), reason="the copy was taken from 3.11.7")
    def test_copy_equals_the_topics_of_python_3_11_7(self):
        from pydoc_data.topics import topics

        assert text.python_docs_text() == "\n".join(topics[key] for key in sorted(topics))

    def test_edited_copy_is_refused_with_the_fix(self, tmp_path):
        (tmp_path / "python_docs").mkdir()
        (tmp_path / "python_docs" / "python_docs.txt").write_text("edited", encoding="utf-8")
        with pytest.raises(ValueError, match=r"python_docs\.txt has SHA-256 .*generate\.py"):
            load_python_docs(100, data_dir=tmp_path)

    @pytest.mark.parametrize(
        "kwargs, named",
        [
            ({"sequence_length": 0}, "`sequence_length` must be an integer >= 1, got 0$"),
            ({"max_characters": 1}, "`max_characters` must be None or an integer >= 2, got 1$"),
            ({"step": -3}, "`step` must be None or an integer >= 1, got -3$"),
            ({"test_fraction": 1.5}, r"`test_fraction` must be a number in \(0, 1\), got 1.5$"),
            ({"test_fraction": True}, r"`test_fraction` must be a number in \(0, 1\), got True$"),
        ],
    )
    def test_bad_arguments_are_named(self, kwargs, named):
        with pytest.raises(ValueError, match=named):
            load_python_docs(**{"sequence_length": 10, **kwargs})


class TestAgreement:
    def test_balance_matches_the_card(self):
        for split, total in (("train", 2400), ("test", 600)):
            data = load_agreement(split)
            assert len(data.stories) == total
            np.testing.assert_array_equal(np.bincount(data.labels), [total // 3] * 3)
            assert data.shifted.sum() == total // 2
            assert data.distances.min() >= 14 and data.distances.max() <= 115

    def test_labels_candidates_and_prefixes_agree_with_the_stories(self):
        data = load_agreement("test", sequence_length=64)
        for i in range(0, 600, 7):
            story, start = data.stories[i], data.pronoun_starts[i]
            right = data.candidates[i][data.labels[i]]
            assert story[start:].startswith(right + " ")
            assert right.split()[0].lower() == data.label_names[data.labels[i]]
            assert data.vocabulary.decode_text(data.prefixes[i]) == story[:start]
            assert story.endswith(".")
        assert data.prefixes.shape[1] == load_agreement("train").prefixes.shape[1]
        assert data.inputs.shape[1] == 64
        np.testing.assert_array_equal(data.inputs[:, 1:], data.targets[:, :-1])
        assert data.text.startswith(data.stories[0] + "\n" + data.stories[1] + "\n")

    def test_verb_agrees_with_the_pronoun(self):
        data = load_agreement("train")
        plural_verbs = {"speak", "study", "like", "play", "have", "are"}
        for candidates in data.candidates[:300]:
            he, she, they = (c.split() for c in candidates)
            assert he[1] == she[1] and he[1] not in plural_verbs and they[1] in plural_verbs

    def test_notes_example_shape_occurs(self):
        stories = load_agreement("train").stories
        pattern = (
            r"[A-Z][a-z]+ \w+ (at|in) \w+\. (His|Her) (sister|brother) \w+ (at|in) \w+\. "
            r"(He|She) \w+ [\w ]+\.$"
        )  # "Saman studies at UOM. His sister ..."
        assert sum(bool(re.match(pattern, story)) for story in stories) >= 1
        vocabulary = load_agreement("test").vocabulary  # the notes' sentences encode as-is
        for sentence in (
            "Saman studies at UOM. His sister studies at UOC. She studies law.",
            "Dan grew up in France. He speaks fluent French.",
        ):
            assert vocabulary.decode_text(vocabulary.encode(sentence)) == sentence


# Hand-written references, not produced by the generator.
NUMBER_REFERENCES = {
    0: ("zero", "null"),
    1: ("one", "eins"),
    17: ("seventeen", "siebzehn"),
    21: ("twenty-one", "ein und zwanzig"),
    42: ("forty-two", "zwei und vierzig"),
    70: ("seventy", "siebzig"),
    100: ("one hundred", "ein hundert"),
    101: ("one hundred and one", "ein hundert eins"),
    342: ("three hundred and forty-two", "drei hundert zwei und vierzig"),
    1001: ("one thousand and one", "ein tausend eins"),
    21000: ("twenty-one thousand", "ein und zwanzig tausend"),
    999999: (
        "nine hundred and ninety-nine thousand nine hundred and ninety-nine",
        "neun hundert neun und neunzig tausend neun hundert neun und neunzig",
    ),
    305030: ("three hundred and five thousand and thirty", "drei hundert fünf tausend dreißig"),
}


class TestNumberWords:
    def test_spelling_matches_hand_written_references(self):
        module = generator("number_words")
        for number, (english, german) in NUMBER_REFERENCES.items():
            assert module.english(number) == english
            assert module.german(number) == german

    def test_arrays_and_framing(self):
        data = load_number_words("english", "german", "train")
        assert data.encoder_inputs.shape == (3250, 13) and data.decoder_inputs.shape == (3250, 12)
        index = data.sources.index("four hundred and forty-three")
        assert data.source_tokens[index] == ["four", "hundred", "and", "forty", "-", "three"]
        assert data.input_lengths[index] == 6
        start, end = data.target_vocabulary.start_id, data.target_vocabulary.end_id
        assert data.decoder_inputs[index, 0] == start
        np.testing.assert_array_equal(
            data.decoder_inputs[:, 1:] != 0,
            (data.decoder_targets[:, :-1] != 0) & (data.decoder_targets[:, :-1] != end),
        )
        assert (
            data.target_vocabulary.decode_text(
                data.decoder_targets[index], separator=data.target_separator
            )
            == "vier hundert drei und vierzig"
        )
        np.testing.assert_array_equal(data.input_lengths, (data.encoder_inputs != 0).sum(1))
        np.testing.assert_array_equal(data.target_lengths, (data.decoder_targets != 0).sum(1))

    def test_splits_are_disjoint_and_balanced(self):
        train = load_number_words("digits", "english", "train")
        test = load_number_words("digits", "english", "test")
        assert not set(train.sources) & set(test.sources)
        assert set(map(int, train.sources)) >= set(range(100))
        assert {g: test.groups.count(g) for g in set(test.groups)} == {
            "3": 150,
            "4": 150,
            "5": 150,
            "6": 150,
        }
        assert train.source_vocabulary == test.source_vocabulary
        assert train.encoder_inputs.shape[1] == test.encoder_inputs.shape[1] == 6
        assert len(train.source_vocabulary) == 3 + 10

    @pytest.mark.parametrize(
        "source, target, match",
        [
            (
                "french",
                "digits",
                "`source` must be one of 'digits', 'english', 'german', got 'french'",
            ),
            (
                "digits",
                "klingon",
                "`target` must be one of 'digits', 'english', 'german', got 'klingon'$",
            ),
            ("german", "german", "both 'german'"),
        ],
    )
    def test_bad_languages_are_named(self, source, target, match):
        with pytest.raises(ValueError, match=match):
            load_number_words(source, target)


def parse_date(source, fmt):
    """Independent reference: datetime.strptime with a pattern per format (C locale names)."""
    cleaned = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", source)
    patterns = {
        "d_month_y": "%d %B %Y",
        "dd_mon_y": "%d %b %Y",
        "month_d_y": "%B %d, %Y",
        "mon_d_y": "%b %d, %Y",
        "mon_dot_d_y": "%b. %d, %Y",
        "ordinal_of_month_y": "%d of %B %Y",
        "month_ordinal_y": "%B %d, %Y",
        "weekday_d_month_y": "%A, %d %B %Y",
        "wkd_mon_d_y": "%a, %b %d, %Y",
        "dotted_dmy": "%d.%m.%Y",
        "slashed_ymd": "%Y/%m/%d",
        "iso": "%Y-%m-%d",
        "compact_ymd": "%Y%m%d",
        "d_mon_y_dashed": "%d-%b-%Y",
        "upper_month_d_y": "%B %d %Y",
        "lower_d_month_y": "%d %B %Y",
    }
    return datetime.datetime.strptime(cleaned, patterns[fmt]).date()


class TestDates:
    def test_every_source_means_its_target(self):
        for split in ("train", "test"):
            data = load_dates(split)
            for source, target, fmt in zip(data.sources, data.targets, data.groups):
                date = parse_date(source, fmt)
                assert date.isoformat() == target
                if fmt.startswith("w"):
                    assert source.startswith(date.strftime("%A")[:3])

    def test_arrays_splits_and_formats(self):
        train, test = load_dates("train"), load_dates("test")
        assert train.encoder_inputs.shape == (6000, 28) and test.encoder_inputs.shape == (1000, 28)
        assert train.decoder_targets.shape == (6000, 11)
        assert not set(train.targets) & set(test.targets)
        assert len(set(train.groups)) == 16
        assert set(train.target_vocabulary.tokens[3:]) == set("0123456789-")
        assert train.source_vocabulary.decode_text(train.encoder_inputs[0]) == train.sources[0]
        assert train.target_vocabulary.decode_text(train.decoder_inputs[0]) == train.targets[0]


class TestTagging:
    def test_tags_follow_the_next_marker(self):
        data = load_tagging("test")
        names = {"!": "E", "?": "Q"}
        for sequence, tags in zip(data.texts, data.tags):
            expected, pending = [], None
            for token in reversed(sequence):  # brute force, right to left
                pending = names.get(token, pending)
                expected.append("M" if token in names else pending)
            assert "".join(data.tag_names[t] for t in tags) == "".join(reversed(expected))

    def test_shapes_balance_and_bound_match_the_card(self):
        train, test = load_tagging("train"), load_tagging("test")
        assert train.tokens.shape == train.tags.shape == (4000, 20)
        assert test.tokens.shape == (1000, 20) and len(train.vocabulary) == 23
        np.testing.assert_array_equal(np.bincount(train.tags.ravel()), [20055, 30199, 29746])
        assert round(train.left_to_right_bound, 4) == 0.6253
        assert round(test.left_to_right_bound, 4) == 0.6256
        assert round(train.majority_accuracy, 4) == 0.3775
        assert train.vocabulary.decode_text(train.tokens[0]) == train.texts[0]


def evaluate(tree, vocabulary, node):
    """Reference evaluator of the composition rules, recursive from the root."""
    left, right = tree.children[node]
    if left < 0:
        word = vocabulary.tokens[tree.tokens[node]]
        return (
            2
            if word in {"good", "great", "fun", "clever", "charming", "moving"}
            else 0
            if word in {"bad", "dull", "awful", "boring", "clumsy", "silly"}
            else 1
        )
    left_label, right_label = evaluate(tree, vocabulary, left), evaluate(tree, vocabulary, right)
    if tree.children[left][0] < 0 and vocabulary.tokens[tree.tokens[left]] == "not":
        return 2 - right_label
    return left_label if right_label == 1 else right_label


class TestTrees:
    def test_format_children_before_parents_root_last(self):
        data = load_trees("test")
        for tree, words in zip(data.trees, data.words):
            n = len(tree.labels)
            assert tree.children.shape == (n, 2) and tree.tokens.shape == (n,)
            leaves = tree.children[:, 0] < 0
            assert np.all((tree.tokens >= 0) == leaves) and np.all(tree.tokens[~leaves] == -1)
            for node in np.flatnonzero(~leaves):
                assert np.all(tree.children[node] < node)
            children = tree.children[~leaves].ravel()
            assert sorted(children) == list(range(n - 1))  # every node but the root once
            assert [data.vocabulary.tokens[t] for t in tree.tokens[leaves]] == words

    def test_words_only_accuracy_is_what_the_generator_computes(self):
        """The bound notebook 10 compares against, recomputed by the generator's dynamic
        programme."""
        module = generator("trees")
        text = (ROOT / "datasets" / FILES["trees"]).read_text(encoding="utf-8")
        for line in module.summary(text).splitlines():
            split = line.split(":")[0]
            measured = float(line.rsplit(" ", 1)[-1])
            assert load_trees(split).words_only_accuracy == pytest.approx(measured, abs=5e-5), line

    def test_every_label_follows_the_rules(self):
        data = load_trees("test")
        for tree in data.trees[:400]:
            for node in range(len(tree.labels)):
                assert tree.labels[node] == evaluate(tree, data.vocabulary, node)

    def test_sequences_and_balance(self):
        train, test = load_trees("train"), load_trees("test")
        np.testing.assert_array_equal(np.bincount(train.root_labels, minlength=3), [2000, 0, 2000])
        np.testing.assert_array_equal(np.bincount(test.root_labels, minlength=3), [500, 0, 500])
        assert train.sequences.shape == (4000, 10) and test.sequences.shape == (1000, 10)
        assert train.bracketed.shape[1] == test.bracketed.shape[1]
        assert train.vocabulary.decode(train.sequences[5]) == train.words[5]
        np.testing.assert_array_equal(train.sequence_lengths, (train.sequences != 0).sum(1))
        for i in range(0, 4000, 97):
            spelled = train.vocabulary.decode_text(train.bracketed[i], separator=" ")
            reference = re.sub(r"\(\d ([^()\s]+)\)", r"\1", train.sexpressions[i])  # leaves
            reference = re.sub(r"\(\d ", "( ", reference).replace(")", " ) ")  # labels
            assert spelled.split() == reference.split()

    def test_same_words_different_structure_different_label(self):
        vocabulary = load_trees("test").vocabulary
        one = parse_sexpression("(0 (0 (1 not) (2 good)) (0 dull))", vocabulary)
        two = parse_sexpression("(2 (1 not) (0 (2 good) (0 dull)))", vocabulary)
        assert (one.labels[-1], two.labels[-1]) == (0, 2)
        np.testing.assert_array_equal(one.tokens[one.tokens >= 0], two.tokens[two.tokens >= 0])
        for tree in (one, two):
            assert [evaluate(tree, vocabulary, n) for n in range(5)] == list(tree.labels)

    @pytest.mark.parametrize(
        "bad", ["(2 (1 not) (0 bad)", "(2 (1 not))", "(7 good)", "(2 good) (1 film)"]
    )
    def test_malformed_trees_are_rejected(self, bad):
        with pytest.raises(ValueError, match="tree"):
            parse_sexpression(bad, Vocabulary(["not", "bad", "good", "film"]))


class TestLongMemory:
    def test_delayed_recall_inputs_encode_the_target(self):
        task = make_delayed_recall(300, 40, seed=3)
        assert task.inputs.shape == (300, 40, 9) and task.inputs.dtype == np.float32
        symbols = task.inputs.argmax(-1)
        np.testing.assert_array_equal(task.inputs.sum(-1), 1.0)
        positions = 39 - task.lags
        np.testing.assert_array_equal(symbols[np.arange(300), positions], task.targets)
        assert np.all(symbols[:, -1] == 8)
        is_class = symbols[:, :-1] < 4
        np.testing.assert_array_equal(is_class.sum(1), 1)  # exactly one class symbol
        assert task.lags.min() >= 1 and task.lags.max() <= 39
        np.testing.assert_array_equal(np.bincount(task.targets), [75, 75, 75, 75])
        assert task.chance == 0.25 and task.metric == "accuracy"

    def test_fixed_lag(self):
        task = make_delayed_recall(10, 25, seed=0, variable_lag=False)
        np.testing.assert_array_equal(task.inputs[:, 0].argmax(-1), task.targets)
        assert np.all(task.lags == 24)

    def test_ordered_recall_asks_for_the_symbol_at_the_queried_place(self):
        from course_utils.data.long_memory import make_ordered_recall

        task = make_ordered_recall(400, 30, seed=3, num_symbols=2)
        assert task.inputs.shape == (400, 30, 10) and task.inputs.dtype == np.float32
        np.testing.assert_array_equal(task.inputs.sum(-1), 1.0)
        ids = task.inputs.argmax(-1)
        asked = ids[:, -1] - 8  # query markers 8 (the first symbol) and 9 (the second)
        assert set(asked) == {0, 1}
        for row in range(400):
            steps = np.flatnonzero(ids[row, :-1] < 4)
            assert len(steps) == 2  # two class symbols, in order of their steps
            assert ids[row, steps[asked[row]]] == task.targets[row]
            assert task.lags[row] == 29 - steps[asked[row]]
        np.testing.assert_array_equal(np.bincount(task.targets), [100] * 4)
        again = make_ordered_recall(400, 30, seed=3, num_symbols=2)
        assert again.inputs.tobytes() == task.inputs.tobytes()
        assert task.chance == 0.25 and task.name == "ordered_recall"
        with pytest.raises(ValueError, match="`length` must be an integer >= 3, got 2$"):
            make_ordered_recall(4, 2, num_symbols=2)

    def test_adding_problem_targets_are_the_marked_sums(self):
        task = make_adding_problem(200, 30, seed=1)
        values, markers = task.inputs[..., 0], task.inputs[..., 1]
        np.testing.assert_array_equal(markers[:, :15].sum(1), 1)
        np.testing.assert_array_equal(markers[:, 15:].sum(1), 1)
        np.testing.assert_allclose(task.targets, (values * markers).sum(1), rtol=1e-6)
        assert task.chance == pytest.approx(1 / 6) and task.metric == "mse"
        big = make_adding_problem(20000, 4, seed=0)
        assert np.mean((big.targets - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.01)

    def test_copy_task_layout(self):
        task = make_copy_task(50, 20, seed=2, num_symbols=8, copy_length=5)
        ids = task.inputs.argmax(-1)
        assert task.inputs.shape == (50, 20, 10) and task.targets.shape == (50, 5)
        np.testing.assert_array_equal(ids[:, :5], task.targets)
        assert np.all(ids[:, 14] == 9) and np.all(ids[:, 5:14] == 8) and np.all(ids[:, 15:] == 8)

    @pytest.mark.parametrize("maker", [make_delayed_recall, make_adding_problem, make_copy_task])
    def test_same_seed_same_arrays(self, maker):
        one, two, other = maker(64, 30, seed=5), maker(64, 30, seed=5), maker(64, 30, seed=6)
        assert one.inputs.tobytes() == two.inputs.tobytes()
        assert one.targets.tobytes() == two.targets.tobytes()
        assert one.inputs.tobytes() != other.inputs.tobytes()

    @pytest.mark.parametrize("maker", [make_delayed_recall, make_adding_problem, make_copy_task])
    @pytest.mark.parametrize(
        "num_samples, length, named",
        [
            (0, 30, "`num_samples` must be an integer >= 1, got 0$"),
            (8, 1, "`length` must be an integer >= {minimum_length}, got 1$"),
            (8, -4, "`length` must be an integer >= {minimum_length}, got -4$"),
            (2.5, 30, "`num_samples` must be an integer >= 1, got 2.5$"),
        ],
    )
    def test_bad_sizes_are_named(self, maker, num_samples, length, named):
        minimum_length = 2 * 5 + 1 if maker is make_copy_task else 2  # 5 symbols to copy, delimiter
        with pytest.raises(ValueError, match=named.format(minimum_length=minimum_length)):
            maker(num_samples, length)

    def test_copy_task_too_short_for_its_symbols(self):
        with pytest.raises(ValueError, match="`length` must be an integer >= 11, got 10$"):
            make_copy_task(4, 10, copy_length=5)


def test_package_reexports_the_loaders():
    import course_utils

    for name in (
        "load_agreement",
        "load_python_docs",
        "load_number_words",
        "load_dates",
        "load_tagging",
        "load_trees",
        "make_adding_problem",
        "make_copy_task",
        "make_delayed_recall",
        "Vocabulary",
    ):
        assert hasattr(course_utils, name), name


def test_trees_pass_the_tree_module_validation():
    trees_module = pytest.importorskip("course_utils.layers.trees")
    data = load_trees("test")
    for tree in data.trees[:200]:
        trees_module.validate_tree(tree.children, tree.tokens, len(data.vocabulary))
    batch = trees_module.batch_trees(data.trees[:8])
    assert batch["tokens"].shape[0] == 8
