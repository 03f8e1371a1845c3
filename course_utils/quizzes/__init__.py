"""The quiz questions, one module per part of the course (the engine is `course_utils.quiz`).

Each module defines `TITLE`, `NOTEBOOKS` (the notebooks the part covers) and `QUESTIONS`, a tuple of
`course_utils.quiz.Question`s built with `course_utils.quiz.question(text, *options, notebooks=...)`,
where each option is `(letter, RIGHT or WRONG, text, explanation)`. Explanations say *why* an option
is right or wrong in a sentence or two; the checker shows them as feedback.
"""
