"""Checks for notebook 00: finding your way around the course."""

from course_utils.check.core import integer_answer, report
from course_utils.validation import is_integer

__all__ = ["notebook_for_topic", "dense_parameter_count"]

_TOPIC_NOTEBOOK = {"beam search": 13, "gru": 6, "bptt": 3, "attention": 12, "bidirectional": 8}


def notebook_for_topic(topic, answer):
    """Check which numbered notebook teaches `topic` (one of the keys in the syllabus map)."""
    key = str(topic).lower()
    if key not in _TOPIC_NOTEBOOK:
        raise ValueError(f"unknown topic {topic!r}; expected one of {sorted(_TOPIC_NOTEBOOK)}")
    if not is_integer(answer):
        return report(
            "notebook_for_topic",
            False,
            f"answer with the notebook's number as an int, got {answer!r}",
        )
    if answer == _TOPIC_NOTEBOOK[key]:
        return report("notebook_for_topic", True, f"{topic} is taught in notebook {answer:02d}.")
    return report(
        "notebook_for_topic",
        False,
        f"notebook {answer:02d} is not the one; look at the syllabus map again.",
    )


def dense_parameter_count(inputs, units, answer):
    """Check the number of parameters of a Dense layer with `inputs` features and `units`
    outputs."""
    failed = integer_answer("dense_parameter_count", answer)
    if failed is not None:
        return failed
    expected = inputs * units + units
    if answer == expected:
        return report("dense_parameter_count", True, "weights and biases both counted.")
    if answer == inputs * units:
        return report(
            "dense_parameter_count",
            False,
            "you counted the weight matrix; what else does Dense learn?",
        )
    return report(
        "dense_parameter_count", False, f"{answer} is off; a Dense layer has a kernel and a bias."
    )
