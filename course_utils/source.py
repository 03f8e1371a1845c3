"""Show the package's own source in a notebook, so that code is written once and read everywhere."""

import inspect


def show_source(obj):
    """Display the source of a class, function or method from `course_utils` as a code block.

    Notebooks call this instead of pasting code, so the text a student reads is the code that runs.

    Args:
        obj: a class, function or method (not an instance).

    Returns:
        None; in a notebook the source is rendered as Markdown, elsewhere it is printed.
    """
    if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj)):
        raise TypeError(
            f"show_source expects a class, function or method, got {type(obj).__name__}"
        )
    source = inspect.getsource(obj)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = lambda: None  # noqa: E731
    if get_ipython() is None:  # plain Python: print it
        print(source)
        return
    display(Markdown(f"```python\n{source}```"))
