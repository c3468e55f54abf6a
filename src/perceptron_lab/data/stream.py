"""A data file read in blocks, never whole: ``open_stream`` -> ``StreamFile``; ``scan`` -> ``StreamFacts``.

Sources and their blocks (``StreamFile.blocks``: n_i, the rows of block i in file order;
``offsets``: r_i = n_0 + … + n_{i−1}, its first 0-based row):

- a ``.parquet`` file, or a directory of them (found as ``pyarrow.dataset`` finds files,
  ``_``/``.`` names skipped, taken in sorted path order, every file with the first one's
  schema): each row group is a block; one of more than ``block_rows`` rows is cut into
  sub-blocks of ``block_rows`` (the last shorter), read by ``iter_batches`` so that no more
  than one row group's chosen columns are ever decoded at once;
- a ``.npy`` array (N, d+1), memory-mapped (``np.load(mmap_mode="r")``): rows
  [i·block_rows, (i+1)·block_rows);
- a ``.csv``/``.tsv`` (header row required), its separator, decimal mark and encoding
  given or sniffed (``csv_dialect``) from the first ``SNIFF_BYTES`` (at least the
  ``SAMPLE_ROWS`` records the in-memory sniff reads): ``block_rows`` data records a block.
  One first pass over the bytes finds where each block starts: a record ends at a line end
  (``\\n``; ``\\r`` in a file without one) after an even count of ``"`` so far, so a quoted
  field may hold separators, doubled quotes and line ends; a blank record (only
  separators, spaces and quotes) is no data row, as in ``load_file``. ``read(i)`` seeks to
  block i's first byte and parses its records with the csv module.

Only the chosen columns are read. The target and the features are chosen as ``load_file``
chooses them (``columns.resolve_target``/``resolve_features`` on the header or schema), and
every cell is checked as it checks them (``columns.to_float_column``): an error names the
file and, for a bad cell, the 1-based data row of the whole file (r_i + j + 1 for row j
of block i; a CSV also its line) and the column. A file with several bad cells may name
another than ``load_file`` does (it checks column after column; a stream, block after block).

``scan(stream)`` is one pass over the blocks, holding one block at a time:

- the task and classes as ``labels.encode_target`` infers them from the whole column,
  kept incrementally: the distinct labels are kept while they can still be classes (text
  or bool labels, a given classification task, or integer numbers while at most
  ``MAX_INFERRED_CLASSES`` distinct); a CSV target column that ``load_file`` would read as
  text (a cell that is no number) is text here too, provided the labels before it were
  few (else an error: the mix of numbers and text);
- per column, μ and σ (population, ddof = 0) in float64, merged block by block by Chan et
  al.'s parallel rule on x − K (K: block 0's mean, so that a large offset costs no digits):
  for the rows so far (n_a, μ_a, M2_a) and block b (n_b, μ_b, M2_b = Σ (x − K − μ_b)²),
  δ = μ_b − μ_a, n = n_a + n_b, μ_a ← μ_a + δ·n_b/n, M2_a ← M2_a + M2_b + δ²·n_a·n_b/n;
  at the end μ = K + μ_a, σ = √(M2_a/N); σ = 1 where a column is constant
  (σ ≤ 10·ε·max(|μ|, 1), data/prepare.Standardizer's rule). They equal NumPy's X.mean(0),
  X.std(0) over the whole file to rounding (not bit for bit: NumPy sums in another order);
- ``fingerprint``: sha256 over each block's X (float64, C order) and its labels as
  ``labels.label_kind`` reads them (dtype and bytes, or text), in file order, then the
  task and the classes (which, with those labels, fix the encoded y). Stable: the same
  file read with the same settings gives the same digest; not ``Dataset.fingerprint``.

``StreamFacts.encode(raw_y)`` gives a block's y as ``load_file`` encodes it: int64 class
indices into ``classes`` (sorted as ``labels`` sorts them), or float64 for regression.

NumPy only (and pyarrow for Parquet, imported where used): no torch.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np

from perceptron_lab.data.columns import (
    ColumnKey,
    FeatureSpec,
    Table,
    check_names,
    list_columns,
    resolve_features,
    resolve_target,
    to_float_column,
)
from perceptron_lab.data.csv_dialect import (
    SAMPLE_ROWS,
    Dialect,
    bom_encoding,
    plain_number,
    read_dialect,
    rows,
)
from perceptron_lab.data.dataset import Task
from perceptron_lab.data.files import npy_columns
from perceptron_lab.data.labels import (
    MAX_INFERRED_CLASSES,
    Kind,
    Where,
    check_case,
    check_task,
    classification_task,
    label_kind,
    parse_numbers,
    python_label,
    row_where,
)
from perceptron_lab.errors import InputError

StreamKind = Literal["parquet", "npy", "csv"]
STREAM_SUFFIXES = (".csv", ".tsv", ".parquet", ".npy")
TEXT_SUFFIXES = (".csv", ".tsv")
BLOCK_ROWS = 65536  # rows a block holds by default
SNIFF_BYTES = 65536  # the head of a CSV its dialect is sniffed from (at least)
_SNIFF_MOST = 64 * 2**20  # a head grows to hold SAMPLE_ROWS records, up to this
_CHUNK_UNITS = 1 << 21  # code units the CSV's first pass looks at a time
_CELL_ROWS = 8192  # CSV rows whose text cells are held at once while a block is parsed
_TEXT_KEPT = 4096  # a CSV's distinct raw labels kept while they may still turn out text


# ---------------------------------------------------------------------------------------
# the stream


@dataclass(frozen=True, eq=False)
class StreamFile:
    """A data file opened for reading in blocks: what it holds, and ``read(i)``.

    ``blocks[i]`` = n_i rows, ``offsets[i]`` = r_i (0-based) its first; ``read(i)`` =
    (X_i (n_i, d) float64, y_i (n_i,) raw labels: the target column's values as read, a
    CSV's as text cells (``StreamFacts.encode`` parses them as ``load_file`` does)).
    """

    path: Path
    kind: StreamKind
    feature_names: tuple[str, ...]  # (d,)
    target_name: str
    blocks: tuple[int, ...]  # (B,) n_i
    offsets: tuple[int, ...]  # (B,) r_i
    _reader: _Reader = field(repr=False)
    dialect: Dialect | None = None  # a CSV's separator, decimal mark, encoding
    files: tuple[Path, ...] = ()  # the Parquet files read, in order (one unless a directory)

    @property
    def source(self) -> str:
        """The file's name in errors."""
        return str(self.path)

    @property
    def n_rows(self) -> int:
        """N = Σ n_i."""
        return sum(self.blocks)

    @property
    def n_features(self) -> int:
        """d."""
        return len(self.feature_names)

    @property
    def text_labels(self) -> bool:
        """Whether ``read`` gives the target as text cells to parse (a CSV)."""
        return self.kind == "csv"

    def read(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Block i: X (n_i, d) float64, every cell checked finite, and its raw labels (n_i,)."""
        if (
            isinstance(i, bool)
            or not isinstance(i, int | np.integer)
            or not 0 <= i < len(self.blocks)
        ):
            raise InputError(
                "block", f"a block index in 0..{len(self.blocks) - 1} of {self.source}", repr(i)
            )
        i = int(i)
        return self._reader.read(i, self.offsets[i], self.blocks[i])


class _Reader:
    """How one kind of file reads block i (rows r_i .. r_i + n_i − 1)."""

    def read(self, i: int, first: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


def _offsets(blocks: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(r) for r in np.cumsum([0, *blocks[:-1]])) if blocks else ()


def _cut(n: int, block_rows: int) -> list[int]:
    """n rows as blocks of ``block_rows`` (the last shorter)."""
    return [min(block_rows, n - s) for s in range(0, n, block_rows)]


def _shifted(first: int, where: Where = row_where) -> Where:
    """A block's row j named as the file's row ``first + j``."""
    return lambda j: where(first + j)


def _features(
    columns: Sequence[np.ndarray], names: Sequence[str], source: str, where: Where
) -> np.ndarray:
    """Cells of the feature columns -> X (n, d) float64, each checked by ``to_float_column``."""
    X = np.empty((len(columns[0]) if columns else 0, len(columns)), dtype=np.float64)
    for k, (values, name) in enumerate(zip(columns, names, strict=True)):
        X[:, k] = to_float_column(values, name, source, where)
    return X


def open_stream(
    path: str | Path,
    *,
    target: ColumnKey | None = None,
    features: FeatureSpec = None,
    block_rows: int = BLOCK_ROWS,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    detected: Sequence[str] = (),
) -> StreamFile:
    """Open a .parquet file (or a directory of them), a .npy, .csv or .tsv for reading in blocks.

    ``target``, ``features``, ``sep``, ``decimal``, ``encoding`` and ``detected`` mean what
    they mean to ``load_file``; ``block_rows`` bounds the rows of a block.
    """
    if isinstance(block_rows, bool) or not isinstance(block_rows, int) or block_rows < 1:
        least = 1
        raise InputError("block_rows", f"an integer >= {least}", repr(block_rows))
    path = Path(path)
    source = str(path)
    suffix = "" if path.is_dir() else path.suffix.lower()
    if suffix not in STREAM_SUFFIXES and not path.is_dir():
        raise InputError(
            "data",
            "a " + ", ".join(STREAM_SUFFIXES) + " file or a directory of .parquet files",
            repr(source),
        )
    if not path.exists():
        raise InputError("data", "an existing file", repr(source))
    text_only = (("sep", sep), ("decimal", decimal), ("encoding", encoding))
    for name, value in text_only if suffix not in TEXT_SUFFIXES else ():
        if value is not None:
            shown = suffix or ".parquet"
            raise InputError(
                name, f"no {name} for a {shown} file (only .csv and .tsv take one)", repr(value)
            )
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(
            source,
            "a header row and at least one data row"
            if suffix in TEXT_SUFFIXES
            else f"a {suffix} file with data",
            "an empty file",
        )
    if suffix == ".npy":
        return _open_npy(path, source, target, features, block_rows)
    if suffix in TEXT_SUFFIXES:
        return _open_csv(
            path, source, target, features, block_rows, (sep, decimal, encoding), detected
        )
    return _open_parquet(path, source, target, features, block_rows)


# ---------------------------------------------------------------------------------------
# .npy


class _NpyReader(_Reader):
    def __init__(
        self, array: np.ndarray, chosen: list[int], t: int, names: tuple[str, ...], source: str
    ) -> None:
        self.array, self.chosen, self.t, self.names, self.source = array, chosen, t, names, source

    def read(self, i: int, first: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        block = np.asarray(self.array[first : first + n])  # (n_i, d+1), read from the map
        X = _features([block[:, j] for j in self.chosen], self.names, self.source, _shifted(first))
        return X, block[:, self.t].copy()


def _open_npy(
    path: Path, source: str, target: ColumnKey | None, features: FeatureSpec, block_rows: int
) -> StreamFile:
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "pickle" in reason:
            reason = f"a file that is not a valid {path.suffix} file (no NumPy array header)"
        raise InputError(source, f"a readable {path.suffix} file", reason) from None
    t, chosen = npy_columns(array, source, target, features)
    names = tuple(f"x{j + 1}" for j in range(len(chosen)))
    blocks = tuple(_cut(int(array.shape[0]), block_rows))
    return StreamFile(
        path=path,
        kind="npy",
        feature_names=names,
        target_name="y",
        blocks=blocks,
        offsets=_offsets(blocks),
        _reader=_NpyReader(array, chosen, t, names, source),
    )


# ---------------------------------------------------------------------------------------
# Parquet


@dataclass(frozen=True)
class _Piece:
    """Block i of a Parquet source: rows [start, start + n) of row group ``group`` of a file."""

    file: int
    group: int
    start: int
    n: int
    whole: bool  # the block is the whole row group


class _ParquetReader(_Reader):
    """Reads a block column by column: each chosen column's chunk of the block's row group,
    sliced to the block's rows, made NumPy, let go before the next column is read.

    So a read holds one column chunk of one row group (Arrow decodes a column chunk whole)
    besides the block; a row group cut into k sub-blocks is decoded k times in a pass.
    """

    def __init__(
        self,
        files: tuple[Path, ...],
        pieces: list[_Piece],
        read_names: list[str],  # the columns as the file names them: the features, the target
        names: tuple[str, ...],  # the features' names (stripped)
    ) -> None:
        self.files, self.pieces, self.read_names, self.names = files, pieces, read_names, names
        self._open: tuple[int, Any] | None = None  # (file index, its ParquetFile)

    def _file(self, f: int) -> Any:
        import pyarrow.parquet as pq

        if self._open is None or self._open[0] != f:
            if self._open is not None:
                self._open[1].close()
            self._open = (f, pq.ParquetFile(self.files[f]))
        return self._open[1]

    def read(self, i: int, first: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        import pyarrow as pa

        piece = self.pieces[i]
        source = str(self.files[piece.file])
        where = _shifted(first)
        X = np.empty((n, len(self.names)), dtype=np.float64)
        try:
            parquet = self._file(piece.file)
            # a whole row group (at most block_rows rows) is read in one call; a part of a
            # larger one a column at a time (Arrow decodes a column chunk whole)
            group = (
                parquet.read_row_group(piece.group, columns=self.read_names)
                if piece.whole
                else None
            )
            for k, column in enumerate(self.read_names):
                if group is not None:
                    chunk = group.column(k)
                else:
                    chunk = parquet.read_row_group(piece.group, columns=[column]).column(0)
                values = _numpy_column(chunk if piece.whole else chunk.slice(piece.start, n))
                del chunk
                if k == len(self.names):
                    return X, values
                X[:, k] = to_float_column(values, self.names[k], source, where)
        except (pa.ArrowException, OSError, ValueError) as error:
            if isinstance(error, InputError):
                raise
            raise InputError(source, "a readable Parquet file", _first_line(error)) from None
        raise AssertionError("the target is the last column read")


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _numpy_column(column: Any) -> np.ndarray:
    """An Arrow column -> (n,) NumPy, nulls as None (an object array), as ``load_file`` reads it."""
    array = np.asarray(column.to_numpy(zero_copy_only=False))
    if column.null_count:
        array = array.astype(object)
        array[np.asarray(column.is_null().to_numpy(zero_copy_only=False))] = None
    return array


def _parquet_files(path: Path, source: str) -> tuple[Path, ...]:
    if path.is_file():
        return (path,)
    import pyarrow as pa
    import pyarrow.dataset as ds

    try:
        found = ds.dataset(str(path), format="parquet").files
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputError(source, "a readable Parquet file", _first_line(error)) from None
    files = tuple(sorted(Path(f) for f in found if Path(f).suffix.lower() == ".parquet"))
    if not files:
        raise InputError(
            "data",
            "a " + ", ".join(STREAM_SUFFIXES) + " file or a directory of .parquet files",
            f"none in {source}",
        )
    return files


def _open_parquet(
    path: Path, source: str, target: ColumnKey | None, features: FeatureSpec, block_rows: int
) -> StreamFile:
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = _parquet_files(path, source)
    schema: Any = None
    pieces: list[_Piece] = []
    total_rows = 0
    for f, file in enumerate(files):
        try:
            with pq.ParquetFile(file) as meta:
                file_schema = meta.schema_arrow
                groups = [meta.metadata.row_group(g).num_rows for g in range(meta.num_row_groups)]
        except (pa.ArrowException, OSError, ValueError) as error:
            raise InputError(str(file), "a readable Parquet file", _first_line(error)) from None
        if schema is None:
            schema = file_schema
        elif not file_schema.equals(schema, check_metadata=False):
            raise InputError(
                str(file),
                f"the columns of {files[0]} ({_schema_text(schema)})",
                _schema_text(file_schema),
            )
        for g, n in enumerate(groups):
            sizes = _cut(n, block_rows)
            pieces += [
                _Piece(f, g, k * block_rows, size, len(sizes) == 1) for k, size in enumerate(sizes)
            ]
            total_rows += n
    if not schema.names or total_rows == 0:
        raise InputError(
            source,
            "at least one column and one row",
            f"{len(schema.names)} columns and {total_rows} rows",
        )
    names = check_names(schema.names, source)
    header = Table(source=source, columns=names, values=())
    t = resolve_target(header, target)
    chosen = resolve_features(header, features, t)
    blocks = tuple(p.n for p in pieces)
    feature_names = tuple(names[j] for j in chosen)
    return StreamFile(
        path=path,
        kind="parquet",
        feature_names=feature_names,
        target_name=names[t],
        blocks=blocks,
        offsets=_offsets(blocks),
        _reader=_ParquetReader(
            files,
            pieces,
            [schema.names[j] for j in (*chosen, t)],
            feature_names,
        ),
        files=files,
    )


def _schema_text(schema: Any) -> str:
    return list_columns([f"{f.name}: {f.type}" for f in schema], limit=8)


# ---------------------------------------------------------------------------------------
# CSV / TSV


@dataclass(frozen=True)
class _Units:
    """How a CSV's text is cut into code units: their width, byte order, the codec of a
    slice that starts past the beginning (no BOM there)."""

    width: int  # bytes a unit (1: UTF-8, cp1252, latin-1 …; 2: UTF-16; 4: UTF-32)
    dtype: np.dtype[Any]
    codec: str  # the codec of a slice from a unit past the BOM


def _units(encoding: str, head: bytes) -> _Units | None:
    """The units of text in ``encoding`` (a codecs name); None if it cannot be cut by bytes."""
    name = codecs.lookup(encoding).name
    if name in ("utf-16", "utf-32"):
        width = 2 if name == "utf-16" else 4
        boms = {
            2: (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
            4: (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
        }
        le, be = boms[width]
        order = "little" if head.startswith(le) else "big" if head.startswith(be) else sys.byteorder
        codec = f"{name}-{'le' if order == 'little' else 'be'}"
    elif name in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        width, order, codec = (
            (2 if "16" in name else 4),
            ("little" if name.endswith("le") else "big"),
            name,
        )
    elif name in ("utf-8", "utf-8-sig"):
        return _Units(1, np.dtype(np.uint8), "utf-8")
    else:
        probe = '"\n\r\t ,;'
        if name.startswith(("utf-7", "iso2022", "hz")) or probe.encode(
            name, "replace"
        ) != probe.encode("ascii"):
            return None
        return _Units(1, np.dtype(np.uint8), name)
    return _Units(width, np.dtype(f"{'<' if order == 'little' else '>'}u{width}"), codec)


def _head_units(given: str | None, head: bytes) -> _Units | None:
    """The units of a CSV's head before its dialect is known: those of a given encoding,
    else of its BOM's (UTF-16), else single bytes (every sniffed encoding is ASCII-based)."""
    if given is not None:
        try:
            return _units(given, head)
        except LookupError:
            return _Units(1, np.dtype(np.uint8), "latin-1")  # read_dialect names the bad name
    bom = bom_encoding(head)
    return _units(bom, head) if bom is not None else _Units(1, np.dtype(np.uint8), "latin-1")


def _terminator(units: np.ndarray) -> int:
    """The unit a record ends at: ``\\n``, or ``\\r`` in a file whose head has no ``\\n``."""
    return 13 if not (units == 10).any() and (units == 13).any() else 10


def _record_ends(units: np.ndarray, term: int) -> np.ndarray:
    """Indices just past each terminator that follows an even count of quotes (from 0)."""
    quotes = np.flatnonzero(units == 34)
    terms = np.flatnonzero(units == term)
    even = (np.searchsorted(quotes, terms) & 1) == 0
    ends: np.ndarray = terms[even] + 1
    return ends


def _sniff_head(path: Path, units: _Units) -> bytes:
    """The file's first ``SNIFF_BYTES`` or more, cut after a record's end: enough for the
    sniff to see ``SAMPLE_ROWS`` records, as ``load_file``'s sniff of the whole file does."""
    size, width = SNIFF_BYTES, units.width
    with path.open("rb") as f:
        while True:
            head = f.read(size)
            at_end = len(head) < size
            if at_end:
                return head
            usable = head[: len(head) - len(head) % width]
            values = np.frombuffer(usable, dtype=units.dtype)
            ends = _record_ends(values, _terminator(values))
            if len(ends) > SAMPLE_ROWS + 1 or size >= _SNIFF_MOST:
                return usable[: int(ends[-1]) * width] if len(ends) else usable
            f.seek(0)
            size *= 4


class _Slice(io.RawIOBase):
    """Bytes [start, end) of a file, as a raw stream."""

    def __init__(self, file: IO[bytes], start: int, end: int) -> None:
        file.seek(start)
        self.file, self.left = file, end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.left)
        if n <= 0:
            return 0
        got = self.file.readinto(memoryview(buffer)[:n])  # type: ignore[attr-defined]
        self.left -= got
        return int(got)


@dataclass(frozen=True)
class _Layout:
    """What the first pass found: the header's bytes, each block's first byte, the lines
    before it, and its data records."""

    header: tuple[int, int]  # [start, end) bytes of the header record
    starts: list[int]  # (B,) byte offset of block i
    lines: list[int]  # (B,) lines (as csv counts them) before block i
    counts: list[int]  # (B,) n_i
    size: int  # the file's bytes


def _blank_classes(sep: int) -> np.ndarray:
    """Per ASCII unit: 0 blank for sure (space, tab, line end, separator), 1 maybe (a quote,
    which may hold a separator; str.isspace's \\x1c–\\x1f), 2 content; units >= 128 are 1."""
    lut = np.full(256, 2, dtype=np.uint8)
    lut[[9, 10, 11, 12, 13, 32, sep]] = 0
    lut[[34, 28, 29, 30, 31]] = 1
    lut[128:] = 1
    return lut


class _FirstPass:
    """The one pass over a CSV's bytes that finds its records and where each block starts."""

    def __init__(
        self, path: Path, source: str, units: _Units, dialect: Dialect, term: int, block_rows: int
    ) -> None:
        self.path, self.source, self.units, self.dialect = path, source, units, dialect
        self.term, self.block_rows = term, block_rows
        self.lut = _blank_classes(ord(dialect.sep))
        self.parity = 0  # quotes so far, mod 2
        self.record_start = 0  # unit index where the current (unfinished) record starts
        self.record_class = 0  # the highest class of its units so far
        self.lines = 0  # line ends before the current chunk
        self.header: tuple[int, int] | None = None  # units [start, end)
        self.header_lines = 0
        self.n_data = 0
        self.bounds: list[tuple[int, int]] = []  # (unit, lines before) where a block starts
        self._exact: IO[bytes] | None = None

    def run(self) -> _Layout:
        width = self.units.width
        step = _CHUNK_UNITS * width
        size = self.path.stat().st_size
        base = 0
        with self.path.open("rb") as f:
            data = f.read(step)
            while data:
                following = f.read(step)
                usable = data[: len(data) - len(data) % width]
                u = np.frombuffer(usable, dtype=self.units.dtype)
                after = (
                    int(np.frombuffer(following[:width], dtype=self.units.dtype)[0])
                    if len(following) >= width
                    else -1
                )
                self._chunk(u, base, after)
                base += len(u)
                data = following
        end = size // width
        if self.record_start < end:  # a last record with no line end
            self._records(
                np.array([self.record_start]),
                np.array([end]),
                np.array([self.record_class]),
                [self.lines],
            )
        if self._exact is not None:
            self._exact.close()
        if self.header is None:
            raise InputError(self.source, "a header row and at least one data row", "an empty file")
        if self.n_data == 0:
            raise InputError(
                self.source, "a header row and at least one data row", "a header but no data rows"
            )
        counts = _cut(self.n_data, self.block_rows)
        starts = [(self.header[1], self.header_lines), *self.bounds][: len(counts)]
        return _Layout(
            header=(self.header[0] * width, self.header[1] * width),
            starts=[s * width for s, _ in starts],
            lines=[lines for _, lines in starts],
            counts=counts,
            size=size,
        )

    def _chunk(self, u: np.ndarray, base: int, after: int) -> None:
        m = len(u)
        if m == 0:
            return
        quotes = np.flatnonzero(u == 34)
        terms = np.flatnonzero(u == self.term)
        even = ((self.parity + np.searchsorted(quotes, terms)) & 1) == 0
        ends = terms[even]  # local index of each record's last unit
        self.parity = (self.parity + len(quotes)) & 1
        # line ends as csv counts them (io's universal newlines): \n, \r\n, a lone \r
        feeds = np.flatnonzero(u == 10)
        returns = np.flatnonzero(u == 13)
        nxt = np.where(returns + 1 < m, u[np.minimum(returns + 1, m - 1)], after)
        line_ends = np.sort(np.concatenate([feeds, returns[nxt != 10]]))
        classes = (
            self.lut[u]
            if self.units.width == 1
            else np.where(u < 128, self.lut[np.minimum(u, 127)], 1)
        )
        seg_starts = np.concatenate([[0], ends + 1])
        if seg_starts[-1] == m:
            seg_starts = seg_starts[:-1]
        seg = np.maximum.reduceat(classes, seg_starts)
        k = len(ends)
        if k:
            record_classes = seg[:k].copy()
            record_classes[0] = max(int(record_classes[0]), self.record_class)
            starts = np.concatenate([[self.record_start], base + ends[:-1] + 1])
            stops = base + ends + 1
            lines = self.lines + np.searchsorted(line_ends, ends + 1)  # line ends before each stop
            self._records(starts, stops, record_classes, lines.tolist())
            self.record_start = int(stops[-1])
            self.record_class = int(seg[k]) if ends[-1] + 1 < m else 0
        else:
            self.record_class = max(self.record_class, int(seg[0]))
        self.lines += len(line_ends)

    def _records(
        self, starts: np.ndarray, stops: np.ndarray, classes: np.ndarray, lines: list[int]
    ) -> None:
        """Finished records [starts, stops) (units), their classes and the lines before each stop."""
        data = classes == 2
        for j in np.flatnonzero(classes == 1).tolist():
            data[j] = not self._blank(int(starts[j]), int(stops[j]))
        if self.header is None:
            found = np.flatnonzero(data)
            if not len(found):
                return
            h = int(found[0])
            self.header = (int(starts[h]), int(stops[h]))
            self.header_lines = lines[h]
            data[: h + 1] = False
        index = np.flatnonzero(data)
        if not len(index):
            return
        count = self.n_data + np.arange(1, len(index) + 1)  # data records so far, after each
        closing = index[count % self.block_rows == 0]  # the last record of a block
        self.bounds += [(int(stops[j]), lines[j]) for j in closing.tolist()]
        self.n_data += len(index)

    def _blank(self, start: int, stop: int) -> bool:
        """Whether units [start, stop) parse as a blank row (only empty or spaces cells)."""
        if self._exact is None:
            self._exact = self.path.open("rb")
        width = self.units.width
        self._exact.seek(start * width)
        raw = self._exact.read((stop - start) * width)
        try:
            text = raw.decode(self.units.codec if start else self.dialect.encoding)
            parsed = list(rows(text.removeprefix("\ufeff"), self.dialect.sep))
        except (UnicodeDecodeError, csv.Error):
            return False  # not blank: reading the block will say what is wrong
        return not any(cell.strip() for row in parsed for cell in row)


class _CsvReader(_Reader):
    def __init__(
        self,
        path: Path,
        source: str,
        dialect: Dialect,
        units: _Units,
        layout: _Layout,
        width: int,  # fields in the header
        chosen: list[int],
        t: int,
        names: tuple[str, ...],
    ) -> None:
        self.path, self.source, self.dialect, self.units = path, source, dialect, units
        self.layout, self.width, self.chosen, self.t, self.names = layout, width, chosen, t, names

    def _text(self, file: IO[bytes], start: int, end: int) -> io.TextIOWrapper:
        raw = io.BufferedReader(_Slice(file, start, end), buffer_size=2**20)
        return io.TextIOWrapper(raw, encoding=self.units.codec, newline="")

    def read(self, i: int, first: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        layout, dialect = self.layout, self.dialect
        start = layout.starts[i]
        end = layout.starts[i + 1] if i + 1 < len(layout.starts) else layout.size
        base_line = layout.lines[i]
        X = np.empty((n, len(self.chosen)), dtype=np.float64)
        labels: list[str] = []
        cells: list[list[str]] = []
        lines: list[int] = []  # the line each row of ``cells`` ends on
        done = 0  # rows of the block converted into X
        comma = dialect.decimal == ","
        keep = [*self.chosen, self.t]
        with self.path.open("rb") as file:
            reader = csv.reader(self._text(file, start, end), delimiter=dialect.sep)
            try:
                for row in reader:
                    if not any(cell.strip() for cell in row):
                        continue
                    if len(row) == self.width + 1 and not row[-1].strip():
                        row = row[:-1]
                    line = base_line + reader.line_num
                    if len(row) != self.width:
                        raise InputError(
                            self.source,
                            f"{self.width} fields on line {line}, as in the header "
                            f"({dialect.describe('sep')})",
                            str(len(row)),
                            hint="choose another with --sep (sep= in Python)",
                        )
                    picked = [row[j] for j in keep]
                    if comma:
                        picked = [plain_number(cell, ",") for cell in picked]
                    labels.append(picked.pop())
                    cells.append(picked)
                    lines.append(line)
                    if len(cells) == _CELL_ROWS:
                        done = self._convert(X, cells, lines, first, done, n)
            except csv.Error as error:
                raise InputError(
                    self.source,
                    "a valid CSV file",
                    f"{error} on line {base_line + reader.line_num}",
                ) from None
            except UnicodeDecodeError:
                raise self._undecodable(file, start, end) from None
        if cells:
            done = self._convert(X, cells, lines, first, done, n)
        if done != n:
            raise self._miscounted(i, done, n)
        return X, np.array(labels, dtype=str)

    def _convert(
        self, X: np.ndarray, cells: list[list[str]], lines: list[int], first: int, done: int, n: int
    ) -> int:
        """Rows ``cells`` into X[done:…], checked; the lists emptied. Returns the rows done."""
        if done + len(cells) > n:
            raise self._miscounted(None, done + len(cells), n)
        where: Where = lambda j: f"row {first + done + j + 1} (line {lines[j]})"  # noqa: E731
        columns = list(zip(*cells, strict=True))
        for k, name in enumerate(self.names):
            X[done : done + len(cells), k] = to_float_column(
                np.array(columns[k], dtype=str), name, self.source, where
            )
        done += len(cells)
        cells.clear()
        lines.clear()
        return done

    def _miscounted(self, i: int | None, got: int, n: int) -> InputError:
        return InputError(
            self.source,
            'quotes only around whole fields (a " inside a field written as "")',
            f"{got} rows in a block where counting quotes found {n}",
        )

    def _undecodable(self, file: IO[bytes], start: int, end: int) -> InputError:
        """The error naming the first byte of [start, end) the codec cannot decode."""
        decoder = codecs.getincrementaldecoder(self.units.codec)()
        file.seek(start)
        at = start
        position = start
        while at < end:
            piece = file.read(min(2**20, end - at))
            try:
                decoder.decode(piece, final=at + len(piece) >= end)
            except UnicodeDecodeError as error:
                position = at + error.start
                break
            at += len(piece)
        how = self.dialect.how("encoding")
        return InputError(
            self.source,
            f"a text file in {self.dialect.encoding} ({how})",
            f"undecodable bytes at position {position}",
            hint="choose another with --encoding (encoding= in Python)",
        )


def _open_csv(
    path: Path,
    source: str,
    target: ColumnKey | None,
    features: FeatureSpec,
    block_rows: int,
    given: tuple[str | None, str | None, str | None],
    detected: Sequence[str],
) -> StreamFile:
    sep, decimal, encoding = given
    with path.open("rb") as f:
        first = f.read(4)
    head_units = _head_units(encoding, first)
    if head_units is None:
        raise InputError(
            "encoding",
            "an encoding whose quotes and line ends are whole code units "
            "(utf-8, cp1252, latin-1, utf-16, utf-32)",
            repr(encoding),
        )
    head = _sniff_head(path, head_units)
    _, dialect = read_dialect(
        head,
        source,
        sep=sep,
        decimal=decimal,
        encoding=encoding,
        default_sep="\t" if path.suffix.lower() == ".tsv" else ",",
        detected=detected,
    )
    units = _units(dialect.encoding, first)
    if units is None:
        raise InputError(
            "encoding",
            "an encoding whose quotes and line ends are whole code units "
            "(utf-8, cp1252, latin-1, utf-16, utf-32)",
            repr(dialect.encoding),
        )
    width = units.width
    term = _terminator(np.frombuffer(head[: len(head) - len(head) % width], dtype=units.dtype))
    layout = _FirstPass(path, source, units, dialect, term, block_rows).run()
    with path.open("rb") as f:
        f.seek(layout.header[0])
        raw = f.read(layout.header[1] - layout.header[0])
    try:
        text = raw.decode(dialect.encoding if layout.header[0] == 0 else units.codec)
        parsed = [
            r for r in rows(text.removeprefix("\ufeff"), dialect.sep) if any(c.strip() for c in r)
        ]
    except UnicodeDecodeError as error:
        raise InputError(
            source,
            f"a text file in {dialect.encoding} ({dialect.how('encoding')})",
            f"undecodable bytes at position {layout.header[0] + error.start}",
            hint="choose another with --encoding (encoding= in Python)",
        ) from None
    except csv.Error as error:
        line = layout.lines[0]  # the line the header ends on
        raise InputError(source, "a valid CSV file", f"{error} on line {line}") from None
    if not parsed:
        raise InputError(source, "a header row and at least one data row", "an empty file")
    row = parsed[0]
    header = row[:-1] if len(row) > 1 and not row[-1].strip() else row
    names = check_names(header, source)
    table = Table(source=source, columns=names, values=(), text=True)
    t = resolve_target(table, target)
    chosen = resolve_features(table, features, t)
    feature_names = tuple(names[j] for j in chosen)
    blocks = tuple(layout.counts)
    return StreamFile(
        path=path,
        kind="csv",
        feature_names=feature_names,
        target_name=names[t],
        blocks=blocks,
        offsets=_offsets(blocks),
        _reader=_CsvReader(
            path, source, dialect, units, layout, len(header), chosen, t, feature_names
        ),
        dialect=dialect,
    )


# ---------------------------------------------------------------------------------------
# one pass: labels, μ and σ, fingerprint


class _Labels:
    """The target's labels seen so far, kept as ``encode_target`` would decide on them whole."""

    def __init__(self, task: str | None, text_cells: bool, source: str) -> None:
        self.task = check_task(task)
        self.text_cells, self.source = text_cells, source
        self.kind: Kind | None = None
        self.first: Any = None  # the first label, as load_file's regression error shows it
        self.first_text: Any = None  # a CSV's first cell, stripped: the first label as text
        self.distinct: set[Any] | None = set()  # None: too many to be classes (regression)
        self.raw: set[str] | None = set() if text_cells else None  # a CSV's cells, stripped
        self.integral = True
        self.floats = False  # some labels were floats: every number is, as the column would be

    def _keep(self) -> bool:
        return self.task != "regression"

    def read(self, raw: np.ndarray, where: Where) -> tuple[np.ndarray, Kind]:
        """A block's labels as ``label_kind`` reads them, a CSV's parsed as the column would be."""
        if not self.text_cells:
            return _label_kind(raw, self.source, where)
        if self.kind != "text":
            parsed = parse_numbers(raw)
            if parsed.dtype.kind not in "US":
                return _label_kind(parsed, self.source, where)
        return _label_kind(raw, self.source, where)

    def add(self, raw: np.ndarray, where: Where) -> np.ndarray:
        labels, kind = self.read(raw, where)
        if self.kind is None:
            self.kind, self.first = kind, labels[0]
            if self.text_cells:
                self.first_text = np.char.strip(raw[:1].astype(str))[0]
        elif kind != self.kind:
            if self.kind == "number" and kind == "text" and self.raw is not None:
                # the column holds a cell that is no number: load_file reads all of it as text
                self.kind, self.distinct = "text", set(self.raw)
                self.first = self.first_text
            else:
                mix = " and ".join(sorted({self.kind, kind}))
                raise InputError(self.source, "target labels of one kind", "a mix of " + mix)
        if kind == "number":
            self.integral = self.integral and bool(np.all(labels == np.round(labels)))
            self.floats = self.floats or labels.dtype.kind == "f"
        if self.distinct is not None and self._keep():
            self.distinct.update(np.unique(labels).tolist())
            few = len(self.distinct) <= MAX_INFERRED_CLASSES
            if self.kind == "number" and self.task is None and not (self.integral and few):
                self.distinct = None  # regression: no set kept
        if self.raw is not None:
            if self.kind == "number" and self.distinct is not None:
                self.raw.update(np.char.strip(raw.astype(str)).tolist())
                if len(self.raw) > _TEXT_KEPT:
                    self.raw = None
            else:
                self.raw = None
        return labels

    def finish(self) -> tuple[Task, tuple[Any, ...] | None, np.ndarray | None]:
        """(task, classes, the sorted labels that index i means) as ``encode_target`` gives."""
        task, kind = self.task, self.kind
        assert kind is not None
        if task is None and kind == "number":
            few = self.distinct is not None and len(self.distinct) <= MAX_INFERRED_CLASSES
            task = "classification" if self.integral and few else "regression"
        if task == "regression":
            if kind != "number":
                raise InputError(
                    "task",
                    "numeric target values for regression",
                    f"{kind} labels such as {self.first!r}",
                    hint="use a classification task",
                )
            return "regression", None, None
        assert self.distinct is not None
        if kind == "number":
            dtype = np.float64 if self.floats or not self.integral else np.int64
            uniq = np.unique(
                np.array(
                    [float(v) if dtype is np.float64 else v for v in self.distinct], dtype=dtype
                )
            )
        elif kind == "bool":
            uniq = np.unique(np.array(list(self.distinct), dtype=bool))
        else:
            uniq = np.array(sorted(self.distinct), dtype=str)
            check_case(uniq, self.source)
        classes = tuple(python_label(v, kind, self.integral) for v in uniq.tolist())
        return classification_task(classes, task), classes, uniq


@dataclass(frozen=True, eq=False)
class StreamFacts:
    """What one pass over a stream found: sizes, task, classes, μ, σ and a fingerprint."""

    n_rows: int  # N
    n_features: int  # d
    task: Task
    classes: tuple[Any, ...] | None  # classes[i] <-> index i; None: regression
    mean: np.ndarray  # (d,) μ, float64
    std: np.ndarray  # (d,) σ (ddof = 0), 1 where a column is constant
    fingerprint: str  # sha256 hex digest
    source: str = ""
    _kind: Kind = "number"
    _floats: bool = False
    _text_cells: bool = False
    _uniq: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_classes(self) -> int:
        """C; 0 for regression."""
        return 0 if self.classes is None else len(self.classes)

    def scaling(self) -> dict[str, list[float]]:
        """{"mean": μ, "std": σ}, as ``Standardizer.state()`` writes them."""
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    def encode(self, raw_y: np.ndarray, first_row: int = 0) -> np.ndarray:
        """A block's raw labels (from ``StreamFile.read``) -> y: int64 class indices or float64.

        ``first_row``: the block's first 0-based row, for errors to name the file's row.
        """
        where = _shifted(first_row)
        raw = np.asarray(raw_y)
        if self._text_cells and self._kind != "text":
            parsed = parse_numbers(raw)
            if parsed.dtype.kind in "US":
                bad = next(j for j, cell in enumerate(raw.tolist()) if _no_number(cell))
                raise InputError(
                    self.source,
                    "numbers in the target, as scan found",
                    f"{raw[bad]!r} in {where(bad)}",
                )
            raw = parsed
        labels, _ = _label_kind(raw, self.source, where)
        if self._uniq is None:
            return labels.astype(np.float64)
        if self._floats and labels.dtype.kind in "iu":
            labels = labels.astype(np.float64)
        uniq = self._uniq
        y = np.searchsorted(uniq, labels)
        known = (y < len(uniq)) & (uniq[np.minimum(y, len(uniq) - 1)] == labels)
        if not known.all():
            j = int(np.argmin(known))
            shown = ", ".join(repr(c) for c in (self.classes or ())[:8])
            raise InputError(
                self.source,
                f"labels among the {self.n_classes} classes scan found ({shown})",
                f"{labels[j].item()!r} in {where(j)}",
            )
        return y.astype(np.int64)


def _label_kind(raw: np.ndarray, source: str, where: Where) -> tuple[np.ndarray, Kind]:
    """``label_kind`` of a block, read off its distinct cells: a text column of a million
    rows holds a few labels, and each cell read in Python costs a microsecond or more. A
    bad cell's row is the first row holding it."""
    if raw.dtype.kind not in "OU" or len(raw) < 64:
        return label_kind(raw, source, where)
    try:
        distinct, index = np.unique(raw, return_inverse=True)
    except TypeError:  # cells that do not compare (None beside text): one by one
        return label_kind(raw, source, where)
    if len(distinct) * 4 > len(raw):
        return label_kind(raw, source, where)

    def first(j: int) -> str:
        return where(int(np.flatnonzero(index == j)[0]))

    labels, kind = label_kind(distinct, source, first)
    return labels[index.reshape(-1)], kind


def _no_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _standard_scale(mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """σ, with 1 where a column is constant: data/prepare.Standardizer.fit's rule."""
    constant = std <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
    return np.where(constant, 1.0, std)


def _label_bytes(labels: np.ndarray) -> bytes:
    if labels.dtype.kind in "biuf":
        return f"{labels.dtype.str};".encode() + np.ascontiguousarray(labels).tobytes()
    return ("\x1f".join(str(v) for v in labels.tolist()) + "\x1e").encode("utf-8", "surrogatepass")


def scan(
    stream: StreamFile,
    *,
    task: str | None = None,
    on_block: Callable[[int, int], None] | None = None,
) -> StreamFacts:
    """One pass over every block: check the cells, infer the task and classes, μ and σ,
    the fingerprint. ``task`` overrides the inference as ``load_file``'s does;
    ``on_block(rows done, N)`` is called after each block."""
    labels = _Labels(task, stream.text_labels, stream.source)
    d, total = stream.n_features, stream.n_rows
    count = 0
    shift = np.zeros(d)  # K: the first block's mean; the moments are of x − K
    mean = np.zeros(d)  # μ − K of the rows so far
    m2 = np.zeros(d)
    digest = hashlib.sha256(f"stream;{d};".encode())
    for i, first in enumerate(stream.offsets):
        X, raw = stream.read(i)
        n = len(X)
        read = labels.add(raw, _shifted(first))
        if i == 0:
            shift = X.mean(axis=0)
        shifted = X - shift
        block_mean = shifted.mean(axis=0)
        shifted -= block_mean
        block_m2 = np.square(shifted, out=shifted).sum(axis=0)
        del shifted
        merged = count + n
        delta = block_mean - mean
        mean = mean + delta * (n / merged)
        m2 = m2 + block_m2 + np.square(delta) * (count * n / merged)
        count = merged
        digest.update(np.ascontiguousarray(X).data.cast("B"))
        digest.update(_label_bytes(read))
        if on_block is not None:
            on_block(count, total)
    final, classes, uniq = labels.finish()
    digest.update(f";{final};{classes!r};{count}".encode())
    std = np.sqrt(m2 / count)
    assert labels.kind is not None
    return StreamFacts(
        n_rows=count,
        n_features=d,
        task=final,
        classes=classes,
        mean=shift + mean,
        std=_standard_scale(shift + mean, std),
        fingerprint=digest.hexdigest(),
        source=stream.source,
        _kind=labels.kind,
        _floats=labels.floats or not labels.integral,
        _text_cells=stream.text_labels,
        _uniq=uniq,
    )
