"""The folder check on a real cluster engine (Dask, local cluster of two worker processes): the
findings equal the in-memory check of everything at once, column by column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("duckdb", reason="the folder check needs the batch extra (duckdb)")
pytest.importorskip("distributed", reason="the cluster engine needs the cluster extra (dask, distributed)")

from tests.test_batch import in_memory, make_records  # noqa: E402
from zyfw_checks.staff import batch, cluster  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """30k records in two files (csv with an unreadable cell, parquet); volunteers recur across them."""
    d = tmp_path_factory.mktemp("exports") / "records"
    d.mkdir()
    df = make_records(30_000, 7, volunteers=900)
    csv = df.iloc[:12_000].copy()
    csv["服务时长(小时)"] = csv["服务时长(小时)"].astype(object)
    csv.iloc[5, csv.columns.get_loc("服务时长(小时)")] = "两个多小时"  # DAT003 and its bad-cell mask
    csv.to_csv(d / "a.csv", index=False)
    df.iloc[12_000:].to_parquet(d / "b.parquet", index=False)
    return d


@pytest.fixture(scope="module")
def run(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "findings.parquet"
    return cluster.run_folder(folder, out, "parquet", batch.Options(part_rows=5_000, progress=False))


def test_dask_findings_equal_the_in_memory_check(folder, run):
    assert run.parts == 6 and run.records == 30_000
    got = pd.read_parquet(run.output)
    ref, offsets, names = in_memory(batch.list_inputs(folder), folder)
    f = ref.findings
    k = np.searchsorted(offsets, f["row"].to_numpy(), side="left") - 1
    expect = pd.DataFrame({"file": np.asarray(names)[k], "row": f["row"].to_numpy() - offsets[k]})
    cols = ["rule", "severity", "record_id", "message", "evidence", "clause", "title"]
    for col in cols:
        expect[col] = f[col].astype(str).to_numpy()
    expect = expect.sort_values(["file", "row", "rule"], kind="stable").reset_index(drop=True)
    assert len(got) == len(expect) > 10_000
    assert {"DAT002", "REC004", "DAT003"} <= set(got["rule"])  # per-volunteer rules and a bad cell
    plain = ~expect["message"].str.contains(r"第\d+行")  # cross-file references name the other file
    for col in ["file", "row", *cols]:
        have = got[col].astype(str).reset_index(drop=True)
        want = expect[col].astype(str)
        if col == "message":
            have, want = have[plain], want[plain]
        assert (have == want).all(), col
    want = ref.rule_status().set_index("code")
    have = run.status.set_index("code")
    assert (have["count"] == want["count"]).all() and (have["status"] == want["status"]).all()


def test_dask_and_duckdb_give_the_same_output(folder, run, tmp_path):
    out = tmp_path / "local.parquet"
    local = batch.run_folder(folder, out, "parquet", batch.Options(part_rows=5_000, progress=False))
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(run.output))
    assert local.notes == run.notes and local.by_severity == run.by_severity


def test_a_volunteer_lands_in_one_part_whatever_the_partition():
    df = pd.DataFrame({"志愿者编号": ["ZY1", "ZY2", None, "ZY1", "ZY3", None], batch.SEQ: range(6)})
    a = cluster.part_of(df, "志愿者编号", 4)
    b = cluster.part_of(df.iloc[3:], "志愿者编号", 4)  # the same rows seen in another input partition
    assert a.iloc[0] == a.iloc[3] == b.iloc[0]
    assert list(a[df["志愿者编号"].isna()]) == [2 % 4, 5 % 4]  # no volunteer: spread by position
