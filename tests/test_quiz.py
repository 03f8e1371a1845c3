"""Tests of the self-check quizzes: the answer keys are consistent, and the checker gives the right
feedback.

The reference for the checker is each question's own key (its options marked correct), read from the
data, never the checker's output.
"""

import re
import string
from pathlib import Path

import pytest

from course_utils import quizzes as quiz
from course_utils.quizzes import core as quiz_core

PARTS = {name: quiz.part(name) for name in quiz.PART_NAMES}
ALL_QUESTIONS = [
    (name, number, item)
    for name, part in PARTS.items()
    for number, item in enumerate(part.questions, start=1)
]
# The errors of the lecture notes listed in the README ("Where the course corrects the lecture
# notes"); each is corrected by a quiz question.
NOTES_ERRORS = {
    "swapped_labels",
    "lstm_equations",
    "leaky_units",
    "layer_norm",
    "sigmoid_not_binary",
    "any_rnn_bidirectional",
    "tanh_range",
    "transformer_gradients",
}


def key(name):
    return {
        number: set(item.correct_letters)
        for number, item in enumerate(PARTS[name].questions, start=1)
    }


def a_wrong_letter(item):
    return next(option.letter for option in item.options if not option.correct)


class TestAnswerKeys:
    def test_five_parts_covering_notebooks_01_to_18_in_order(self):
        assert list(PARTS) == [
            "foundations",
            "gated_memory",
            "architectures",
            "sequence_to_sequence",
            "applications",
        ]
        covered = [number for part in PARTS.values() for number in part.notebooks]
        assert covered == [*range(1, 15), 16, 17, 18]  # 00 and the appendix (19) have none

    @pytest.mark.parametrize("name", quiz.PART_NAMES)
    def test_about_ten_questions_per_part(self, name):
        assert 8 <= len(PARTS[name].questions) <= 12

    @pytest.mark.parametrize("name,number,item", ALL_QUESTIONS, ids=lambda value: str(value)[:20])
    def test_question_is_well_formed(self, name, number, item):
        letters = [option.letter for option in item.options]
        assert letters == list(string.ascii_lowercase[: len(letters)]), (
            f"{name} {number}: letters {letters}"
        )
        assert 3 <= len(letters) <= 6
        assert item.correct_letters, f"{name} {number}: no correct option"
        assert len(item.correct_letters) < len(letters), f"{name} {number}: every option is correct"
        assert item.text.strip() and all(option.text.strip() for option in item.options)
        assert len({option.text for option in item.options}) == len(letters), (
            "option texts must differ"
        )
        for option in item.options:
            assert isinstance(option.correct, bool)
            assert len(option.explanation.strip()) >= 10, (
                f"{name} {number} ({option.letter}): no explanation"
            )
        assert item.notebooks and set(item.notebooks) <= set(PARTS[name].notebooks), (
            f"{name} {number}: notebooks"
        )

    def test_question_texts_are_unique_across_parts(self):
        texts = [item.text for _, _, item in ALL_QUESTIONS]
        assert len(texts) == len(set(texts))

    def test_some_questions_have_several_correct_options_and_some_one(self):
        sizes = [len(item.correct_letters) for _, _, item in ALL_QUESTIONS]
        assert sum(size > 1 for size in sizes) >= 20 and sum(size == 1 for size in sizes) >= 3

    def test_correct_answers_are_spread_over_the_letters(self):
        firsts = [min(item.correct_letters) for _, _, item in ALL_QUESTIONS]
        assert firsts.count("a") < 0.7 * len(firsts), "the key should not be 'always a'"

    def test_every_error_of_the_lecture_notes_is_corrected_by_a_question(self):
        corrected = {item.corrects for _, _, item in ALL_QUESTIONS if item.corrects}
        assert corrected == NOTES_ERRORS

    def test_the_readme_lists_every_correction_of_the_notes(self):
        readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
        section = readme.split("### Where the course corrects the lecture notes")[1].split("\n#")[0]
        assert set(re.findall(r"\(`(\w+)`\)", section)) == NOTES_ERRORS

    @pytest.mark.parametrize("name", quiz.PART_NAMES)
    def test_render_shows_every_question_and_option_but_no_explanation(self, name):
        text = quiz.render(name)
        for item in PARTS[name].questions:
            assert item.text in text
            for option in item.options:
                assert f"**{option.letter})** {option.text}" in text
                assert option.explanation not in text
        assert "correct option:" not in text and "right choice" not in text and "RIGHT" not in text

    def test_show_prints_plain_text_outside_ipython(self, capsys):
        quiz.show("architectures")
        assert capsys.readouterr().out.strip() == quiz.render("architectures").strip()


class TestCheckFeedback:
    @pytest.mark.parametrize("name", quiz.PART_NAMES)
    def test_the_key_scores_full_marks(self, name, capsys):
        result = quiz.check(name, key(name))
        out = " ".join(capsys.readouterr().out.split())
        total = len(PARTS[name].questions)
        assert bool(result) and result.right == total == result.total
        assert f"{total} of {total} right." in out
        for item in PARTS[name].questions:  # a right answer explains every option
            for option in item.options:
                assert " ".join(option.explanation.split()) in out

    def test_right_answer_explains_every_option(self, capsys):
        item = PARTS["foundations"].questions[0]
        quiz.check("foundations", {1: set(item.correct_letters)})
        out = " ".join(capsys.readouterr().out.split())
        assert "Question 1: right." in out
        for option in item.options:
            assert " ".join(option.explanation.split()) in out

    def test_partly_right_answer_gets_a_score_but_no_option_is_named(self, capsys):
        number, item = next(
            (n, q)
            for n, q in enumerate(PARTS["gated_memory"].questions, 1)
            if len(q.correct_letters) >= 2
        )
        chosen = sorted(item.correct_letters)[0]
        result = quiz.check("gated_memory", {number: {chosen}})
        out = " ".join(capsys.readouterr().out.split())
        assert result.statuses[number] == "not yet" and not result
        assert f"Question {number}: not yet: score 1 of {len(item.correct_letters)}" in out
        assert "Re-read notebook" in out
        for option in item.options:  # not even the chosen, correct one is confirmed
            assert " ".join(option.explanation.split()) not in out
            assert f"({option.letter})" not in out

    def test_wrong_answer_gets_a_score_below_zero_and_no_explanation(self, capsys):
        item = PARTS["sequence_to_sequence"].questions[2]
        wrong = a_wrong_letter(item)
        result = quiz.check("sequence_to_sequence", {3: wrong})
        out = " ".join(capsys.readouterr().out.split())
        assert result.statuses[3] == "not yet"
        assert f"Question 3: not yet: score -1 of {len(item.correct_letters)}" in out
        for option in item.options:
            assert " ".join(option.explanation.split()) not in out

    @pytest.mark.parametrize("name", quiz.PART_NAMES)
    def test_ticking_every_option_or_none_reveals_nothing_about_the_key(self, name, capsys):
        for number, item in enumerate(PARTS[name].questions, 1):
            everything = {option.letter for option in item.options}
            quiz.check(name, {number: everything})
            out = capsys.readouterr().out
            if item.correct_letters == everything:
                continue  # then ticking all is simply the right answer
            for option in item.options:
                assert " ".join(option.explanation.split()) not in " ".join(out.split())
                assert f"({option.letter})" not in out
            # The feedback is the same for any key with as many correct options: it can only
            # tell how many options are correct, not which.
            letters = [option.letter for option in item.options]
            count = len(item.correct_letters)
            for shift in range(1, len(letters)):
                other_key = set((letters[shift:] + letters[:shift])[:count])
                other = quiz_core.Question(
                    item.text,
                    tuple(
                        quiz_core.Option(o.letter, o.text, o.letter in other_key, o.explanation)
                        for o in item.options
                    ),
                    item.notebooks,
                )
                assert quiz_core._feedback(number, other, frozenset(everything)) == (
                    quiz_core._feedback(number, item, frozenset(everything))
                )
            quiz.check(name, {number: set()})
            assert "Not answered" in capsys.readouterr().out

    def test_unanswered_and_empty_answers_count_as_not_answered(self, capsys):
        result = quiz.check("foundations", {2: set(), 3: set()})
        out = capsys.readouterr().out
        assert result.right == 0 and set(result.statuses.values()) == {"not answered"}
        assert "Not answered: question 1, 2, 3" in out

    def test_letters_are_accepted_as_a_string_list_tuple_or_set_in_any_case(self, capsys):
        number, item = next(
            (n, q)
            for n, q in enumerate(PARTS["foundations"].questions, 1)
            if len(q.correct_letters) == 1
        )
        (letter,) = item.correct_letters
        for answer in (letter, letter.upper(), [letter], (f"{letter})",), frozenset({letter})):
            assert quiz.check("foundations", {number: answer}).statuses[number] == "right"
        capsys.readouterr()

    def test_result_displays_nothing_more_in_a_notebook(self, capsys):
        result = quiz.check("foundations", {})
        capsys.readouterr()
        assert result._ipython_display_() is None
        assert re.fullmatch(r"\[quiz foundations\] 0 of \d+ right", repr(result))


class TestMalformedAnswers:
    @pytest.mark.parametrize(
        "answers,message",
        [
            ([{"a"}], "answers should be a dict"),
            ("a", "answers should be a dict"),
            ({99: {"a"}}, "question 99 does not exist: the foundations quiz has questions 1 to 12"),
            ({0: {"a"}}, "question 0 does not exist"),
            ({"1": {"a"}}, "`question number` must be an integer from 1 to 12, got '1'"),
            ({True: {"a"}}, "`question number` must be an integer from 1 to 12, got True"),
            ({1: {"z"}}, "question 1 has options a, b, c, d; got 'z'"),
            ({1: "ab"}, "question 1 has options a, b, c, d; got 'ab'"),
            ({1: 2}, "should be a set of option letters like {'a', 'c'}, got int 2"),
            ({1: {1}}, "options are letters"),
            ({1: None}, "got NoneType None"),
        ],
    )
    def test_raises_a_clear_value_error(self, answers, message, capsys):
        with pytest.raises(ValueError, match=re.escape(message)):
            quiz.check("foundations", answers)
        assert capsys.readouterr().out == "", "nothing is printed before the answers are validated"

    @pytest.mark.parametrize(
        "call", [quiz.check, lambda name, *_: quiz.render(name), lambda name, *_: quiz.part(name)]
    )
    def test_unknown_quiz_name(self, call):
        with pytest.raises(
            ValueError,
            match="`quiz` must be one of 'foundations', 'gated_memory', "
            "'architectures', "
            "'sequence_to_sequence', 'applications', got 'recurrent'$",
        ):
            call("recurrent", {})
