"""Self-check multiple-choice quizzes, one per part of the course: show the questions, check
answers.

    from course_utils import quizzes
    quizzes.show("foundations")                           # the questions, rendered as Markdown
    answers = {1: {"a", "c"}, 2: "b", 3: {"c"}}  # question number -> the option(s) you choose
    result = quizzes.check("foundations", answers)  # prints feedback on every answered question
    bool(result)                                         # True when every question is right

A question has one or more correct options; an answer is right when it chooses exactly those.
Feedback teaches without giving the key away: a right answer gets the explanation of every
option; any other answer gets a score (correct choices minus wrong ones, out of the number of
correct options) and the notebooks to re-read, and no option is marked right or wrong. Ticking
every option, or none, therefore reveals nothing about which options are correct.

The questions, options and explanations are written once, in `course_utils/quizzes/<part>.py`; the
quiz notebooks render them with `show`. A question that corrects an error in the lecture notes
names it in `corrects` (the list is in the README, "Where the course corrects the lecture notes").
"""

import importlib
import textwrap
from dataclasses import dataclass

from course_utils.validation import fail, is_integer, one_of

__all__ = [
    "Option",
    "Question",
    "Part",
    "QuizResult",
    "PART_NAMES",
    "part",
    "render",
    "show",
    "check",
]

PART_NAMES = (
    "foundations",
    "gated_memory",
    "architectures",
    "sequence_to_sequence",
    "applications",
)
RIGHT, WRONG = True, False  # readable flags for the option tuples of the question modules
_WIDTH = 100  # feedback lines are wrapped to this many characters


@dataclass(frozen=True)
class Option:
    """One answer option: its letter, its text, whether it is correct, and why (shown as
    feedback)."""

    letter: str
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    """A question with its options, the notebooks that teach it, and the notes' error it corrects,
    if any."""

    text: str
    options: tuple
    notebooks: tuple = ()
    corrects: str = ""

    @property
    def correct_letters(self):
        return frozenset(option.letter for option in self.options if option.correct)

    def option(self, letter):
        return next(option for option in self.options if option.letter == letter)


@dataclass(frozen=True)
class Part:
    """The quiz of one part of the course."""

    name: str
    title: str
    notebooks: tuple
    questions: tuple


def question(text, *options, notebooks=(), corrects=""):
    """Build a `Question` from option tuples `(letter, RIGHT or WRONG, text, explanation)`."""
    return Question(
        text=text,
        options=tuple(
            Option(letter, option_text, correct, explanation)
            for letter, correct, option_text, explanation in options
        ),
        notebooks=tuple(notebooks),
        corrects=corrects,
    )


def part(name):
    """The `Part` called `name` (one of `PART_NAMES`), loaded from `course_utils.quizzes.<name>`."""
    one_of(name, "quiz", PART_NAMES)
    module = importlib.import_module(f"course_utils.quizzes.{name}")
    return Part(
        name=name,
        title=module.TITLE,
        notebooks=tuple(module.NOTEBOOKS),
        questions=tuple(module.QUESTIONS),
    )


def _notebook_list(numbers_):
    """ "notebook 05" or "notebooks 05, 06"."""
    word = "notebook" if len(numbers_) == 1 else "notebooks"
    return f"{word} " + ", ".join(f"{number:02d}" for number in numbers_)


def render(name):
    """The questions of a quiz as Markdown text (no answers, no explanations)."""
    quiz = part(name)
    lines = [
        f"### {quiz.title} ({_notebook_list(quiz.notebooks)})",
        "",
        f"{len(quiz.questions)} questions. Each has **one or more** correct options: choose all "
        f"that apply.",
        "",
    ]
    for number, item in enumerate(quiz.questions, start=1):
        lines += [f"**{number}.** {item.text} *({_notebook_list(item.notebooks)})*", ""]
        lines += [f"- **{option.letter})** {option.text}" for option in item.options]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def show(name):
    """Display the questions of a quiz: as Markdown in a notebook, as plain text elsewhere."""
    text = render(name)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # IPython is not installed: a plain terminal
        print(text)
        return
    if get_ipython() is None:
        print(text)
    else:
        display(Markdown(text))


def _letters(value, number, item):
    """Normalise one answer to a frozenset of valid letters, or raise ValueError saying what is
    wrong."""
    valid = [option.letter for option in item.options]
    if isinstance(value, str):
        value = {value}
    if not isinstance(value, (set, frozenset, list, tuple)):
        raise ValueError(
            f"the answer to question {number} should be a set of option letters like "
            f"{{'a', 'c'}}, got {type(value).__name__} {value!r}"
        )
    letters = set()
    for letter in value:
        if not isinstance(letter, str):
            raise ValueError(
                f"question {number}: options are letters (strings) like 'a', got {letter!r}"
            )
        cleaned = letter.strip().lower().rstrip(")")
        if cleaned not in valid:
            raise ValueError(f"question {number} has options {', '.join(valid)}; got {letter!r}")
        letters.add(cleaned)
    return frozenset(letters)


def _validate(quiz, answers):
    if not isinstance(answers, dict):
        raise ValueError(
            f"answers should be a dict like {{1: {{'b'}}, 2: {{'a', 'c'}}}}, got "
            f"{type(answers).__name__}"
        )
    count = len(quiz.questions)
    chosen = {}
    for number, value in answers.items():
        if not is_integer(number):
            fail("question number", f"an integer from 1 to {count}", number)
        if not 1 <= number <= count:
            raise ValueError(
                f"question {number} does not exist: the {quiz.name} quiz has questions 1 to {count}"
            )
        letters = _letters(value, int(number), quiz.questions[int(number) - 1])
        if letters:  # an empty set counts as not answered
            chosen[int(number)] = letters
    return chosen


def _wrap(text, indent):
    return textwrap.fill(
        text,
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "    ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def _feedback(number, item, letters):
    """Status and the lines of feedback for one answered question.

    Until the answer is right, no option is marked or explained: the student gets a score (one
    point per correct option chosen, minus one per wrong one) out of the number of correct
    options, and the notebooks to re-read. So ticking every option, or any other guess, shows
    how far off it is but not which options are right.
    """
    correct = item.correct_letters
    if letters == correct:
        lines = [f"Question {number}: right."]
        for option in item.options:
            label = "correct option" if option.correct else "wrong option"
            lines.append(_wrap(f"({option.letter}) {label}: {option.explanation}", "  "))
        return "right", lines
    score = len(letters & correct) - len(letters - correct)
    return "not yet", [
        _wrap(
            f"Question {number}: not yet: score {score} of {len(correct)} (one point for each "
            f"correct option chosen, minus one for each wrong one). Re-read "
            f"{_notebook_list(item.notebooks)}, then try again.",
            "",
        )
    ]


class QuizResult:
    """Outcome of `check`: status per question; truthy when every question is right."""

    def __init__(self, name, statuses):
        self.name = name
        self.statuses = dict(statuses)  # question number -> "right", "not yet", "not answered"
        self.right = sum(status == "right" for status in self.statuses.values())
        self.total = len(self.statuses)

    def __bool__(self):
        return self.right == self.total

    def __repr__(self):
        return f"[quiz {self.name}] {self.right} of {self.total} right"

    def _ipython_display_(self):
        """`check` has already printed the feedback; show nothing more when it ends a notebook
        cell."""


def check(name, answers):
    """Check `answers` (question number -> chosen option letters) to the quiz `name`; print
    feedback.

    Args:
        name: one of `PART_NAMES`, e.g. "foundations".
        answers: dict mapping question numbers (ints from 1) to a set of option letters,
            e.g. `{1: {"b"}, 2: {"a", "c"}}`; a single letter string `"b"` is accepted too.
            Questions left out (or answered with an empty set) count as not answered.

    Returns:
        A `QuizResult`; `bool(result)` is True when every question is right.

    Raises:
        ValueError: unknown quiz name, `answers` not a dict, a question number that does not
            exist, an answer that is not a set of letters, or a letter that is not an option of
            its question.
    """
    quiz = part(name)
    chosen = _validate(quiz, answers)
    statuses, lines = {}, []
    for number, item in enumerate(quiz.questions, start=1):
        if number not in chosen:
            statuses[number] = "not answered"
            continue
        statuses[number], question_lines = _feedback(number, item, chosen[number])
        lines += question_lines + [""]
    counts = {
        status: sum(value == status for value in statuses.values())
        for status in ("right", "not yet", "not answered")
    }
    summary = ", ".join(
        f"{count} {status}" for status, count in counts.items() if count and status != "right"
    )
    header = f"Quiz {quiz.title!r}: {counts['right']} of {len(quiz.questions)} right"
    print(header + (f" ({summary})." if summary else ".") + "\n")
    for line in lines:
        print(line)
    unanswered = [number for number, status in statuses.items() if status == "not answered"]
    if unanswered:
        print(f"Not answered: question {', '.join(map(str, unanswered))}.")
    return QuizResult(quiz.name, statuses)
