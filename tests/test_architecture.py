"""The folder rules of ARCHITECTURE.md, checked on the source: who may import whom, and where
`tf.function`, `tf.distribute`, `GradientTape`, TensorFlow and Keras internals may appear."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "course_utils"
BASE = {"environment", "validation", "keras_private", "compiled", "source"}

# folder (or top-level module) -> the parts of course_utils it may import
ALLOWED_IMPORTS = {
    "base": BASE,
    "data": BASE | {"data"},
    "decoding": BASE,
    "layers": BASE | {"layers", "decoding"},
    "training": BASE | {"layers", "training"},
    "analysis": BASE | {"layers", "decoding", "data", "analysis"},
    "plotting": BASE | {"layers", "plotting"},
    "check": BASE | {"layers", "analysis", "decoding", "data", "check"},
    "quizzes": BASE | {"quizzes"},
    "explore": BASE | {"layers", "analysis", "decoding", "data", "plotting", "explore"},
}
# what may appear where: name -> the parts allowed to use it
RESTRICTED = {
    "tf.function": {"compiled"},
    "tf.distribute": {"training"},
    "GradientTape": {"training", "analysis"},
}
NO_TENSORFLOW = {"data", "plotting", "check", "quizzes", "validation", "source"}
KERAS_INTERNALS = {"_flatten_layers", "_keras_mask", "inner_loop", "_layers", "_tracker"}


def part_of(path):
    """'layers', 'training', ... for a module in a folder; the module name for a top-level one,
    with the base modules folded into 'base' for the import rule."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def modules():
    return sorted(
        p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE
    )


def imported_parts(tree):
    """The course_utils parts a module imports (at any depth, function-level imports included)."""
    parts = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "course_utils":
                names = [f"course_utils.{alias.name}" for alias in node.names]
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "course_utils" and len(pieces) > 1:
                parts.add(pieces[1])
    return parts


def dotted(node):
    """'tf.function' for the expression tf.function, None for anything that is not a name chain."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
class TestFolderRules:
    def test_imports_follow_the_layering(self, path):
        part = part_of(path)
        rule = "base" if part in BASE else part
        allowed = ALLOWED_IMPORTS[rule]
        imported = imported_parts(ast.parse(path.read_text())) - {part}
        assert imported <= allowed, f"{path.name} ({rule}) imports {sorted(imported - allowed)}"

    def test_restricted_tensorflow_api(self, path):
        part = part_of(path)
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            name = dotted(node) if isinstance(node, ast.Attribute) else None
            for restricted, parts in RESTRICTED.items():
                if name and (
                    name == restricted
                    or name.endswith("." + restricted)
                    or name.startswith(restricted + ".")
                ):
                    assert part in parts, f"{path.name}:{node.lineno} uses {restricted}"

    def test_tensorflow_only_where_allowed(self, path):
        if part_of(path) not in NO_TENSORFLOW:
            return
        roots = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                roots.add(node.module.split(".")[0])
        assert not {"tensorflow", "keras"} & roots, path.name

    def test_keras_internals_only_in_the_fence(self, path):
        if path.name == "keras_private.py":
            return
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("keras.src"), f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("keras.src") for a in node.names), path.name
            if isinstance(node, ast.Attribute) and node.attr in KERAS_INTERNALS:
                assert False, f"{path.name}:{node.lineno} uses Keras internal .{node.attr}"


def test_top_level_is_small():
    entries = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert len(entries) <= 15, entries


def test_every_folder_rule_is_written_down():
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text()
    for folder in ALLOWED_IMPORTS:
        if folder != "base":
            assert f"`{folder}" in text, folder
    for name in RESTRICTED:
        assert name in text, name
