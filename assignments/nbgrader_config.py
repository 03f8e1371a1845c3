"""nbgrader configuration of the course's graded assignments.

Run every nbgrader command from this folder (`cd assignments`), which is the nbgrader course
directory: `source/` holds the solution notebooks, `release/` the generated student versions
(committed), and `submitted/`, `autograded/`, `feedback/` and `gradebook.db` are created locally
when grading (ignored by git). See README.md next to this file.
"""
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "rnn-course"

# What replaces a solution region in the student version (nbgrader's default, spelled out).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding runs each notebook in a fresh kernel; each assignment, training included, grades in
# under 2 minutes on 2 cores.
c.Execute.timeout = 90  # seconds per cell: a cell that hangs gets 0 for its task, the others run on
