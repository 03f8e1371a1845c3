"""Tests of the exercise checks of notebooks 13-14: right answers pass, wrong ones get a hint."""

import itertools

import pytest

from course_utils.check import sequence_to_sequence as check


def count_outputs_by_enumeration(vocabulary_size, max_length, end_id=0):
    """Distinct outputs: token strings cut at their first <end>, counted by brute force."""
    outputs = set()
    for tokens in itertools.product(range(vocabulary_size), repeat=max_length):
        outputs.add(tokens[: tokens.index(end_id) + 1] if end_id in tokens else tokens)
    return len(outputs)


def test_number_of_outputs_matches_enumeration(capsys):
    for vocabulary_size, max_length in ((4, 3), (3, 4), (5, 2)):
        assert check.number_of_outputs(
            count_outputs_by_enumeration(vocabulary_size, max_length),
            vocabulary_size=vocabulary_size,
            max_length=max_length,
        )
    assert not check.number_of_outputs(64)
    assert "nothing is generated after <end>" in capsys.readouterr().out
    assert not check.number_of_outputs("40")


def test_length_normalised_score(capsys):
    assert check.length_normalised_score(-2.0 / 4**0.6)
    assert not check.length_normalised_score(-2.0)
    assert "raw log-probability" in capsys.readouterr().out
    assert not check.length_normalised_score(-0.5)
    assert check.length_normalised_score(
        -1.0 / 2**0.5, token_log_probs=(-0.5, -0.5), length_penalty=0.5
    )


def test_statements(capsys):
    assert check.beam_search_statements({"A", "E"}) and check.beam_search_statements(["a", "e"])
    assert not check.beam_search_statements({"A", "Z"})
    assert check.transformer_statements({"A", "B", "E"})
    capsys.readouterr()


@pytest.mark.parametrize(
    "statements, wrong_answers",
    [
        (check.beam_search_statements, [set(), {"A"}, {"A", "B", "E"}, {"B", "C", "D"}]),
        (check.transformer_statements, [set(), {"A"}, {"A", "B", "D", "E"}, {"C", "D"}]),
    ],
)
def test_a_wrong_choice_of_statements_does_not_reveal_the_key(capsys, statements, wrong_answers):
    """Every wrong set gets the same message: no count of misjudged letters, no letter named."""
    messages = set()
    for answer in wrong_answers:
        assert not statements(answer)
        messages.add(capsys.readouterr().out.split("] ", 1)[1])
    assert len(messages) == 1


def test_sequential_operations_and_attention_count(capsys):
    assert check.sequential_operations({"rnn": 50, "self_attention": 1})
    assert not check.sequential_operations({"rnn": 49, "self_attention": 1})
    assert "off by one" in capsys.readouterr().out
    assert not check.sequential_operations({"rnn": 50, "self_attention": 50})
    assert not check.sequential_operations([50, 1])
    stack = dict(sequence_length=50, num_layers=3)  # layer l starts one step after layer l - 1
    assert check.sequential_operations({"rnn": 52, "self_attention": 3}, **stack)
    assert not check.sequential_operations({"rnn": 150, "self_attention": 3}, **stack)
    assert not check.sequential_operations({"rnn": 52, "self_attention": 1}, **stack)
    assert check.attention_score_count(4 * 128**2)
    assert not check.attention_score_count(128**2)
    assert "every head" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [None, "0.5", float("nan"), True])
def test_length_normalised_score_refuses_a_non_number_without_a_trace(answer):
    assert not check.length_normalised_score(answer)
