"""Self-check quizzes, one per part of the course: `show(part)` renders them, `check(part, answers)`
gives feedback that teaches without revealing the key.

The engine is `core.py`; the questions are written once, one module per part (`foundations.py`,
`gated_memory.py`, `architectures.py`, `sequence_to_sequence.py`, `applications.py`). Each part
module defines `TITLE`, `NOTEBOOKS` (the notebooks the part covers) and `QUESTIONS`, a tuple of
`Question`s built with `question(text, *options, notebooks=...)`, where each option is
`(letter, RIGHT or WRONG, text, explanation)`. Explanations say *why* an option is right or
wrong in a sentence or two.
"""

from course_utils.quizzes.core import (
    PART_NAMES,
    RIGHT,
    WRONG,
    Question,
    QuizResult,
    check,  # noqa: F401
    part,
    question,
    render,
    show,
)
