"""tools/student_version.py removes solutions and their checks, and keeps the exercises."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import student_version  # noqa: E402
import time_notebooks  # noqa: E402

THINK_EXERCISE = """**Exercise 1 (think).** Why does the network need a cue?

:::{admonition} Solution
:class: dropdown
Integration needs a starting value.
:::

**Exercise 2 (code).** Compute the mean."""


def code(source, *tags):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def markdown(source):
    return nbformat.v4.new_markdown_cell(source)


def chapter():
    """A small chapter in the layout of the book's exercises."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        code("import math", "remove-cell"),                       # 0 install-like cell
        markdown("# Chapter"),                                    # 1
        code("values = [1.0, 2.0, 3.0]"),                         # 2
        code("assert len(values) == 3", "remove-cell"),           # 3 check of the story
        markdown("## Exercises\n\n" + THINK_EXERCISE),            # 4
        code("# Your code here: compute the mean of values."),    # 5 exercise
        markdown("**Solution.** Click to show the code."),        # 6
        code("mean = sum(values) / len(values)", "hide-input"),   # 7 solution
        code("assert mean == 2.0", "remove-cell"),                # 8 check of the solution
        code("assert mean > 0", "remove-cell"),                   # 9 second check of the solution
        markdown("The mean is 2."),                               # 10
        code("print(max(values))", "hide-input"),                 # 11 hidden, not a solution
        code("assert max(values) == 3.0", "remove-cell"),         # 12 check of cell 11
    ]
    notebook.cells[5].outputs = [nbformat.v4.new_output("stream", text="stale\n")]
    return notebook


@pytest.fixture
def student():
    return student_version.make_student_notebook(chapter())


def sources(notebook):
    return [cell.source for cell in notebook.cells]


def test_solution_cell_removed(student):
    notebook, report = student
    assert report["solutions"] == [7]
    assert "mean = sum(values) / len(values)" not in sources(notebook)


def test_solution_checks_removed(student):
    notebook, report = student
    assert report["checks"] == [8, 9]
    assert "assert mean == 2.0" not in sources(notebook)
    assert "assert mean > 0" not in sources(notebook)


def test_solution_note_removed(student):
    notebook, report = student
    assert report["notes"] == [6]
    assert "**Solution.** Click to show the code." not in sources(notebook)


def test_other_checks_kept(student):
    notebook, _ = student
    assert "assert len(values) == 3" in sources(notebook)
    assert "assert max(values) == 3.0" in sources(notebook)
    assert "import math" in sources(notebook)


def test_hidden_non_solution_kept(student):
    notebook, report = student
    assert "print(max(values))" in sources(notebook)
    assert report["unpaired"] == [11]


def test_exercise_kept_blank_and_tagged(student):
    notebook, report = student
    assert report["exercises"] == [5]
    exercise = next(cell for cell in notebook.cells if cell.source.startswith("# Your code here"))
    assert exercise.source == "# Your code here: compute the mean of values."
    assert exercise.metadata["tags"] == ["raises-exception"]
    assert exercise.outputs == []


def test_only_exercises_may_raise(student):
    notebook, _ = student
    tagged = [cell.source for cell in notebook.cells if "raises-exception" in cell.metadata.get("tags", [])]
    assert tagged == ["# Your code here: compute the mean of values."]


def test_think_solution_removed(student):
    notebook, report = student
    exercises = next(cell.source for cell in notebook.cells if cell.source.startswith("## Exercises"))
    assert report["admonitions"] == 1
    assert "Solution" not in exercises
    assert "starting value" not in exercises
    assert exercises == ("## Exercises\n\n**Exercise 1 (think).** Why does the network need a cue?\n\n"
                         "**Exercise 2 (code).** Compute the mean.")


def test_original_unchanged():
    notebook = chapter()
    before = nbformat.writes(notebook)
    student_version.make_student_notebook(notebook)
    assert nbformat.writes(notebook) == before


def test_admonition_backtick_fence():
    text = "Question?\n\n````{admonition} Solution\n:class: dropdown\n```python\nx = 1\n```\n````\n\nNext."
    assert student_version.strip_solution_admonitions(text) == "Question?\n\nNext."


def test_admonition_other_title_kept():
    text = ":::{admonition} Hint\n:class: dropdown\nUse sum().\n:::"
    assert student_version.strip_solution_admonitions(text) == text


def test_admonition_unclosed_raises():
    with pytest.raises(ValueError, match="never closed"):
        student_version.strip_solution_admonitions(":::{admonition} Solution\nno end")


def test_exercise_without_solution_kept():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [markdown("**Exercise 5 (open).**"), code("# Your code here.")]
    student, report = student_version.make_student_notebook(notebook)
    assert sources(student) == ["**Exercise 5 (open).**", "# Your code here."]
    assert report["solutions"] == []


def test_cli_writes_copies(tmp_path):
    source = tmp_path / "chapter.ipynb"
    nbformat.write(chapter(), source)
    assert student_version.main([str(tmp_path / "student"), str(source)]) == 0
    written = nbformat.read(tmp_path / "student" / "chapter.ipynb", as_version=4)
    nbformat.validate(written)
    assert len(written.cells) == len(chapter().cells) - 4


def execute(notebook, tmp_path):
    path = tmp_path / "student.ipynb"
    nbformat.write(notebook, path)
    return time_notebooks.execute_and_time(path, timeout_s=60)


def test_student_copy_executes(student, tmp_path):
    notebook, _ = student
    record = execute(notebook, tmp_path)
    assert record["succeeded"], record["error"]


def test_error_allowed_in_exercise(student, tmp_path):
    notebook, _ = student
    exercise = next(cell for cell in notebook.cells if cell.source.startswith("# Your code here"))
    exercise.source += "\nraise NotImplementedError('unfinished exercise')"
    record = execute(notebook, tmp_path)
    assert record["succeeded"], record["error"]


def test_error_elsewhere_fails(student, tmp_path):
    notebook, _ = student
    notebook.cells.append(code("print(mean)"))
    record = execute(notebook, tmp_path)
    assert not record["succeeded"]
    assert "NameError" in record["error"]
