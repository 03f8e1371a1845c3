"""Every data card names the notebooks that use its data set and loaders that exist, truthfully."""

import re
from pathlib import Path

import pytest

import course_utils.data

ROOT = Path(__file__).resolve().parents[1]
CARDS = sorted((ROOT / "datasets").glob("*/README.md"))


def used_in(card):
    """The notebook numbers and `course_utils.data` names of a card's "Used in" paragraph."""
    paragraph = card.read_text(encoding="utf-8").split("\n\n")[1]
    assert paragraph.startswith("**Used in**"), (
        f"{card}: the second paragraph says where it is used"
    )
    sentence = paragraph.split("**Loader")[0].split("**Makers")[0]
    numbers = {int(n) for n in re.findall(r"(?<![\w.])(\d\d)(?![\w.])", sentence)}
    names = set(re.findall(r"course_utils\.data\.(\w+)", paragraph))
    names |= set(re.findall(r"`(make_\w+|load_\w+)`", paragraph))
    return numbers, names


def notebook_source(number):
    (path,) = (ROOT / "notebooks").glob(f"{number:02d}_*.ipynb")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.parent.name)
def test_the_card_names_the_notebooks_that_use_the_data_and_only_those(card):
    numbers, names = used_in(card)
    assert numbers and names
    for name in names:
        assert hasattr(course_utils.data, name), f"{card}: course_utils.data has no {name}"
    users = {
        int(path.name[:2])
        for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
        if any(re.search(rf"\b{name}\b", path.read_text(encoding="utf-8")) for name in names)
    }
    assert users == numbers, f"{card}: says notebooks {sorted(numbers)}, used in {sorted(users)}"
