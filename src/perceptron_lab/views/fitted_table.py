"""A terminal table that fits the console's width: columns where they fit, else stacked rows.

Side by side, a column is never narrower than its longest word, so nothing is cut with
"…": when those words do not fit the width together (a narrow terminal, a long name), each
row is printed as a block instead — its first cell as a heading, then one indented
``header  value`` line per other cell, wrapped at word boundaries. The title is a line of
its own above the table, wrapped at word boundaries to the console's width (a table's own
title wraps to the table's width, which can be far narrower).

Cells are shown as written (a ``str`` is not read as rich markup: data names and paths
may hold brackets).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

WIDE = 10**6  # a width no table reaches: its columns measured without wrapping


class FittedTable:
    """``headers`` over ``rows``; ``right``: the columns justified right (numbers).

    ``show_header=False`` is a two-column list of labels and values; ``stack=True`` stacks
    its rows at any width (prose, whose columns would be a few words wide).
    """

    def __init__(
        self,
        title: str | None,
        headers: Sequence[str],
        rows: Sequence[Sequence[str | Text]],
        *,
        right: Sequence[int] = (),
        show_header: bool = True,
        stack: bool = False,
    ) -> None:
        self.title = title
        self.headers = list(headers)
        self.rows = [[c if isinstance(c, Text) else Text(c) for c in row] for row in rows]
        self.right = set(right)
        self.show_header = show_header
        self.stack = stack

    def side_by_side(self) -> Table:
        """The table with its columns side by side; a word longer than its column folds."""
        table = Table(show_header=self.show_header)
        for i, name in enumerate(self.headers):
            cells = [Text(name), *(row[i] for row in self.rows)]
            table.add_column(
                name,
                justify="right" if i in self.right else "left",
                overflow="fold",
                style="bold" if i == 0 and not self.show_header else "",
                no_wrap=i == 0 and all(len(cell.plain.split()) <= 1 for cell in cells),
            )
        for row in self.rows:
            table.add_row(*row)
        return table

    def stacked(self) -> RenderableType:
        """Each row as a block: its first cell, then its other cells under their headers."""
        blocks: list[RenderableType] = []
        for first, *rest in self.rows:
            grid = Table.grid(padding=(0, 2))
            if self.show_header:  # else a list of labels and values: the value alone
                grid.add_column(style="dim")
            grid.add_column(overflow="fold")
            for name, cell in zip(self.headers[1:], rest, strict=True):
                if cell.plain:
                    grid.add_row(*((name, cell) if self.show_header else (cell,)))
            blocks.append(Text.assemble(first, style="bold"))
            blocks.append(Padding(grid, (0, 0, 0, 2), expand=False))
        return Group(*blocks)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.title:
            yield Text(self.title, style="bold")
        table = self.side_by_side()
        needed = table.__rich_measure__(console, options.update_width(WIDE)).minimum
        yield self.stacked() if self.stack or needed > options.max_width else table
