"""Auto-checked exercises: `course_utils.check.<exercise>(answer)` prints whether the answer is
right.

A check never reveals the solution. A wrong answer gets a hint (which shape, which gate, which
step was off); a malformed one (wrong type, an exception or an endless loop inside the student's
function) gets a message saying what was expected. Each check returns True or False so that a
notebook can also `assert` on it.

Exercises are grouped by part of the course, one module each; all names are re-exported here.
"""

from course_utils.check.core import CheckResult, call_with_time_limit  # noqa: F401
from course_utils.check.welcome import *  # noqa: E402,F401,F403
from course_utils.check.foundations import *  # noqa: E402,F401,F403
from course_utils.check.architectures import *  # noqa: E402,F401,F403
from course_utils.check.gated_memory import *  # noqa: E402,F401,F403
from course_utils.check.sequence_to_sequence import *  # noqa: E402,F401,F403
from course_utils.check.speech import *  # noqa: E402,F401,F403
from course_utils.check.forecasting import *  # noqa: E402,F401,F403
from course_utils.check.captioning import *  # noqa: E402,F401,F403
from course_utils.check.scaling import *  # noqa: E402,F401,F403
