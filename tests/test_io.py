"""Reading tables as written and writing new rows like them (ganaug.io); no training here."""

import numpy as np
import pandas as pd
import pytest

from ganaug.io import (
    format_rows,
    frame_format,
    read_table,
    read_table_format,
    round_to_format,
    write_chunks,
    write_table,
)

# Written like R's write.csv (MASS::survey and MASS::Cars93): text quoted, a missing
# value a bare NA, integer columns with gaps, "None" a real category.
R_STYLE = (
    '"","Sex","Wr.Hnd","Clap","Exer","Pulse","AirBags","Age"\n'
    '"1","Female",18.5,"Left","Some",92,"None",18.25\n'
    '"2","Male",19.5,"Left","None",104,"Driver only",17.583\n'
    '"3","Male",18,"Neither","None",NA,"None",16.917\n'
    '"4","Male",18.8,NA,"Freq",87,"Driver & Passenger",20.333\n'
    '"5",NA,NA,"Right","Some",35,"None",23.667\n'
)


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _as_file(fmt, frame):
    return fmt["header"] + fmt["lineterminator"] + format_rows(frame, fmt)


def test_r_style_file_reads_as_written(tmp_path):
    frame, fmt = read_table_format(_write(tmp_path, R_STYLE))
    # text columns: None and NA are categories, not missing values
    assert frame["AirBags"].tolist().count("None") == 3
    assert frame["Exer"].tolist() == ["Some", "None", "None", "Freq", "Some"]
    assert frame["Clap"].tolist()[3] == "NA" and frame["Sex"].tolist()[4] == "NA"
    # number columns: NA is missing; an integer column with a gap stays integral
    assert frame["Pulse"].isna().tolist() == [False, False, True, False, False]
    assert frame["Wr.Hnd"].isna().sum() == 1 and frame["Age"].dtype == np.float64
    assert frame["Unnamed: 0"].dtype == np.int64
    cols = {c["name"]: c for c in fmt["columns"]}
    assert cols["Pulse"]["integral"] and cols["Pulse"]["missing"] == "NA"
    assert (cols["Age"]["decimals"], cols["Age"]["min_decimals"]) == (3, 2)
    assert cols["Clap"]["quoted"] and cols["Clap"]["bare"] == ["NA"]
    # the whole table written in its format is the file, byte for byte
    assert _as_file(fmt, frame) == R_STYLE


def test_new_rows_are_written_like_their_column(tmp_path):
    frame, fmt = read_table_format(_write(tmp_path, R_STYLE))
    new = pd.DataFrame({
        "Unnamed: 0": [6, 7],
        "Sex": ["Male", np.nan],
        "Wr.Hnd": [19.100000000000005, np.nan],
        "Clap": ["NA", 'say "hi", Left'],
        "Exer": ["None", "Some"],
        "Pulse": [18.0, np.nan],
        "AirBags": ["None", "None"],
        "Age": [17.0, 19.12345],
    })
    lines = format_rows(round_to_format(new, fmt), fmt).splitlines()
    assert lines == [
        '"6","Male",19.1,NA,"None",18,"None",17.00',
        '"7",,NA,"say ""hi"", Left","Some",NA,"None",19.123',
    ]


def test_round_to_format_and_frame_format():
    fmt = frame_format(pd.DataFrame({"x": [19.1, 2.25], "k": [1, 2], "c": ["a", None]}))
    cols = {c["name"]: c for c in fmt["columns"]}
    assert cols["x"]["decimals"] == 2 and cols["k"]["integral"] and cols["c"]["kind"] == "text"
    new = pd.DataFrame({"x": [19.100000000000005, 3.0], "k": [3, 4], "c": [None, "b"]})
    assert round_to_format(new, fmt)["x"].tolist() == [19.1, 3.0]
    assert format_rows(new, fmt) == "19.1,3,\n3.0,4,b\n"


@pytest.mark.parametrize(
    "text, sep, decimal",
    [
        ("a\tb\tlabel\n1.5\tx\tp\n2.25\ty\tq\n", "\t", "."),
        ("a;b;label\n1,5;x;p\n2,25;y;q\n", ";", ","),
        ("a|b|label\n1.5|x|p\n2.25|y|q\n", "|", "."),
        ("a,b,label\n1.5,x,p\n2.25,y,q\n", ",", "."),
    ],
    ids=["tsv", "semicolon-decimal-comma", "pipe", "comma"],
)
def test_separator_and_decimal_are_sniffed(tmp_path, text, sep, decimal):
    frame, fmt = read_table_format(_write(tmp_path, text))
    assert (fmt["sep"], fmt["decimal"]) == (sep, decimal)
    assert frame["a"].tolist() == [1.5, 2.25] and frame["b"].tolist() == ["x", "y"]
    assert _as_file(fmt, frame) == text
    new = pd.DataFrame({"a": [3.75], "b": ["z"], "label": ["p"]})
    assert format_rows(new, fmt) == sep.join([f"3{decimal}75", "z", "p"]) + "\n"


def test_separator_and_decimal_can_be_given(tmp_path):
    path = _write(tmp_path, "a;b\n1,5;2\n")
    assert read_table(path, sep=";", decimal=".")["a"].tolist() == ["1,5"]  # then text
    assert read_table(path, sep=";", decimal=",")["a"].tolist() == [1.5]


def test_na_values_make_text_missing(tmp_path):
    path = _write(tmp_path, R_STYLE)
    frame = read_table(path, na_values=["NA"])
    assert frame["Clap"].isna().tolist() == [False, False, False, True, False]
    assert (frame["AirBags"] == "None").sum() == 3  # only the markers named
    frame = read_table(path, na_values=["NA", "None"])
    assert frame["AirBags"].isna().sum() == 3


def test_codes_with_leading_zeros_stay_text(tmp_path):
    frame, fmt = read_table_format(_write(tmp_path, "zip,label\n02134,a\n10001,b\n00501,a\n"))
    assert isinstance(frame["zip"].dtype, pd.CategoricalDtype)
    assert frame["zip"].tolist() == ["02134", "10001", "00501"]
    assert format_rows(frame, fmt) == "02134,a\n10001,b\n00501,a\n"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04rest-of-a-zip", "is an Excel workbook \\(.xlsx\\).*not CSV text.*named .csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "is an Excel workbook \\(.xls\\)"),
        (b"PAR1....", "is a Parquet file.*\\.parquet name"),
        (b"a,b\n1,\xff\n", "is not valid UTF-8"),
        (b"", "is empty"),
        (b"a,b\n", "has a header but no rows"),
    ],
    ids=["xlsx", "xls", "parquet", "latin1", "empty", "header-only"],
)
def test_files_that_are_not_csv_text(tmp_path, content, message):
    with pytest.raises(ValueError, match=f"File '.*data.csv' {message}"):
        read_table(_write(tmp_path, content))


def test_head_is_copied_and_rows_appended(tmp_path):
    source = _write(tmp_path, "a;b\r\n1,5;x", name="in.csv")  # no final line break
    frame, fmt = read_table_format(source)
    out = tmp_path / "out.csv"
    write_table(pd.DataFrame({"a": [2.0], "b": ["y"]}), out, fmt=fmt, head=source)
    assert out.read_bytes() == b"a;b\r\n1,5;x\r\n2,0;y\r\n"


def test_chunks_make_the_same_csv_as_one_frame(tmp_path):
    frame, fmt = read_table_format(_write(tmp_path, R_STYLE))
    write_table(frame, tmp_path / "one.csv", fmt=fmt)
    parts = [frame.iloc[:2], frame.iloc[2:2], frame.iloc[2:]]
    assert write_chunks(parts, tmp_path / "parts.csv", fmt=fmt) == len(frame)
    assert (tmp_path / "one.csv").read_text() == (tmp_path / "parts.csv").read_text() == R_STYLE


def test_parquet_chunks_keep_dtypes(tmp_path):
    cat = pd.CategoricalDtype(["42", "21", "6"])

    def chunk(values, text):
        return pd.DataFrame({
            "x": np.array(values, dtype=float),
            "k": np.arange(len(values), dtype=np.int64),
            "state": pd.Series(["42", "6"][: len(values)], dtype=cat),
            "note": pd.Series(text, dtype=object),
        })

    chunks = [chunk([1.5, 2.0], [None, None]), chunk([3.0], ["z"])]  # first: no text yet
    assert write_chunks(chunks, tmp_path / "out.parquet") == 3
    back = pd.read_parquet(tmp_path / "out.parquet")
    assert back["x"].tolist() == [1.5, 2.0, 3.0] and back["k"].dtype == np.int64
    assert back["state"].dtype == cat and back["note"].tolist()[2] == "z"


def test_failed_chunk_leaves_no_file(tmp_path):
    def chunks():
        yield pd.DataFrame({"a": [1]})
        raise RuntimeError("interrupted")

    for name in ("out.csv", "out.parquet"):
        with pytest.raises(RuntimeError, match="interrupted"):
            write_chunks(chunks(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------ files ganaug cannot read
@pytest.mark.parametrize(
    "name, advice",
    [("data.xlsx", "save it as CSV"), ("data.ods", "save it as CSV"),
     ("data.json", "pandas.read_json(path).to_parquet"), ("data.txt", "rename it to .csv"),
     ("data.csv.gz", "decompress it first"), ("data.weird", "Got '.weird' instead")],
)
def test_unknown_extension_says_what_to_do(tmp_path, name, advice):
    path = _write(tmp_path, "a,b\n1,2\n", name)
    with pytest.raises(ValueError, match="unsupported extension") as info:
        read_table(path)
    assert advice in str(info.value) and name in str(info.value)


def test_unknown_output_extension_is_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match=r"Output .*out\.xlsx.* Name it \.csv"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_duplicate_csv_columns_are_refused(tmp_path):
    path = _write(tmp_path, "x,y,x,,\n1,2,3,4,5\n")  # two empty names are pandas' Unnamed
    with pytest.raises(ValueError, match=r"more than one column of the same name \('x' at "
                       r"columns 1 and 3\)") as info:
        read_table(path)
    assert str(path) in str(info.value)
    # quoted names are names: "x" and x are the same column name
    quoted = _write(tmp_path, '"a";"b";"a"\n1;2;3\n', "quoted.csv")
    with pytest.raises(ValueError, match="'a' at columns 1 and 3"):
        read_table(quoted)
    assert list(read_table(_write(tmp_path, "x,y,x.1\n1,2,3\n", "fine.csv"))) == ["x", "y", "x.1"]


def test_duplicate_parquet_columns_are_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array([1, 2]), pa.array([3, 4]), pa.array([5, 6])],
                            names=["x", "y", "x"]), path)
    with pytest.raises(ValueError, match=r"dup\.parquet.*'x' at columns 1 and 3"):
        read_table(path)
