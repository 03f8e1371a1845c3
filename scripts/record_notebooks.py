"""Re-record the stored outputs of notebooks from a fresh kernel, top to bottom, in place.

    python3 course.py record notebooks/05_lstm_gates.ipynb   # one notebook
    python3 course.py record                                  # every numbered notebook

nbval later compares a fresh run against exactly these outputs. A notebook that fails is not
written back, so a broken run never replaces good outputs.
"""

import sys

import nbformat

from notebooks import course_notebooks, execute


def main(paths):
    failures = 0
    for path in course_notebooks(paths):
        notebook, seconds, error = execute(path)
        if error:
            failures += 1
            print(f"FAILED {path.name} after {seconds:.1f} s: {error}")
            continue
        nbformat.write(notebook, path)
        print(f"recorded {path.name} in {seconds:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
