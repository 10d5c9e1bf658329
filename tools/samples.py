"""Deterministic sample data (Faker zh_CN, fixed seed): ``python -m tools.samples``.

Writes ``data/samples/``: a clean organisation (no findings), one with every record problem
planted once (xlsx with a title row, GBK CSV with two title rows, a three-sheet workbook), the
blank template, and ``problems_expected.csv`` naming each planted problem's record and rule.
The vectorised :func:`synthetic_records` also feeds the benchmark.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

from zyfw_checks.templates import blank_template

SEED = 20230907
REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "zyfw_checks" / "data" / "demo"  # the copies the app ships as package data
SAMPLES = REPO / "data" / "samples"
AREAS = ["430102", "430103", "430104", "430105", "430111", "430202", "430302", "430402", "430502",
         "430602", "430702", "430802", "430902", "431002", "431102", "431202", "431302", "433101"]
ROLES = ["学生", "退休职工", "企业职工", "居民", "个体经营者", "自由职业者"]
ACTIVITIES = [
    ("敬老院陪伴老人", "陪老人聊天、读报，协助护理员整理床铺", "望城区星城敬老院"),
    ("社区垃圾分类宣传", "在小区门口设宣传台，向居民讲解垃圾分类", "雨花区圭塘街道社区广场"),
    ("图书馆少儿导读", "为来馆儿童讲绘本、整理少儿阅览区书架", "长沙图书馆少儿分馆"),
    ("文明交通劝导", "在路口协助交警劝导行人不闯红灯", "五一大道与黄兴路交叉口"),
    ("爱心义诊协助", "协助医生为社区老人量血压、登记", "岳麓区观沙岭社区服务中心"),
    ("湘江河岸清洁", "沿湘江风光带捡拾垃圾", "湘江风光带橘子洲段"),
    ("留守儿童课业辅导", "为留守儿童辅导作业、陪伴阅读", "浏阳市沙市镇新时代文明实践站"),
    ("助残康复陪伴", "陪伴残疾人开展康复训练", "株洲市残疾人康复中心"),
    ("防诈骗知识宣讲", "向社区老人讲解常见电信诈骗手法", "衡阳市蒸湘区红湘街道"),
    ("献血点引导服务", "在献血点引导献血者填表、休息", "湘潭市中心血站岳塘献血点"),
]
PLATFORMS = ["中国志愿服务网", "湖南志愿服务网", "志愿汇"]
EVALS = ["优秀", "良好", "合格"]
# per-volunteer columns (the 志愿者 sheet of the three-sheet sample) and per-activity ones
VOLUNTEER_COLS = ["志愿者编号", "姓名", "性别", "证件类型", "证件号码", "联系电话", "参与者身份", "培训情况", "表彰奖励"]
ACTIVITY_COLS = ["活动编号", "活动名称", "组织单位", "活动负责人", "服务地点", "参与费用"]
_W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def resident_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Valid 18-digit IDs (GB 11643), vectorised."""
    area = rng.choice(AREAS, n)
    birth = (pd.Timestamp("1955-01-01") + pd.to_timedelta(rng.integers(0, 365 * 50, n), unit="D")).strftime("%Y%m%d")
    seq = np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    body = np.char.add(np.char.add(area.astype(str), np.asarray(birth, dtype=str)), seq)
    digits = np.frombuffer("".join(body).encode(), dtype=np.uint8).reshape(n, 17).astype(int) - 48
    check = np.array(list("10X98765432"))[(digits @ _W) % 11]
    return np.char.add(body, check)


def synthetic_records(
    n: int, seed: int = SEED, volunteers: int | None = None, distinct_activities: int | None = None
) -> pd.DataFrame:
    """``n`` compliant service records in canonical columns, without per-record Python loops.

    ``distinct_activities`` numbers the activities (“…（第k期）”) so texts vary as in a large real
    export; the benchmark uses it so text rules can't profit from only ten distinct wordings.
    """
    rng = np.random.default_rng(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    nv = volunteers or max(10, n // 8)
    pool_names = np.array([fake.name() for _ in range(min(nv, 2000))])
    v_names = pool_names[rng.integers(0, len(pool_names), nv)]
    v_ids = resident_ids(rng, nv)
    v_phone = np.char.add(rng.choice(["138", "139", "150", "177", "186"], nv),
                          np.char.zfill(rng.integers(0, 10**8, nv).astype(str), 8))
    v_sex = np.where(pd.Series(v_ids).str[16].astype(int).to_numpy() % 2 == 1, "男", "女")
    vol = np.arange(n) % nv  # every volunteer serves in turn, so no one overlaps with themself
    slot = np.arange(n) // nv  # the k-th service of a volunteer is on the k-th weekend day
    base = pd.Timestamp("2024-01-06")  # a Saturday, after the notice took effect (2023-09-07)
    day = base + pd.to_timedelta((slot // 2) * 7 + (slot % 2), unit="D")  # Sat, Sun, Sat, Sun…
    start = day + pd.to_timedelta(rng.choice([8, 9, 10, 14, 15], n), unit="h")
    hours = rng.choice([1.0, 1.5, 2.0, 2.5, 3.0], n)
    end = start + pd.to_timedelta(hours * 60, unit="min")
    act = rng.integers(0, len(ACTIVITIES), n)
    acts = np.array(ACTIVITIES, dtype=object)
    # recorded on the 1st–5th calendar day after the end: always within 10 working days
    recorded = end.normalize() + pd.to_timedelta(rng.integers(1, 6, n), unit="D") + pd.Timedelta(hours=18)
    act_code = np.char.add("HD", np.char.zfill((act * 1000 + slot % 1000).astype(str), 6))
    df = pd.DataFrame({
        "记录编号": np.char.add("JL", np.char.zfill(np.arange(1, n + 1).astype(str), 8)),
        "志愿者编号": np.char.add("ZY", np.char.zfill(vol.astype(str), 7)),
        "姓名": v_names[vol],
        "性别": v_sex[vol],
        "证件类型": "居民身份证",
        "证件号码": v_ids[vol],
        "联系电话": v_phone[vol],
        "参与者身份": rng.choice(ROLES, nv)[vol],
        "活动编号": act_code,
        "活动名称": acts[act, 0],
        "服务内容": acts[act, 1],
        "组织单位": "长沙市星城志愿者协会",
        "活动负责人": pool_names[(act * 7 + slot) % len(pool_names)],  # one leader per activity
        "开始时间": start,
        "结束时间": end,
        "服务时长(小时)": hours,
        "服务地点": acts[act, 2],
        "服务评价": rng.choice(EVALS, n),
        "评价日期": recorded.normalize(),
        "培训情况": rng.choice(["志愿者通识培训", "应急救护培训", "无"], nv)[vol],
        "表彰奖励": rng.choice(["无", "无", "无", "优秀志愿者"], nv)[vol],
        "记录时间": recorded,
        "记录方式": "系统",
        "录入系统时间": recorded,
        "补贴类型": rng.choice(["交通补贴", "误餐补贴", ""], n),
        "补贴金额": 0.0,
        "参与费用": 0.0,
        "记录平台": rng.choice(PLATFORMS, n),
    })
    if distinct_activities:
        k = np.random.default_rng(seed + 7).integers(1, distinct_activities + 1, n)
        base = acts[k % len(ACTIVITIES)]  # the k-th activity keeps one wording for all its participants
        ks = k.astype(str)
        df["活动编号"] = np.char.add("HDK", np.char.zfill(ks, 7))
        df["活动名称"] = pd.Series(base[:, 0]) + "（第" + ks + "期）"
        df["服务内容"] = pd.Series(base[:, 1]) + "，第" + ks + "期"
        df["服务地点"] = base[:, 2]
    df["补贴金额"] = np.where(df["补贴类型"] == "", np.nan, 20.0)
    df["补贴类型"] = df["补贴类型"].replace("", None)
    return df


def plant_problems(df: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """Plant each record problem once; returns the frame (as text cells) and (记录编号, rule, what)."""
    df = df.copy().astype(object)
    planted: list[tuple[str, str, str]] = []

    def at(i: int, rule: str, what: str, **values) -> None:
        for k, v in values.items():
            df.at[i, k] = v
        planted.append((df.at[i, "记录编号"], rule, what))

    at(3, "REC001", "服务评价空白", 服务评价=None)
    # 2023-09-28 (Thu) end; 10th working day after it is 2023-10-18 (7–8 Oct are 调休 workdays)
    at(6, "REC002", "国庆后第11个工作日才记录", 开始时间=pd.Timestamp("2023-09-28 09:00"),
       结束时间=pd.Timestamp("2023-09-28 11:00"), 记录时间=pd.Timestamp("2023-10-19 10:00"))
    df.at[6, "服务时长(小时)"] = 2.0
    df.at[7, "开始时间"], df.at[7, "结束时间"] = pd.Timestamp("2023-09-28 14:00"), pd.Timestamp("2023-09-28 16:00")
    df.at[7, "服务时长(小时)"], df.at[7, "记录时间"] = 2.0, pd.Timestamp("2023-10-18 17:30")  # the 10th day: fine
    for i in (6, 7):  # the evaluation is recorded with the record (办法第十一条 holds it to the same deadline)
        df.at[i, "评价日期"] = df.at[i, "记录时间"].normalize()
    at(9, "REC003", "纸质记录未录入系统", 记录方式="纸质", 录入系统时间=None)
    at(12, "REC004", "2小时的活动记了8小时", **{"服务时长(小时)": 8.0})
    s = df.at[15, "开始时间"]
    at(15, "REC004", "结束早于开始", 结束时间=s - pd.Timedelta(hours=2))
    # rows 18 and 19: the same volunteer in two overlapping activities
    df.at[19, "志愿者编号"] = df.at[18, "志愿者编号"]
    for k in VOLUNTEER_COLS:
        df.at[19, k] = df.at[18, k]
    s18 = df.at[18, "开始时间"]
    df.at[18, "结束时间"] = s18 + pd.Timedelta(hours=2)
    df.at[18, "服务时长(小时)"] = 2.0
    df.at[19, "开始时间"], df.at[19, "结束时间"] = s18 + pd.Timedelta(hours=1), s18 + pd.Timedelta(hours=3)
    df.at[19, "服务时长(小时)"] = 2.0
    df.at[19, "活动编号"] = "HD999001"
    planted += [(df.at[18, "记录编号"], "REC004", "与下一条时间重叠"), (df.at[19, "记录编号"], "REC004", "与上一条时间重叠")]
    # row 20: the same volunteer again, starting exactly when row 19 ends — touching, not overlapping
    df.at[20, "志愿者编号"] = df.at[18, "志愿者编号"]
    for k in VOLUNTEER_COLS:
        df.at[20, k] = df.at[18, k]
    df.at[20, "开始时间"], df.at[20, "结束时间"] = s18 + pd.Timedelta(hours=3), s18 + pd.Timedelta(hours=4)
    df.at[20, "服务时长(小时)"] = 1.0
    at(22, "SYS001", "记录在自建系统", 记录平台="某区志愿者管理系统")
    good = str(df.at[25, "证件号码"])
    wrong = "0" if good[-1] != "0" else "1"
    bad_id = good[:-1] + wrong
    vid = df.at[25, "志愿者编号"]
    df.loc[df["志愿者编号"] == vid, "志愿者编号"] = vid + "B"  # keep the bad ID on this one record
    df.at[25, "志愿者编号"] = "ZY9999999"
    at(25, "DAT001", "证件号码校验位错误", 证件号码=bad_id)
    dup = df.loc[28].copy()
    dup["记录编号"] = "JL90000001"
    df = pd.concat([df.iloc[:31], dup.to_frame().T, df.iloc[31:]], ignore_index=True)
    planted.append(("JL90000001", "DAT002", "与前面一条完全重复"))
    at(35, "DAT003", "服务时长写成“两个多小时”", **{"服务时长(小时)": "两个多小时"})
    return df, planted


FIXED_TIME = dt.datetime(2024, 1, 5, 9, 0)  # workbook metadata, so regenerating gives identical bytes


def excel_writer(path: Path, datetime_format: str = "yyyy-mm-dd hh:mm") -> pd.ExcelWriter:
    """An xlsxwriter with fixed metadata: sample workbooks regenerate byte for byte."""
    xw = pd.ExcelWriter(path, engine="xlsxwriter", datetime_format=datetime_format)
    xw.book.set_properties({"created": FIXED_TIME})
    return xw


def _title_rows_xlsx(df: pd.DataFrame, path: Path, title: str) -> int:
    """Write with a merged title in row 1 and headers in row 2; returns the header's Excel row."""
    with excel_writer(path) as xw:
        df.to_excel(xw, index=False, startrow=1, sheet_name="服务记录")
        ws = xw.sheets["服务记录"]
        ws.merge_range(0, 0, 0, min(8, df.shape[1] - 1), title, xw.book.add_format({"bold": True, "font_size": 14}))
    return 2


def _gbk_csv(df: pd.DataFrame, path: Path, titles: list[str]) -> int:
    text = df.copy()
    for c in ("开始时间", "结束时间", "记录时间", "录入系统时间"):
        text[c] = pd.to_datetime(text[c], errors="coerce").dt.strftime("%Y/%m/%d %H:%M").where(
            pd.to_datetime(text[c], errors="coerce").notna(), text[c]
        )
    text["评价日期"] = pd.to_datetime(text["评价日期"], errors="coerce").dt.strftime("%Y年%m月%d日")
    body = text.to_csv(index=False, lineterminator="\r\n")
    path.write_bytes(("".join(t + "\r\n" for t in titles) + body).encode("gbk"))
    return len(titles) + 1


def template(path: Path) -> None:
    path.write_bytes(blank_template("records"))  # the package's template: one home


def write_samples(out: Path = SAMPLES) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    clean = synthetic_records(60, seed=SEED)
    problems, planted = plant_problems(synthetic_records(60, seed=SEED + 1))
    files = {
        "clean": out / "clean.xlsx",
        "problems": out / "problems.xlsx",
        "problems_csv": out / "problems_gbk.csv",
        "multi": out / "problems_multisheet.xlsx",
        "template": out / "template.xlsx",
        "expected": out / "problems_expected.csv",
    }
    with excel_writer(files["clean"]) as xw:
        clean.to_excel(xw, index=False, sheet_name="服务记录")
    xlsx_header = _title_rows_xlsx(problems, files["problems"], "长沙市星城志愿者协会2024年志愿服务记录")
    csv_header = _gbk_csv(problems, files["problems_csv"], ["长沙市星城志愿者协会志愿服务记录导出", "导出时间：2024年1月5日,,,"])
    vol_cols, act_cols = VOLUNTEER_COLS, ACTIVITY_COLS
    rec_cols = [c for c in problems.columns if c not in vol_cols[1:] and c not in act_cols[1:]]
    with excel_writer(files["multi"]) as xw:
        problems[rec_cols].to_excel(xw, index=False, sheet_name="服务记录")
        problems[vol_cols].drop_duplicates("志愿者编号").to_excel(xw, index=False, sheet_name="志愿者")
        problems[act_cols].drop_duplicates("活动编号").to_excel(xw, index=False, sheet_name="活动")
    template(files["template"])
    ids = problems["记录编号"].tolist()
    exp = pd.DataFrame(planted, columns=["记录编号", "rule", "问题"])
    pos = exp["记录编号"].map({rid: i for i, rid in enumerate(ids)})
    exp["xlsx_row"] = pos + xlsx_header + 1
    exp["csv_row"] = pos + csv_header + 1
    exp["multisheet_row"] = pos + 2
    exp.to_csv(files["expected"], index=False, encoding="utf-8-sig")
    return files


def generator_main(description: str, write, argv: list[str] | None = None) -> None:
    """The command line of a sample generator: ``--out`` folder, then the files written."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, default=SAMPLES)
    args = p.parse_args(argv)
    for k, v in write(args.out).items():
        print(f"{k}: {v}")


def main(argv: list[str] | None = None) -> None:
    generator_main("生成 data/samples/ 下的示例数据（固定随机种子，可重复）", write_samples, argv)


if __name__ == "__main__":
    main()
