"""Write student copies of the chapters, without the solutions.

The chapters mark their exercises this way:

- a code exercise is a code cell whose first line contains "Your code here";
- its solution is the next code cell tagged ``hide-input``, with only
  markdown cells in between (usually "**Solution.** Click to show the code.");
- the ``remove-cell`` code cells right after a solution check its results;
- a think exercise has its answer in a markdown admonition titled
  "Solution" (``:::{admonition} Solution`` with ``:class: dropdown``, or the
  same with a backtick fence).

In the student copy:

- each solution cell is removed, and so are the markdown cells between the
  exercise and its solution that start with "**Solution**";
- every ``remove-cell`` code cell that directly follows a solution (one or
  more in a row) is removed, because it reads variables that only the
  solution defines;
- "Solution" admonitions are cut out of markdown cells;
- exercise cells are kept as they are and tagged ``raises-exception``, so a
  student's unfinished code may raise there while every other cell must run.
  nbclient and nbval both accept an error in a cell with that tag.

Outputs are cleared. Other cells, including the install cell and checks
that do not follow a solution, are copied unchanged.

Usage::

    python tools/student_version.py _build/student                 # every notebook in _toc.yml
    python tools/student_version.py _build/student book/training.ipynb
"""

import argparse
from copy import deepcopy
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_layout  # noqa: E402

EXERCISE_MARKER = re.compile(r"your code here", re.IGNORECASE)
SOLUTION_TAG = "hide-input"
CHECK_TAG = "remove-cell"
EXERCISE_TAG = "raises-exception"
SOLUTION_NOTE = re.compile(r"^\s*\*\*Solution\b")
# The opening fence of a MyST admonition or dropdown titled "Solution": three
# or more colons or backticks, then {admonition} Solution or {dropdown} Solution.
SOLUTION_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>:{3,}|`{3,})\s*\{(?:admonition|dropdown)\}\s*Solution\b.*$",
    re.IGNORECASE,
)


def tags_of(cell):
    return cell.get("metadata", {}).get("tags", [])


def is_exercise(cell):
    if cell.cell_type != "code" or not cell.source.strip():
        return False
    first_line = cell.source.strip().splitlines()[0]
    return bool(EXERCISE_MARKER.search(first_line))


def is_solution_candidate(cell):
    return cell.cell_type == "code" and SOLUTION_TAG in tags_of(cell)


def is_check(cell):
    return cell.cell_type == "code" and CHECK_TAG in tags_of(cell)


def strip_solution_admonitions(text):
    """Return markdown `text` without its "Solution" admonitions.

    An admonition ends at the first later line that contains only a fence of the
    same character and at least the same length, as in MyST. An admonition
    that is never closed raises ValueError, because cutting to the end of the
    cell could remove text that is not part of the solution.
    """
    lines = text.split("\n")
    kept = []
    index = 0

    while index < len(lines):
        opening = SOLUTION_FENCE.match(lines[index])
        if not opening:
            kept.append(lines[index])
            index += 1
            continue

        fence = opening.group("fence")
        closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
        end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            raise ValueError(f"the Solution admonition opened by {lines[index]!r} is never closed")
        index = end + 1

        # Drop one blank line left behind, so paragraphs keep single spacing.
        if kept and not kept[-1].strip() and index < len(lines) and not lines[index].strip():
            index += 1

    return "\n".join(kept).strip("\n")


def find_solutions(cells):
    """Return the indices of solution cells, each paired with the exercise before it.

    Returns a dict {solution index: exercise index}.
    """
    solutions = {}
    for index, cell in enumerate(cells):
        if not is_exercise(cell):
            continue
        following = index + 1
        while following < len(cells) and cells[following].cell_type == "markdown":
            following += 1
        if following < len(cells) and is_solution_candidate(cells[following]):
            solutions[following] = index
    return solutions


def make_student_notebook(notebook):
    """Return a student copy of `notebook` (an nbformat v4 notebook) and a report.

    The report is a dict. Its lists ``exercises``, ``solutions``, ``checks``
    and ``notes`` (removed "**Solution**" markdown cells) contain cell indices
    in the original notebook. ``admonitions`` is the number of Solution
    admonitions removed. ``unpaired`` lists the ``hide-input`` code cells
    after an exercise heading that follow no exercise cell: they are kept,
    and may be solutions that the rule above cannot recognise.
    """
    cells = notebook.cells
    solutions = find_solutions(cells)

    dropped = set(solutions)
    checks = []
    notes = []
    for solution, exercise in solutions.items():
        following = solution + 1
        while following < len(cells) and is_check(cells[following]):
            checks.append(following)
            following += 1
        for between in range(exercise + 1, solution):
            if SOLUTION_NOTE.match(cells[between].source):
                notes.append(between)
    dropped.update(checks, notes)

    student = deepcopy(notebook)
    student.cells = []
    exercises = []
    admonitions = 0
    unpaired = []
    seen_exercise_heading = False

    for index, cell in enumerate(cells):
        if index in dropped:
            continue

        kept = deepcopy(cell)
        if kept.cell_type == "markdown":
            if re.search(r"\*\*Exercise\b", kept.source):
                seen_exercise_heading = True
            admonitions += sum(1 for line in kept.source.split("\n") if SOLUTION_FENCE.match(line))
            kept.source = strip_solution_admonitions(kept.source)
            if not kept.source.strip():
                continue
        elif kept.cell_type == "code":
            kept.outputs = []
            kept.execution_count = None
            if is_exercise(kept):
                exercises.append(index)
                if EXERCISE_TAG not in tags_of(kept):
                    kept.metadata["tags"] = tags_of(kept) + [EXERCISE_TAG]
            elif is_solution_candidate(kept) and seen_exercise_heading:
                unpaired.append(index)
        student.cells.append(kept)

    report = {
        "exercises": exercises,
        "solutions": sorted(solutions),
        "checks": sorted(checks),
        "notes": sorted(notes),
        "admonitions": admonitions,
        "unpaired": unpaired,
    }
    return student, report


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write student copies of the chapters, without the solutions.")
    parser.add_argument("outdir", type=Path, help="folder for the student copies (created if missing)")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to convert (default: every notebook listed in _toc.yml)")
    args = parser.parse_args(argv)

    notebooks = args.notebooks or book_layout.toc_notebooks()
    if not notebooks:
        parser.error("no notebooks found in _toc.yml")
    args.outdir.mkdir(parents=True, exist_ok=True)

    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        student, report = make_student_notebook(notebook)
        target = args.outdir / path.name
        nbformat.validate(student)
        nbformat.write(student, target)

        print(f"{target}: kept {len(report['exercises'])} exercise cells; removed {len(report['solutions'])} "
              f"solution cells, {len(report['checks'])} check cells and {report['admonitions']} Solution admonitions")
        for index in report["unpaired"]:
            print(f"  warning: {path} cell {index} is a hide-input code cell after an exercise heading but follows "
                  f"no 'Your code here' cell, so it was kept in the student copy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
