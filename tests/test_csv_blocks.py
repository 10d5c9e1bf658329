"""The CSV reader splits a file without any quote byte into blocks at every line end (a cell can only hold a
line break when quoted); a file with quotes is read the careful way. Both give what the careful way gives."""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from zyfw_checks.load import cells  # noqa: E402

CELL = st.text(alphabet="张三李四志愿服务 0123456789:-/年月日\t'＂", max_size=8)


def _both(monkeypatch, data: bytes, width: int, encoding: str):
    fast = cells._arrow_csv(data, ",", width, encoding=encoding)
    with monkeypatch.context() as m:
        m.setattr(cells, "_may_quote_newlines", lambda _data: True)
        careful = cells._arrow_csv(data, ",", width, encoding=encoding)
    return fast, careful


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=40), st.sampled_from(["utf-8", "gb18030"]),
       st.sampled_from(["\n", "\r\n"]), st.integers(0, 3))
def test_a_file_without_quotes_reads_as_the_careful_reader_reads_it(monkeypatch, rows, encoding, newline, blanks):
    text = newline.join(",".join(r) for r in rows) + newline * blanks
    data = text.encode(encoding)
    assert not cells._may_quote_newlines(data)
    fast, careful = _both(monkeypatch, memoryview(data), 3, encoding)
    assert (fast is None) == (careful is None)
    if fast is not None:
        assert fast.equals(careful) and len(fast) == len(careful)


def test_a_quoted_line_break_stays_in_its_cell():
    """Past one 8 MB block, a file whose quoted cells hold line breaks is still read whole by the fast reader
    (split freely at line ends, it would cut those cells: the reader then gives up)."""
    lines = [f'张{k},"上午\n下午{k}",{k % 5}' for k in range(400_000)]
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > 8 << 20 and cells._may_quote_newlines(memoryview(data)[3:])
    frame = cells._arrow_csv(memoryview(data), ",", 3)
    assert frame is not None and frame.shape == (400_000, 3) and frame.iloc[123_456, 1] == "上午\n下午123456"


def test_gb18030_text_never_holds_a_quote_byte():
    """The premise: in GB18030 (and GBK) no byte of a Chinese character is 0x22."""
    sample = "".join(chr(c) for c in range(0x4E00, 0x9FA6)) + "，。“”（）【】１２３"
    assert b'"' not in sample.encode("gb18030") and b'"' not in sample.encode("utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_file_bigger_than_one_block_reads_as_the_careful_reader_reads_it(monkeypatch, encoding):
    """Past the reader's 8 MB block the file is split at line ends and read in parallel: rows of varied width
    and blank lines (kept as rows) land in the same place as when read in one careful pass."""
    import numpy as np

    rng = np.random.default_rng(7)
    words = ["张三", "社区环境清扫", "2025年9月20日 下午2:30-4:30", "", "1.5", "志愿者协会", "x" * 40]
    picks = rng.integers(0, len(words), (400_000, 3))
    lines = [",".join(words[j] for j in row) if k % 97 else "" for k, row in enumerate(picks)]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    assert len(data) > 2 * (8 << 20) and not cells._may_quote_newlines(data)
    fast, careful = _both(monkeypatch, data, 3, encoding)
    assert fast is not None and len(fast) == len(lines)
    assert fast.equals(careful)
