"""Property-based tests of the shared parsers in ``analysis.load._base``.

Whatever bytes or text a publisher sends, the parsers either return what the design says or
raise one :class:`LoaderError` naming the dataset and file; never another exception, never a
suppression marker read as zero, never a number that was not in the file.
"""

from __future__ import annotations

import hashlib
import math
import string

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import sources
from analysis.load import _base
from analysis.load._base import SUPPRESSION_MARKERS, LoaderError

DS, FN = "demo", "data.csv"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

markers = st.sampled_from([m for m in SUPPRESSION_MARKERS])
numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.integers(min_value=0, max_value=10**9).map(lambda n: f"{n:,}"),  # thousands separators
)
junk = st.text(min_size=1, max_size=12)


# ----------------------------------------------------------------------------- to_number


@SETTINGS
@given(st.lists(st.one_of(numbers, markers, junk), min_size=1, max_size=30))
def test_to_number_returns_numbers_and_flags_or_a_loader_error(values):
    s = pd.Series(values, dtype=object)
    try:
        num, flag = _base.to_number(s, dataset=DS, filename=FN, column="value")
    except LoaderError as exc:
        msg = str(exc)
        assert DS in msg and FN in msg and "'value'" in msg
        return
    assert len(num) == len(s) and len(flag) == len(s)
    assert num.dtype == np.float64
    for raw, v, f in zip(values, num, flag):
        text = str(raw).strip()
        if text in SUPPRESSION_MARKERS:
            assert f and math.isnan(v), (raw, v, f)  # missing and flagged, never zero
        else:
            assert not f and math.isfinite(v), (raw, v, f)
            assert v == pytest.approx(float(text.replace(",", "")), rel=1e-12, abs=0)


@SETTINGS
@given(st.lists(markers, min_size=1, max_size=20))
def test_suppression_markers_are_never_zero(values):
    num, flag = _base.to_number(pd.Series(values), dataset=DS, filename=FN, column="value")
    assert flag.all() and num.isna().all()
    assert not (num == 0).any()


@pytest.mark.parametrize("bad", ["inf", "-Infinity", "1e999", "nan", "NaN", "twelve", "12%", "1.2.3", "0x10"])
def test_to_number_refuses_non_figures(bad):
    with pytest.raises(LoaderError, match=r"column 'value'.*expected numbers"):
        _base.to_number(pd.Series(["1.5", bad]), dataset=DS, filename=FN, column="value")


# ----------------------------------------------------------------------------- check_codes / check_unique


@SETTINGS
@given(
    st.lists(
        st.one_of(st.from_regex(r"E01\d{6}", fullmatch=True), st.text(max_size=10), st.none()), min_size=1, max_size=30
    )
)
def test_check_codes_accepts_only_matching_codes(values):
    s = pd.Series(values, dtype=object)
    ok = all(
        isinstance(v, str) and len(v) == 9 and v.startswith("E01") and v[3:].isdigit() and v[3:].isascii()
        for v in values
    )
    if ok:
        _base.check_codes(s, r"E01\d{6}", dataset=DS, filename=FN, column="lsoa")
    else:
        with pytest.raises(LoaderError, match=r"column 'lsoa'"):
            _base.check_codes(s, r"E01\d{6}", dataset=DS, filename=FN, column="lsoa")


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 3)), min_size=1, max_size=20))
def test_check_unique(rows):
    df = pd.DataFrame(rows, columns=["org", "year"])
    if df.duplicated(["org", "year"]).any():
        with pytest.raises(LoaderError, match="duplicated key"):
            _base.check_unique(df, ["org", "year"], DS, FN)
    else:
        _base.check_unique(df, ["org", "year"], DS, FN)


# ----------------------------------------------------------------------------- validate

SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$")),
        "value": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    },
    strict=False,
    coerce=True,
)


@SETTINGS
@given(st.data())
def test_validate_raises_only_loader_errors(data):
    n = data.draw(st.integers(1, 15))
    idx = data.draw(st.sampled_from(["range", "strings", "dupes"]))
    codes = data.draw(
        st.lists(st.one_of(st.from_regex(r"E\d{8}", fullmatch=True), st.text(max_size=6)), min_size=n, max_size=n)
    )
    values = data.draw(st.lists(st.one_of(st.floats(-50, 150), st.text(max_size=4), st.none()), min_size=n, max_size=n))
    df = pd.DataFrame({"code": codes, "value": values}, dtype=object)
    if idx == "strings":
        df.index = [f"r{i}" for i in range(n)]
    elif idx == "dupes":
        df.index = [0] * n
    try:
        out = _base.validate(df, SCHEMA, DS, FN)
    except LoaderError as exc:
        assert DS in str(exc) and FN in str(exc)
        return
    assert out["value"].dropna().between(0, 100).all()
    assert out["code"].str.fullmatch(r"E\d{8}").all()


# ----------------------------------------------------------------------------- read_csv on arbitrary bytes


@pytest.fixture
def one_file(tmp_path, monkeypatch):
    """Write arbitrary bytes as demo/data.csv with a matching manifest; return the writer."""
    mirror = tmp_path / "mirror"
    (mirror / DS).mkdir(parents=True)
    manifest = tmp_path / "sources.yml"
    monkeypatch.setenv("ANALYSIS_SOURCES", str(manifest))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("ANALYSIS_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.delenv("ANALYSIS_INPUTS_LOG", raising=False)

    def write(raw: bytes, name: str = FN) -> None:
        (mirror / DS / name).write_bytes(raw)
        manifest.write_text(
            yaml.safe_dump({"datasets": {DS: {"files": {name: {"sha256": hashlib.sha256(raw).hexdigest()}}}}})
        )
        sources._load_manifest.cache_clear()

    return write


csv_text = st.text(alphabet=string.printable + "£é\u00a0\ufeff\x00", max_size=300)


@SETTINGS
@given(raw=st.one_of(st.binary(max_size=300), csv_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_read_csv_on_arbitrary_bytes_gives_a_table_or_a_loader_error(one_file, raw):
    one_file(raw)
    try:
        df = _base.read_csv(DS, FN, required=["code", "value"], dtype=str)
    except LoaderError as exc:
        assert DS in str(exc) and FN in str(exc)
        return
    assert {"code", "value"} <= set(df.columns) and len(df) > 0


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(
            st.from_regex(r"E\d{8}", fullmatch=True), st.floats(0, 1000, allow_nan=False).map(lambda v: f"{v:.3f}")
        ),
        min_size=2,
        max_size=40,
    ),
    cut=st.floats(0.05, 0.95),
)
def test_a_csv_cut_off_inside_a_row_is_refused(one_file, rows, cut):
    header = "code,name,value\n"
    body = "".join(f"{c},Area {i},{v}\n" for i, (c, v) in enumerate(rows))
    text = header + body
    # Cut inside the last row's first field: fewer fields than the header, no final newline.
    last_start = len(header) + len(body) - len(body.splitlines(True)[-1])
    pos = last_start + max(1, int(cut * 8))
    one_file(text[:pos].encode())
    with pytest.raises(LoaderError, match="truncated"):
        _base.read_csv(DS, FN, required=["code", "value"], dtype=str)
    # The whole file, with or without its final newline, is read.
    one_file(text.encode())
    assert len(_base.read_csv(DS, FN, required=["code", "value"], dtype=str)) == len(rows)
    one_file(text.rstrip("\n").encode())
    assert len(_base.read_csv(DS, FN, required=["code", "value"], dtype=str)) == len(rows)


def test_truncated_gzip_is_a_loader_error(one_file):
    import gzip

    raw = gzip.compress(("code,value\n" + "E06000019,1.5\n" * 5000).encode())
    one_file(raw[: len(raw) // 2], name="data.csv.gz")
    with pytest.raises(LoaderError, match=r"demo.*data\.csv\.gz.*could not be parsed"):
        _base.read_csv(DS, "data.csv.gz", required=["code", "value"], compression="gzip")
    one_file(b"this is not gzip at all", name="data.csv.gz")
    with pytest.raises(LoaderError, match="could not be parsed"):
        _base.read_csv(DS, "data.csv.gz", required=["code", "value"], compression="gzip")


def test_missing_usecols_column_says_which_and_suggests_the_rename(one_file):
    one_file(b"Area Code,Value\nE06000019,1.5\n")
    with pytest.raises(LoaderError) as exc:
        _base.read_csv(DS, FN, required=["Area code", "Value"], usecols=["Area code", "Value"])
    msg = str(exc.value)
    assert "'Area code'" in msg and "found 'Area Code': renamed?" in msg


def test_empty_and_header_only_files(one_file):
    one_file(b"")
    with pytest.raises(LoaderError, match="empty"):
        _base.read_csv(DS, FN)
    one_file(b"code,value\n")
    with pytest.raises(LoaderError, match="no data rows"):
        _base.read_csv(DS, FN)
