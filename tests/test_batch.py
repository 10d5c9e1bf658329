"""Folder check out of core (zyfw_checks.staff.batch): partitioned by volunteer, findings equal the in-memory path."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("duckdb", reason="the folder check needs the batch extra (duckdb)")

from tests.conftest import BASE  # noqa: E402
from zyfw_checks.cli import main  # noqa: E402
from zyfw_checks.engine import check_file, check_table  # noqa: E402
from zyfw_checks.load import ROW, Table, load_table  # noqa: E402
from zyfw_checks.report import schema  # noqa: E402
from zyfw_checks.staff import batch  # noqa: E402

TEXTS = [("敬老院陪伴老人", "陪老人聊天读报"), ("班级卫生清扫", "打扫教室卫生"), ("转发公益宣传", "在朋友圈转发公益宣传内容"),
         ("暑期收费研学夏令营", "收费研学旅行"), ("社区环境整治", "清理小广告")]
_W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _ids(n: int, rng) -> np.ndarray:
    """Valid resident ID numbers (GB 11643 check digit), one per volunteer."""
    body = np.array([f"430102{1960 + int(y)}0{1 + int(m)}1{int(d)}{int(s):03d}" for y, m, d, s in
                     zip(rng.integers(0, 40, n), rng.integers(0, 9, n), rng.integers(0, 9, n), rng.integers(0, 999, n),
                         strict=True)])
    digits = np.array([[int(c) for c in b] for b in body])
    check = np.array(list("10X98765432"))[(digits @ _W) % 11]
    return np.char.add(body, check)


def make_records(n: int, seed: int, volunteers: int, prefix: str = "") -> pd.DataFrame:
    """Findings-heavy records: late entries, hours off, overlaps and duplicates within a volunteer."""
    rng = np.random.default_rng(seed)
    vol = rng.integers(0, volunteers, n)
    ids = _ids(volunteers, rng)
    start = (pd.Timestamp("2024-01-02 08:00") + pd.to_timedelta(rng.integers(0, 600, n), unit="D")
             + pd.to_timedelta(rng.integers(0, 12, n) * 30, unit="min"))
    span = rng.choice([1.0, 2.0, 3.0], n)
    end = start + pd.to_timedelta(span, unit="h")
    rec = end + pd.to_timedelta(rng.integers(0, 25, n), unit="D")
    text = rng.integers(0, len(TEXTS), n)
    df = pd.DataFrame({k: [v] * n for k, v in BASE.items()})
    df["记录编号"] = [f"{prefix}JL{i}" for i in range(n)]
    df["志愿者编号"] = np.char.add("ZY", vol.astype(str))
    df["证件号码"] = ids[vol]
    df["姓名"] = np.char.add("志愿者", vol.astype(str))
    df["活动名称"] = [TEXTS[t][0] for t in text]
    df["服务内容"] = [TEXTS[t][1] for t in text]
    df["活动编号"] = np.char.add("HD", text.astype(str))
    df["开始时间"] = start.strftime("%Y-%m-%d %H:%M")
    df["结束时间"] = end.strftime("%Y-%m-%d %H:%M")
    df["服务时长(小时)"] = span + np.where(rng.random(n) < 0.1, 2.0, 0.0)
    df["记录时间"] = rec.strftime("%Y-%m-%d %H:%M")
    df["录入系统时间"] = df["记录时间"]
    df["组织单位"] = np.where(vol % 3 == 0, "岳麓区义工联合会", "长沙市星城志愿者协会")
    df["记录平台"] = np.where(rng.random(n) < 0.1, "某公益小程序", "湖南志愿服务网")
    df["服务评价"] = np.where(rng.random(n) < 0.05, None, "优秀")
    dup = rng.random(n) < 0.03
    df = pd.concat([df, df[dup]]).sort_index(kind="stable").reset_index(drop=True).head(n)
    return df


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """30k records in three files (xlsx, csv, parquet); volunteers recur across the files."""
    d = tmp_path_factory.mktemp("exports") / "records"
    d.mkdir()
    df = make_records(30_000, 7, volunteers=900)
    df.iloc[:3_000].to_excel(d / "a_2024.xlsx", index=False)
    csv = df.iloc[3_000:15_000].copy()
    csv["服务时长(小时)"] = csv["服务时长(小时)"].astype(object)
    csv.iloc[5, csv.columns.get_loc("服务时长(小时)")] = "两个多小时"  # an unreadable cell: DAT003 and its bad-cell mask
    csv.to_csv(d / "b.csv", index=False, encoding="gbk")
    sub = d / "dataset" / "year=2025"
    sub.mkdir(parents=True)
    df.iloc[15_000:].to_parquet(sub / "part-0.parquet", index=False)
    return d


@pytest.fixture(scope="module")
def run(folder, tmp_path_factory):
    """The folder checked in parts of about 4,000 records (8 parts)."""
    out = tmp_path_factory.mktemp("out") / "findings.parquet"
    return batch.run_folder(folder, out, "parquet", batch.Options(part_rows=4_000, progress=False))


def in_memory(files, root):
    """The reference: every file loaded, rows numbered batch-wide, one check_table over all of them."""
    tables = [load_table(p) for p in files]
    offsets, off = [], 0
    for t in tables:
        offsets.append(off)
        last = int(t.df[ROW].max())
        t.df[ROW] = t.df[ROW] + off
        t.bad_cells["row"] = t.bad_cells["row"].astype("int64") + off
        off += last
    df = pd.concat([t.df for t in tables], ignore_index=True)
    mapping, _ = batch.merged_mapping([t.mapping for t in tables])
    bad = pd.concat([t.bad_cells for t in tables], ignore_index=True)
    res = check_table(Table(df=df, kind="records", source="ref", mapping=mapping, bad_cells=bad))
    names = [p.relative_to(root).as_posix() for p in files]
    return res, np.asarray(offsets), names


def test_folder_findings_equal_in_memory(folder, run):
    r = run
    assert r.parts >= 6 and r.records == 30_000
    got = pd.read_parquet(r.output)
    files = batch.list_inputs(folder)
    ref, offsets, names = in_memory(files, folder)
    f = ref.findings
    k = np.searchsorted(offsets, f["row"].to_numpy(), side="left") - 1
    expect = pd.DataFrame({"file": np.asarray(names)[k], "row": f["row"].to_numpy() - offsets[k]})
    for col in ("rule", "severity", "record_id", "evidence", "clause", "title"):
        expect[col] = f[col].astype(str).to_numpy()
    expect["message"] = f["message"].astype(str).to_numpy()
    expect = expect.sort_values(["file", "row", "rule"], kind="stable").reset_index(drop=True)
    cols = ["file", "row", "rule", "severity", "record_id", "evidence", "clause", "title"]
    assert len(got) == len(expect) > 10_000
    pd.testing.assert_frame_equal(got[cols].astype({"row": "int64"}).astype(str), expect[cols].astype(str))
    # messages agree except that a reference to another row names that row's own file and Excel row
    plain = ~expect["message"].str.contains(r"第\d+行")
    assert (got.loc[plain, "message"].astype(str) == expect.loc[plain, "message"]).all()
    assert {"DAT002", "REC004", "REC002", "DAT003", "ACT002"} <= set(got["rule"])
    # per-rule outcome equals the in-memory rule_status
    want = ref.rule_status().set_index("code")
    have = r.status.set_index("code")
    assert (have["count"] == want["count"]).all() and (have["status"] == want["status"]).all()
    assert r.by_severity["违规"] == int((f["severity"] == "违规").sum())


def test_cross_file_references_name_the_other_file(folder, run):
    got = pd.read_parquet(run.output)
    refs = got[got["message"].str.contains("”第")]
    assert len(refs)
    rows = {n: load_table(p).df.set_index(ROW) for n, p in
            ((p.relative_to(folder).as_posix(), p) for p in batch.list_inputs(folder))}
    for m in refs.head(50).itertuples():
        other, line = re.search(r"“([^”]+)”第(\d+)行", m.message).groups()
        assert other != m.file and other in rows
        # the row named is the same volunteer's record in that file
        assert rows[other].loc[int(line), "志愿者编号"] == rows[m.file].loc[m.row, "志愿者编号"]
    same = got[got["message"].str.contains(r"与第\d+行") & ~got["message"].str.contains("”第")]
    for m in same.head(50).itertuples():
        line = int(re.search(r"与第(\d+)行", m.message).group(1))
        assert rows[m.file].loc[line, "志愿者编号"] == rows[m.file].loc[m.row, "志愿者编号"]


def test_one_file_folder_is_exactly_check_file(tmp_path):
    d = tmp_path / "one"
    d.mkdir()
    make_records(6_000, 11, volunteers=200).to_parquet(d / "org.parquet", index=False)
    out = tmp_path / "one.jsonl"
    r = batch.run_folder(d, out, "jsonl", batch.Options(part_rows=1_000, progress=False))
    assert r.parts >= 5
    ref = check_file(d / "org.parquet")
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    got = pd.DataFrame(lines)
    assert list(got.columns) == schema.finding_keys() and (got["file"] == "org.parquet").all()
    cols = [c for c in batch.OUTPUT_COLUMNS if c != "file"]
    pd.testing.assert_frame_equal(got[cols].astype(str), ref.findings[cols].astype(str).reset_index(drop=True))
    assert r.notes == ref.notes


def test_unreadable_file_is_listed_and_the_rest_checked(tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    make_records(500, 3, volunteers=50).to_csv(d / "ok.csv", index=False)
    (d / "empty.csv").write_bytes(b"")
    (d / "~$lock.xlsx").write_bytes(b"x")  # Excel's lock file: not an export
    r = batch.run_folder(d, tmp_path / "o.parquet", "parquet", batch.Options(progress=False))
    files = r.files.set_index("文件")
    assert list(files.index) == ["empty.csv", "ok.csv"]
    assert files.loc["empty.csv", "状态"] == "无法读取" and "空" in files.loc["empty.csv", "说明"]
    assert r.records == 500


def test_output_inside_the_folder_is_refused(folder):
    with pytest.raises(batch.BatchError, match="文件夹里"):
        batch.run_folder(folder, folder / "out.parquet", "parquet", batch.Options(progress=False))


def test_cli_check_folder(folder, tmp_path, capsys):
    out = tmp_path / "cli.jsonl"
    code = main(["check", str(folder), "--format", "jsonl", "-o", str(out)])
    cap = capsys.readouterr()
    assert code == 1  # the records hold 违规
    n = sum(1 for _ in out.open(encoding="utf-8"))
    assert f"发现 {n:,} 个问题" in cap.out and "组织风险排序" in cap.out
    risk = json.loads((tmp_path / "cli_组织风险排序.json").read_text(encoding="utf-8"))
    orgs = {o["组织"]: o for o in risk["organisations"]}
    assert set(orgs) == {"岳麓区义工联合会", "长沙市星城志愿者协会"}
    assert sum(o["记录数"] for o in orgs.values()) == 30_000
    assert (tmp_path / "cli_组织风险排序.xlsx").stat().st_size > 1000
    overview = json.loads((tmp_path / "cli_检查汇总.json").read_text(encoding="utf-8"))
    assert overview["findings"] == n and len(overview["files"]) == 3
    assert {s["code"]: s["count"] for s in overview["rule_status"]}["DAT002"] > 0
    code = main(["check", str(folder), "-o", str(folder / "x.parquet")])
    assert code == 2 and "文件夹" in capsys.readouterr().err


def test_translate_refs_names_file_and_row():
    offsets = np.array([0, 100, 250])
    msg = pd.Series(["与第105行是同一志愿者", "与第7行的活动时间重叠", "记录5小时；与第260行的活动时间重叠", "没有引用"])
    out = batch.translate_refs(msg, np.array([1, 1, 2, 0]), offsets, ["a.xlsx", "b.csv", "c.parquet"])
    assert out.tolist() == ["与第5行是同一志愿者", "与“a.xlsx”第7行的活动时间重叠", "记录5小时；与第10行的活动时间重叠", "没有引用"]


def test_partition_sql_hashes_the_volunteer():
    sql = batch.partition_sql(batch.Path("/w/rows/f00002.parquet"), batch.Path("/w/parts"), "志愿者编号", 8, "f00002")
    assert 'hash("志愿者编号") % 8' in sql and "PARTITION_BY (_part)" in sql and "FILENAME_PATTERN 'f00002_{i}'" in sql
    assert batch.volunteer_column({"姓名", "证件号码"}) == "证件号码"


def test_notes_and_partial_skips_of_parts_are_summed():
    from zyfw_checks.registry import PartialSkip

    notes = batch.merge_notes(["REC002：5 条记录涉及2027年以后的日期", "REC002：7 条记录涉及2027年以后的日期", "同一句", "同一句"])
    assert notes == ["REC002：12 条记录涉及2027年以后的日期", "同一句"]
    merged = batch.merge_partial([PartialSkip("DAT001", "MASKED_VALUES", "2 条记录的证件号码已打码", 2),
                                  PartialSkip("DAT001", "MASKED_VALUES", "30 条记录的证件号码已打码", 30)])
    assert [(p.rows, p.text) for p in merged] == [(32, "32 条记录的证件号码已打码")]
