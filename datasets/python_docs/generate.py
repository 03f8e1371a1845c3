"""Write `python_docs.txt`: CPython's language-reference topics (`pydoc_data.topics`) as one text.

    python3.11 datasets/python_docs/generate.py   # rewrites datasets/python_docs/python_docs.txt

Standard library only. The topics are joined in sorted key order (`assert`, `assignment`,
`async`, ...), one newline between topics. The text differs between Python versions; the committed
file comes from Python 3.11.7, so the course's numbers are the same on every Python. The script
prints the SHA-256 to record in `course_utils/data/common.py` after a deliberate change.
"""
import hashlib
import platform
from pathlib import Path

from pydoc_data.topics import topics

if __name__ == "__main__":
    text = "\n".join(topics[key] for key in sorted(topics))
    path = Path(__file__).resolve().parent / "python_docs.txt"
    path.write_bytes(text.encode("utf-8"))
    print(f"wrote {path} from Python {platform.python_version()}: {len(text):,} characters, "
          f"SHA-256 {hashlib.sha256(text.encode('utf-8')).hexdigest()}")
