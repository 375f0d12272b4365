"""Reading tables and writing outputs whole or not at all.

A CSV file is read as text first, so that what a user wrote is kept: a cell is
missing when it is empty, or, in a column whose other values are all numbers, one of
pandas' usual markers (``NA``, ``NaN``, ``null``, ...). In a text column ``None`` and
``NA`` are categories like any other word, unless ``na_values`` names them. The read
also returns the file's *format* (a plain, JSON-able dict): separator, decimal mark,
quoting, line ending, header line and, per column, its missing-value marker, the
decimals it shows and whether it holds integers. :func:`write_table` and
:func:`write_chunks` write new rows in that format, so synthetic rows look like the
user's own; :func:`write_table` can copy the input file's bytes first, so that an
``augment`` output starts with the input's lines, text for text.

Examples
--------
>>> import pandas as pd
>>> from ganaug.io import format_rows, frame_format
>>> frame = pd.DataFrame({"n": [18.0, None], "c": ["NA", "x"]})
>>> fmt = frame_format(pd.DataFrame({"n": [18.0, 19.5], "c": ["a", "b"]}))
>>> format_rows(frame, fmt)
'18.0,NA\\n,x\\n'
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "NA_MARKERS",
    "TABLE_SUFFIXES",
    "atomic_path",
    "default_output",
    "format_rows",
    "frame_format",
    "fsync_path",
    "read_table",
    "read_table_format",
    "round_to_format",
    "sampled_table",
    "table_kind",
    "umask_mode",
    "write_chunks",
    "write_table",
]

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}

#: pandas' default missing-value strings; they mark a missing value only in a column
#: whose other values are all numbers (in a text column they are categories).
NA_MARKERS = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
})

_SEPARATORS = ",;\t|"
_QUOTE_SCAN_ROWS = 5000  # rows scanned to learn how each column is quoted
_MAX_BARE_VALUES = 50
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_LEADING_ZERO = re.compile(r"^\s*[+-]?0\d")
_MAGIC = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip archive",
    b"\xd0\xcf\x11\xe0": "an Excel workbook (.xls)",
    b"PAR1": "a Parquet file",
}


_SPREADSHEET = ("It is a spreadsheet: save it as CSV (in Excel: File > Save As > CSV UTF-8; "
                "in LibreOffice: Save As > Text CSV) and give ganaug the .csv file.")
_VIA_PANDAS = ("Convert it with pandas, e.g. pandas.{reader}(path).to_parquet('data.parquet'), "
               "and give ganaug the .parquet file.")
_SUFFIX_ADVICE = {
    **dict.fromkeys((".xlsx", ".xlsm", ".xls", ".ods", ".numbers"), _SPREADSHEET),
    **dict.fromkeys((".json", ".jsonl", ".ndjson"), _VIA_PANDAS.format(reader="read_json")),
    **dict.fromkeys((".feather", ".arrow"), _VIA_PANDAS.format(reader="read_feather")),
    **dict.fromkeys((".pkl", ".pickle"), _VIA_PANDAS.format(reader="read_pickle")),
    **dict.fromkeys((".h5", ".hdf5", ".hdf"), _VIA_PANDAS.format(reader="read_hdf")),
    ".dta": _VIA_PANDAS.format(reader="read_stata"),
    ".sav": _VIA_PANDAS.format(reader="read_spss"),
    ".sas7bdat": _VIA_PANDAS.format(reader="read_sas"),
    **dict.fromkeys((".txt", ".dat", ".data"),
                    "If it is text with one row per line, rename it to .csv (or .tsv)."),
    **dict.fromkeys((".gz", ".zip", ".bz2", ".xz", ".zst"),
                    "It is compressed: decompress it first."),
}


def table_kind(path, *, output=False):
    """``"csv"`` or ``"parquet"``, from ``path``'s extension; else a ``ValueError``
    that says what to do instead (an ``.xlsx`` file: save it as CSV).

    ``output``: ``path`` is a file to write (the message says so, and how to name it).

    Examples
    --------
    >>> from ganaug.io import table_kind
    >>> table_kind("data.tsv"), table_kind("data.PQ")
    ('csv', 'parquet')
    """
    suffix = Path(path).suffix
    kind = TABLE_SUFFIXES.get(suffix.lower())
    if kind is None:
        if output:
            role, advice = "Output", "Name it .csv, .tsv, .parquet or .pq. "
        else:
            role, advice = "File", _SUFFIX_ADVICE.get(suffix.lower(), "")
            advice = f"{advice} " if advice else ""
        raise ValueError(
            f"{role} {str(path)!r} has an unsupported extension: ganaug reads and writes "
            f"CSV (.csv, .tsv) and Parquet (.parquet, .pq) files. {advice}Got {suffix!r} instead."
        )
    return kind


# ------------------------------------------------------------------- reading
def read_table(path, *, sep=None, decimal=None, na_values=None):
    """Read a CSV or Parquet file into a DataFrame, with errors that name the file.

    See :func:`read_table_format` for the parameters and how a CSV file is read.
    """
    return read_table_format(path, sep=sep, decimal=decimal, na_values=na_values)[0]


def read_table_format(path, *, sep=None, decimal=None, na_values=None):
    """Read a table and the format it was written in.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` / ``.tsv`` or ``.parquet`` / ``.pq`` file.
    sep : str, optional
        The CSV field separator; by default sniffed (``,``, ``;``, tab or ``|``).
    decimal : str, optional
        The decimal mark of CSV numbers; by default ``.``, or ``,`` when the file is
        not comma-separated and its numbers are written like ``3,14``.
    na_values : iterable of str, optional
        Further cell texts that mean "missing", in every column (text ones too).

    Returns
    -------
    frame : DataFrame
        Numbers as int64 (complete integer columns) or float64, text as object
        (``category`` for codes with leading zeros such as ``"02134"``); Parquet
        keeps its dtypes.
    fmt : dict
        The file's format, JSON-able; see :func:`write_table`.
    """
    path = Path(path)
    kind = table_kind(path)
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a directory; expected a {kind.upper()} file.")
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            names = pq.read_schema(path).names
        except (OSError, ValueError) as exc:
            raise ValueError(f"Could not read {str(path)!r} as Parquet: {exc}") from None
        _check_unique_names(names, path)
        try:
            frame = pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise ValueError(f"Could not read {str(path)!r} as Parquet: {exc}") from None
        _check_rows(frame, path)
        return frame, frame_format(frame)
    return _read_csv(path, sep, decimal, na_values)


def _check_unique_names(names, path):
    """Refuse a header that names a column twice: pandas would rename the second
    ``x.1`` (CSV) or fail later (Parquet), and a synthetic row could not say which
    ``x`` is which. Empty names (pandas' ``Unnamed: i``) may repeat."""
    seen = {}
    for i, name in enumerate(names, start=1):
        if name != "":
            seen.setdefault(name, []).append(i)
    twice = {name: places for name, places in seen.items() if len(places) > 1}
    if twice:
        where = "; ".join(
            f"{name!r} at columns {', '.join(map(str, places[:-1]))} and {places[-1]}"
            for name, places in twice.items()
        )
        raise ValueError(
            f"File {str(path)!r} has more than one column of the same name ({where}); "
            "ganaug needs a distinct name for each column. Rename or drop the repeats."
        )


def _check_rows(frame, path):
    if frame.shape[0] == 0:
        raise ValueError(f"File {str(path)!r} has a header but no rows.")


def _read_csv(path, sep, decimal, na_values):
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"Could not read {str(path)!r}: {exc.strerror}.") from None
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise ValueError(
                f"File {str(path)!r} is {what}, not CSV text, although it is named "
                f"{path.suffix}. Save it as CSV (in Excel: Save As > CSV UTF-8), or give "
                "a Parquet file a .parquet name."
            )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"File {str(path)!r} is not valid UTF-8 text ({exc.reason} at byte {exc.start}); "
            "save it as UTF-8 CSV."
        ) from None
    if not text.strip():
        raise ValueError(f"File {str(path)!r} is empty; expected a header and rows.")
    sep, decimal, quotechar = sniff_csv(text, sep=sep, decimal=decimal)
    header = next(csv.reader(io.StringIO(text), delimiter=sep, quotechar=quotechar), [])
    _check_unique_names(header, path)
    try:
        cells = pd.read_csv(
            io.StringIO(text), sep=sep, quotechar=quotechar, dtype=str,
            keep_default_na=False, na_filter=False, engine="c",
        )
    except pd.errors.EmptyDataError:
        raise ValueError(f"File {str(path)!r} is empty; expected a header and rows.") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise ValueError(f"Could not read {str(path)!r}: {exc}") from None
    _check_rows(cells, path)
    quoting = _quote_styles(text, sep, quotechar, cells.shape[1])
    extra_na = set(na_values or ())
    frame = {}
    columns = []
    for (name, values), (quoted, bare) in zip(cells.items(), quoting):
        series, col = _convert_column(values.fillna(""), decimal, extra_na)
        col.update(name=name, quoted=quoted, bare=bare)
        frame[name] = series
        columns.append(col)
    first_line = text.split("\n", 1)[0]
    fmt = {
        "source": "csv",
        "sep": sep,
        "decimal": decimal,
        "quotechar": quotechar,
        "lineterminator": "\r\n" if first_line.endswith("\r") else "\n",
        "header": first_line.rstrip("\r"),
        "columns": columns,
    }
    return pd.DataFrame(frame, columns=cells.columns), fmt


def sniff_csv(text, *, sep=None, decimal=None):
    """The separator, decimal mark and quote character of CSV ``text``.

    ``csv.Sniffer`` picks the separator among ``, ; tab |``; a separator that does not
    split the header line is not believed (then ``,``). The decimal mark is ``,``
    when the separator is not a comma and numbers are written like ``3,14`` and
    never like ``3.14``.
    """
    sample = text[:65536]
    quotechar = '"'
    header = sample.split("\n", 1)[0]
    if sep is None:
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=_SEPARATORS)
            sep = dialect.delimiter
            if dialect.quotechar in ("'", '"'):
                quotechar = dialect.quotechar
        except csv.Error:
            sep = None
        if sep is None or sep not in header:
            counts = {s: header.count(s) for s in _SEPARATORS}
            best = max(counts, key=counts.get)
            sep = best if counts[best] else ","
    if decimal is None:
        decimal = "."
        if sep != ",":
            body = sample.split("\n", 1)[1] if "\n" in sample else ""
            if re.search(r"(^|[" + re.escape(sep) + r"\"])[+-]?\d+,\d+([" + re.escape(sep)
                         + r"\"]|\r?$)", body, re.MULTILINE) and not re.search(
                             r"(^|[" + re.escape(sep) + r"\"])[+-]?\d*\.\d+([" + re.escape(sep)
                             + r"\"]|\r?$)", body, re.MULTILINE):
                decimal = ","
    return sep, decimal, quotechar


def _quote_styles(text, sep, quotechar, n_columns):
    """Per column: whether its values are quoted, and the values written bare anyway.

    R quotes text but writes a missing text value as a bare ``NA``; such exceptions
    are kept (up to 50 per column) so that new rows are quoted the same way.
    """
    reader = csv.reader(io.StringIO(text[: 2**22]), delimiter=sep, quoting=csv.QUOTE_NONE)
    quoted = [0] * n_columns
    bare = [0] * n_columns
    bare_values = [set() for _ in range(n_columns)]
    next(reader, None)
    try:
        for _, row in zip(range(_QUOTE_SCAN_ROWS), reader):
            if len(row) != n_columns:
                continue  # a separator or line break inside quotes: not this row
            for j, token in enumerate(row):
                if not token:
                    continue
                if len(token) >= 2 and token[0] == quotechar and token[-1] == quotechar:
                    quoted[j] += 1
                else:
                    bare[j] += 1
                    if len(bare_values[j]) < _MAX_BARE_VALUES:
                        bare_values[j].add(token)
    except csv.Error:
        pass
    return [
        (q > b, sorted(values) if q > b else [])
        for q, b, values in zip(quoted, bare, bare_values)
    ]


def _convert_column(values, decimal, extra_na):
    """A column of cell texts as numbers or text, and what its format is."""
    missing_num = values.isin(NA_MARKERS | extra_na)
    present = values[~missing_num]
    numbers = present if decimal == "." else present.str.replace(decimal, ".", regex=False)
    parsed = pd.to_numeric(numbers, errors="coerce")
    is_number = bool(parsed.notna().all()) and not present.str.match(_LEADING_ZERO).any()
    if is_number:
        markers = values[missing_num]
        integral = bool(present.str.match(_INTEGER).all())
        col = {"kind": "number", "missing": _most_common(markers), "integral": integral}
        if not integral:
            col.update(_decimals_shown(numbers))
        series = pd.Series(np.nan, index=values.index, dtype=np.float64)
        series[~missing_num] = parsed.astype(np.float64)
        if integral and not missing_num.any():
            series = parsed.astype(np.int64) if len(parsed) else series
        return series, col
    missing = (values == "") | values.isin(extra_na)
    col = {"kind": "text", "missing": _most_common(values[missing])}
    series = values.astype(object).where(~missing, np.nan)
    if len(present) and present.str.match(_LEADING_ZERO).any() and bool(parsed.notna().all()):
        series = series.astype("category")  # codes such as zip codes: text, as written
    return series, col


def _most_common(markers):
    if markers.empty:
        return ""
    return Counter(markers.tolist()).most_common(1)[0][0]


def _decimals_shown(numbers):
    """Most and fewest decimals written in a column of number texts."""
    texts = numbers.str.strip()
    if texts.str.contains("[eE]", regex=True).any():
        return {"exponent": True, "decimals": None, "min_decimals": 0}
    digits = texts.str.partition(".")[2].str.len()
    return {
        "exponent": False,
        "decimals": int(digits.max()) if len(digits) else 0,
        "min_decimals": int(digits.min()) if len(digits) else 0,
    }


def frame_format(frame):
    """The format of a DataFrame that came from no CSV file (Parquet, Python).

    Comma-separated, unquoted unless needed, missing values empty; an integer column
    is written without decimals, a float column with as many as its values show
    (so ``19.1`` stays ``19.1``, not ``19.100000000000005``).
    """
    columns = []
    for name, series in frame.items():
        dtype = series.dtype
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            col = {"name": name, "kind": "number", "missing": "",
                   "integral": pd.api.types.is_integer_dtype(dtype), "quoted": False, "bare": []}
            if not col["integral"]:
                values = series.dropna().to_numpy(dtype=np.float64)
                col.update(_decimals_of_floats(values))
        else:
            col = {"name": name, "kind": "text", "missing": "", "quoted": False, "bare": []}
        columns.append(col)
    return {"source": "frame", "sep": ",", "decimal": ".", "quotechar": '"',
            "lineterminator": "\n", "header": None, "columns": columns}


def _decimals_of_floats(values):
    texts = [repr(v) for v in values[np.isfinite(values)].tolist()]
    if any("e" in t or "inf" in t or "nan" in t for t in texts):
        return {"exponent": True, "decimals": None, "min_decimals": 0}
    digits = [len(t) - t.index(".") - 1 for t in texts]
    return {"exponent": False, "decimals": max(digits, default=1),
            "min_decimals": min(digits, default=1)}


# ------------------------------------------------------------------- writing
def round_to_format(frame, fmt):
    """Round float columns to the decimals their format shows (new rows only)."""
    frame = frame.copy()
    for col in fmt["columns"]:
        name = col["name"]
        if (col["kind"] == "number" and not col.get("integral") and col.get("decimals") is not None
                and name in frame.columns and pd.api.types.is_float_dtype(frame[name].dtype)):
            frame[name] = frame[name].round(col["decimals"])
    return frame


def format_rows(frame, fmt):
    """CSV text of ``frame``'s rows in ``fmt`` (every line ends with its terminator).

    Columns come in ``fmt``'s order; each writes a missing value with its own
    marker, numbers at the decimals the column shows (integers without ``.0``),
    text quoted the way the column was.
    """
    if len(frame) == 0:
        return ""
    sep, quotechar = fmt["sep"], fmt["quotechar"]
    cells = []
    for col in fmt["columns"]:
        values = frame[col["name"]]
        if col["kind"] == "number" and (
            pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
        ):
            texts = _number_texts(values, col, fmt["decimal"], quotechar)
        else:
            texts = _text_texts(values, col, sep, quotechar)
        cells.append(texts.tolist())
    terminator = fmt["lineterminator"]
    return terminator.join(map(sep.join, zip(*cells))) + terminator


def _by_unique(values, missing_text, to_text):
    """``to_text`` applied once per distinct value (pandas.factorize), missing -> marker."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.array([to_text(u) for u in uniques.tolist()] + [missing_text], dtype=object)
    return lookup[codes]  # code -1 (missing) picks the marker at the end


def _number_texts(values, col, decimal, quotechar):
    x = values.to_numpy(dtype=np.float64, na_value=np.nan)
    if col.get("integral"):
        x = np.rint(x)
        to_text = _int_text
    elif col.get("exponent") or col.get("decimals") is None:
        to_text = repr
    else:
        d, low = col["decimals"], col["min_decimals"]
        x = np.round(x, d)
        to_text = lambda f: _fixed(f, d, low)  # noqa: E731
    quote = quotechar if col.get("quoted") else ""
    if decimal != "." or quote:
        plain = to_text
        to_text = lambda f: quote + plain(f).replace(".", decimal) + quote  # noqa: E731
    return _by_unique(x, col["missing"], to_text)


def _int_text(value):
    return str(int(value))


def _fixed(value, decimals, low):
    """``value`` (already rounded) with at least ``low`` and at most ``decimals`` decimals."""
    text = repr(value)
    if "e" in text:
        text = f"{value:.{decimals}f}".rstrip("0")
    head, _, tail = text.partition(".")
    if tail == "0" and low == 0:
        return head
    if len(tail) < low:
        tail = tail + "0" * (low - len(tail))
    return f"{head}.{tail}" if tail else head


def _text_texts(values, col, sep, quotechar):
    bare = set(col.get("bare") or ())
    always = col.get("quoted", False)
    special = (sep, quotechar, "\n", "\r")

    def to_text(value):
        text = str(value)
        if (always and text not in bare) or any(s in text for s in special) or text != text.strip():
            text = quotechar + text.replace(quotechar, quotechar * 2) + quotechar
        return text

    return _by_unique(values.astype(object).to_numpy(), col["missing"], to_text)


def _header_line(fmt, columns):
    if fmt.get("header") is not None:
        return fmt["header"]
    col = {"missing": "", "quoted": False}
    return fmt["sep"].join(
        _text_texts(pd.Series(list(map(str, columns)), dtype=object), col, fmt["sep"],
                    fmt["quotechar"]).tolist()
    )


@contextlib.contextmanager
def atomic_path(path, *, force=False):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    An interrupted or failed write leaves no partial file behind, and the data reach
    the disk (``fsync``) before the rename, so that a crash right after it cannot
    leave an empty or partial file under ``path``. Without ``force``, an existing
    ``path`` is refused before any work is done.
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"Output {str(path)!r} already exists; use --force to replace it.")
    if path.is_dir():
        raise IsADirectoryError(f"Output {str(path)!r} is a directory; expected a file path.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, umask_mode(0o666))  # mkstemp makes 0600; give the usual umask mode
        fsync_path(tmp)
        os.replace(tmp, path)
        fsync_path(path.parent)  # the rename itself
    finally:
        tmp.unlink(missing_ok=True)


def fsync_path(path):
    """Flush a file's (or, on POSIX, a folder's) data to the disk."""
    if Path(path).is_dir() and os.name != "posix":
        return  # folders cannot be opened for fsync on Windows
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def umask_mode(mode):
    """``mode`` (0o666 for a file, 0o777 for a folder) less the process's umask: the
    mode a plain ``open`` or ``mkdir`` would give."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def sampled_table(X_new, y_new, *, fmt=None, target=None):
    """Synthetic rows as ``ganaug sample`` writes them: a DataFrame (columns ``x0``,
    ``x1``, ... for an array) with the labels ``y_new`` as the target column, in the
    training file's place and with floats rounded to its decimals when ``fmt`` (a
    model's ``table_format_``) is given, else last, named ``target`` (or "target")."""
    frame = X_new if hasattr(X_new, "columns") else pd.DataFrame(
        X_new, columns=[f"x{i}" for i in range(X_new.shape[1])])
    frame = frame.reset_index(drop=True)
    if fmt is None:
        frame[target or "target"] = np.asarray(y_new)
        return frame
    frame.insert(fmt["target_position"], fmt["target"], np.asarray(y_new))
    return round_to_format(frame, fmt)


def write_table(frame, path, *, force=False, fmt=None, head=None):
    """Write ``frame`` as CSV or Parquet (from the extension), atomically.

    Parameters
    ----------
    frame : DataFrame
    path : str or Path
    force : bool, default=False
        Replace an existing file.
    fmt : dict, optional
        The format to write CSV rows in (from :func:`read_table_format`); by
        default :func:`frame_format` of ``frame``. Parquet keeps the dtypes.
    head : str or Path, optional
        A CSV file whose bytes (header and rows, unchanged) come first; ``frame``'s
        rows are appended after them, in ``fmt``.
    """
    return write_chunks([frame], path, force=force, fmt=fmt, head=head)


def write_chunks(chunks, path, *, force=False, fmt=None, head=None):
    """Write an iterable of DataFrames as one CSV or Parquet file, atomically.

    Only one chunk is in memory at a time: CSV text is appended chunk by chunk and
    Parquet goes through ``pyarrow.parquet.ParquetWriter`` (one row group per chunk),
    both into a temporary file renamed at the end. Returns the number of rows written
    from ``chunks``. The first chunk sets the Parquet schema; give at least one chunk
    (it may have no rows). See :func:`write_table` for ``fmt`` and ``head``.
    """
    kind = table_kind(path, output=True)
    chunks = iter(chunks)
    with atomic_path(path, force=force) as tmp:
        if kind == "csv":
            return _write_csv_chunks(chunks, tmp, fmt, head)
        return _write_parquet_chunks(chunks, tmp)


def _write_csv_chunks(chunks, tmp, fmt, head):
    rows = 0
    with open(tmp, "wb") as out:
        first = next(chunks)
        fmt = fmt or frame_format(first)
        terminator = fmt["lineterminator"].encode()
        if head is not None:
            with open(head, "rb") as source:
                shutil.copyfileobj(source, out)
                if source.tell():
                    source.seek(-1, os.SEEK_END)
                    if source.read(1) != b"\n":  # the last line had no line break
                        out.write(terminator)
        else:
            header = _header_line(fmt, [c["name"] for c in fmt["columns"]])
            out.write(header.encode("utf-8") + terminator)
        for chunk in _chain_first(first, chunks):
            out.write(format_rows(chunk, fmt).encode("utf-8"))
            rows += len(chunk)
    return rows


def _write_parquet_chunks(chunks, tmp):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 0
    first = next(chunks)
    schema = pa.Schema.from_pandas(first, preserve_index=False)
    for i, field in enumerate(schema):
        if pa.types.is_null(field.type):  # all missing in the first chunk: text
            schema = schema.set(i, field.with_type(pa.string()))
    with pq.ParquetWriter(tmp, schema) as writer:
        for chunk in _chain_first(first, chunks):
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
            rows += len(chunk)
    return rows


def _chain_first(first, rest):
    yield first
    yield from rest


def default_output(input_path, tag="augmented"):
    """``data.csv`` -> ``data.augmented.csv``, beside the input."""
    input_path = Path(input_path)
    return input_path.with_name(f"{input_path.stem}.{tag}{input_path.suffix}")
