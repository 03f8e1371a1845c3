"""Interactive explorers (ipywidgets) for the lessons that beg for a slider.

    core.py        Explorer: controls, a redrawn figure, a message for bad values, a static default
    gradients.py   04: spectral radius ρ → gradient decay
    gates.py       05: a sentence the student types → the LSTM's gate activations
    attention.py   12: an output token → its attention over the input
    beams.py       13: beam width → score and BLEU

Each returns an `Explorer`; `.show()` displays it (see `core.py`).
"""

from course_utils.explore.core import CannotDraw, Explorer  # noqa: F401
from course_utils.explore.gradients import spectral_radius_explorer  # noqa: F401
from course_utils.explore.gates import gate_explorer  # noqa: F401
from course_utils.explore.attention import attention_explorer  # noqa: F401
from course_utils.explore.beams import beam_width_explorer  # noqa: F401
