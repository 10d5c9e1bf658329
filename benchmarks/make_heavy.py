"""Make the findings-heavy benchmark file (not committed; written where you say).

    .venv/bin/python benchmarks/make_heavy.py 1000000 /tmp/heavy_1m.csv [--encoding gbk]
    .venv/bin/python benchmarks/make_heavy.py 1000000 /tmp/heavy_1m.parquet

The realistic worst case of issue 11: the 21 standard columns people export, 167 distinct
activity texts taken from the labelled case set (a quarter of them one of the four kinds),
dates spread over 2023–2025, volunteers serving again and again, and about 1.8 findings per
record: late records, hours that disagree with the times, blank fields, invalid ID numbers,
duplicates, other platforms. Deterministic for a given N (seeded).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = [
    "记录编号", "志愿者编号", "姓名", "性别", "证件号码", "联系电话", "参与者身份", "活动编号", "活动名称",
    "服务内容", "组织单位", "开始时间", "结束时间", "服务时长(小时)", "服务地点", "服务评价", "记录时间",
    "记录方式", "补贴金额", "参与费用", "记录平台",
]


def activity_texts(k: int = 167) -> pd.DataFrame:
    cases = pd.read_csv(ROOT / "data/cases/act_cases.csv", dtype=str)
    cases = cases.drop_duplicates(["活动名称", "服务内容"])
    flagged = cases[cases["标注"].fillna("无").ne("无")]
    plain = cases[cases["标注"].fillna("无").eq("无")]
    n_flag = max(k // 4, k - len(plain))
    pick = pd.concat([flagged.sample(n_flag, random_state=1), plain.sample(min(len(plain), k - n_flag), random_state=1)])
    return pick[["活动名称", "服务内容", "参与者身份", "参与费用"]].reset_index(drop=True)


def heavy(n: int, seed: int = 20231109) -> pd.DataFrame:
    sys.path.insert(0, str(ROOT))
    from tools.samples import synthetic_records

    rng = np.random.default_rng(seed)
    df = synthetic_records(n, seed=seed, volunteers=max(10, n // 25))
    acts = activity_texts()
    pick = rng.integers(0, len(acts), n)
    df["活动名称"] = acts["活动名称"].to_numpy()[pick]
    df["服务内容"] = acts["服务内容"].to_numpy()[pick]
    df["参与费用"] = pd.to_numeric(acts["参与费用"], errors="coerce").fillna(0).to_numpy()[pick]
    # dates over 2023–2025: shift each volunteer's series by a whole number of weeks
    shift = pd.to_timedelta(rng.integers(0, 100, n) * 7, unit="D")
    for col in ("开始时间", "结束时间", "记录时间"):
        df[col] = df[col] + shift
    late = rng.random(n) < 0.5
    df.loc[late, "记录时间"] = df.loc[late, "结束时间"] + pd.to_timedelta(rng.integers(16, 60, int(late.sum())), unit="D")
    mismatch = rng.random(n) < 0.4
    df.loc[mismatch, "服务时长(小时)"] = df.loc[mismatch, "服务时长(小时)"] + rng.choice([1.0, 2.0, 4.0], int(mismatch.sum()))
    blank = rng.random(n) < 0.25
    df.loc[blank, "服务评价"] = None
    bad_id = rng.random(n) < 0.08
    ids = df["证件号码"].astype(str)
    df.loc[bad_id, "证件号码"] = ids[bad_id].str[:17] + np.where(ids[bad_id].str[17] == "1", "2", "1")
    paid = rng.random(n) < 0.03
    df["补贴金额"] = np.where(paid, 300.0, np.nan)
    other = rng.random(n) < 0.10
    df.loc[other, "记录平台"] = "某公益小程序"
    df["记录时间"] = df["记录时间"].dt.strftime("%Y-%m-%d %H:%M")
    for col in ("开始时间", "结束时间"):
        df[col] = df[col].dt.strftime("%Y/%m/%d %H:%M")
    out = df.reindex(columns=COLUMNS)
    dup = rng.random(n) < 0.05  # a copied row right after its original
    out = pd.concat([out, out[dup]]).sort_index(kind="stable").reset_index(drop=True)
    return out.head(n)


def main(argv: list[str]) -> None:
    n, path = int(argv[0]), Path(argv[1])
    enc = argv[argv.index("--encoding") + 1] if "--encoding" in argv else "utf-8"
    df = heavy(n)
    if path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    else:
        df.to_csv(path, index=False, encoding=enc)
    print(f"{path}：{len(df):,} 条记录，{path.stat().st_size / 1e6:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
