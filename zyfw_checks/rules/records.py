"""二（二）① 查验志愿服务记录：完整、及时、录入系统、时间与实际一致（REC001–REC004）。"""

from __future__ import annotations

import pandas as pd

from zyfw_checks.params import load_params, threshold
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.common import VOLUNTEER, activity_key, fmt_dt, fmt_num, join_flags, volunteer_key


def _missing(df: pd.DataFrame, ctx, name: str) -> pd.Series:
    """Blank cells of one field ('A|B': both blank); unreadable cells are DAT003's, not blanks."""
    flags = []
    for alt in name.split("|"):
        if alt not in df.columns:
            flags.append(pd.Series(True, index=df.index))
        else:
            flags.append(df[alt].isna() & ~ctx.table.bad_mask(alt).to_numpy())
    out = flags[0]
    for f in flags[1:]:
        out = out & f
    return out


@rule(
    code="REC001",
    title="记录内容不完整",
    clause="二（二）①-完整准确",
    severity="违规",
    needs=(),
    laws=("条例第十九条", "办法第四条", "办法第五条", "办法第七条"),
    explanation=(
        "每条志愿服务记录都应有志愿者基本信息（姓名、证件号码）、服务时间（开始、结束、时长）、"
        "服务内容、记录单位和服务评价。必填项清单在 params/thresholds.yaml 的 required_record_fields 中。"
        "整列缺失时，每条记录都会被列出，并注明“表中没有该列”。"
    ),
    compliant="张三，证件号码齐全，2024-03-05 09:00–11:00 共2小时，“社区敬老院陪护”，评价“优秀”。",
    noncompliant="李四的记录没有服务评价，服务时长一栏空白。",
    not_modelled="技能培训、表彰奖励按志愿者记录，不是每条服务记录都必须有，本规则不把它们当作必填。",
)
def rec001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    groups = load_params("thresholds")["required_record_fields"]["groups"]
    parts = []
    for fields in groups.values():
        for name in fields:
            absent = all(alt not in df.columns for alt in name.split("|"))
            label = name.replace("|", "或") + ("（表中没有该列）" if absent else "")
            parts.append((_missing(df, ctx, name), label))
    text = join_flags(parts, sep="、")
    return hits(text.index, "记录缺少：" + text, "空白字段：" + text)


@rule(
    code="REC002",
    title="未在10个工作日内完成记录",
    clause="二（二）①-十个工作日",
    severity="违规",
    needs=("结束时间", "记录时间"),
    laws=("办法第十一条",),
    explanation=(
        "志愿服务情况和评价情况应在活动结束后10个工作日内记录。从结束日期的次日起数法定工作日："
        "周末、法定节假日不算，调休上班的周六、周日算。第10个工作日当天记录仍合规，第11个工作日起为逾期。"
        "节假日数据没有覆盖的年份只能按周末估算，这时结果标为“存疑”并说明。"
    ),
    compliant="2023-09-28 活动结束（国庆前），2023-10-18 记录：正好第10个工作日（10月7日、8日调休上班计入）。",
    noncompliant="2023-09-28 活动结束，2023-10-19 才记录：已是第11个工作日。",
)
def rec002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    n = int(threshold("record_deadline_workdays"))
    cal = ctx.workdays
    end = df["结束时间"].dt.normalize()
    rec = df["记录时间"].dt.normalize()
    deadline = cal.add_workdays(end, n)
    late = rec > deadline
    uncovered = late & ~(cal.covered(end) & cal.covered(rec))
    if uncovered.any():
        ctx.notes.append(
            f"REC002：{int(uncovered.sum())} 条记录涉及{cal.last_covered.year}年以后的日期，"
            f"{cal.coverage_note}，这些记录的期限只按周末估算，已标为“存疑”，请按国务院当年放假安排人工核对。"
        )
    pos_end = cal._pos(end.fillna(pd.Timestamp("2004-01-01")))
    pos_rec = cal._pos(rec.fillna(pd.Timestamp("2004-01-01")))
    overdue = pd.Series(cal.cum[pos_rec] - cal.cum[pos_end] - n, index=df.index)
    idx = df.index[late]
    msg = (
        "活动于" + fmt_dt(end[late], "%Y-%m-%d") + "结束，应在" + fmt_dt(deadline[late], "%Y-%m-%d")
        + f"（第{n}个工作日）前完成记录，实际记录时间" + fmt_dt(df.loc[late, "记录时间"])
        + "，逾期" + overdue[late].astype("string[pyarrow]") + "个工作日"
    )
    note = pd.Series("", index=idx, dtype="string[pyarrow]").where(
        ~uncovered[late], f"；{cal.coverage_note}，本条按周末估算，请人工核对"
    )
    evidence = (
        "结束日期 " + fmt_dt(end[late], "%Y-%m-%d") + "；期限 " + fmt_dt(deadline[late], "%Y-%m-%d")
        + "；记录日期 " + fmt_dt(rec[late], "%Y-%m-%d") + "；逾期工作日 " + overdue[late].astype("string[pyarrow]")
    )
    severity = pd.Series("违规", index=idx).where(~uncovered[late], "存疑")
    return hits(idx, msg + note, evidence, severity)


def _is_paper(method: pd.Series) -> pd.Series:
    words = load_params("thresholds")["record_methods"]["paper"]
    pattern = "|".join(map(str, words))
    return method.str.lower().str.contains(pattern, regex=True).fillna(False)


@rule(
    code="REC003",
    title="纸质记录未及时录入信息系统",
    clause="二（二）①-纸质录入",
    severity="违规",
    needs=("记录方式",),
    optional=("录入系统时间", "结束时间"),
    laws=("条例第十九条",),
    explanation=(
        "以纸质方式记录的，应及时录入指定的志愿服务信息系统。没有录入系统时间的纸质记录为“违规”；"
        "录入时间晚于活动结束后第10个工作日（params/thresholds.yaml 中可改）的为“存疑”，因为通知没有规定具体天数。"
    ),
    compliant="记录方式“纸质”，活动 2024-05-10 结束，2024-05-15 录入湖南志愿服务网。",
    noncompliant="记录方式“纸质”，录入系统时间一栏空白：这条记录只在纸上。",
)
def rec003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    paper = _is_paper(df["记录方式"].astype("string[pyarrow]"))
    if "录入系统时间" in df.columns:
        entered = df["录入系统时间"]
    else:
        entered = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    not_entered = paper & entered.isna()
    late = pd.Series(False, index=df.index)
    deadline = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    if "结束时间" in df.columns:
        n = int(threshold("paper_entry_deadline_workdays"))
        deadline = ctx.workdays.add_workdays(df["结束时间"].dt.normalize(), n)
        late = paper & (entered.dt.normalize() > deadline)
    bad = not_entered | late
    idx = df.index[bad]
    absent_col = "录入系统时间" not in df.columns
    msg = pd.Series(
        "纸质记录没有录入信息系统的时间" + ("（表中没有“录入系统时间”列）" if absent_col else "，可能尚未录入"),
        index=idx, dtype="string[pyarrow]",
    ).where(~late[bad], "纸质记录在" + fmt_dt(entered[bad], "%Y-%m-%d") + "才录入系统，晚于"
            + fmt_dt(deadline[bad], "%Y-%m-%d"))
    evidence = "记录方式：" + df.loc[bad, "记录方式"].astype("string[pyarrow]") + "；录入系统时间：" + fmt_dt(entered[bad])
    severity = pd.Series("违规", index=idx).where(~late[bad] & (not absent_col), "存疑")
    return hits(idx, msg, evidence, severity)


@rule(
    code="REC004",
    title="服务时长与实际不符",
    clause="二（二）①-时间内容一致",
    severity="违规",
    needs=("开始时间", "结束时间"),
    optional=("服务时长(小时)", VOLUNTEER),
    explanation=(
        "记录的服务时长不能超过开始到结束的时间跨度；结束时间不能早于开始时间；同一志愿者同一天累计不能超过24小时；"
        "同一志愿者不能同时出现在两个时间重叠的活动里（一个结束、另一个同时开始的“首尾相接”不算重叠）。"
        "完全相同的重复记录由 DAT002 报告，这里不再重复。"
    ),
    compliant="09:00–11:30 的活动记 2.5 小时；同一人 11:30 结束后 11:30 开始下一场。",
    noncompliant="09:00–11:00 的活动记 8 小时；或同一人 09:00–11:00 和 10:00–12:00 各记一次。",
)
def rec004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    start, end = df["开始时间"], df["结束时间"]
    span = (end - start).dt.total_seconds() / 3600
    reversed_ = end < start
    tol = float(threshold("hours_tolerance"))
    parts = [(reversed_, lambda i: "结束时间" + fmt_dt(end[i]) + "早于开始时间" + fmt_dt(start[i]))]
    has_hours = "服务时长(小时)" in df.columns
    if has_hours:
        hours = df["服务时长(小时)"]
        too_long = ~reversed_ & (hours > span + tol)
        parts.append((too_long, lambda i: "记录" + fmt_num(hours[i]) + "小时，但起止时间只有" + fmt_num(span[i]) + "小时"))
        key_codes = pd.factorize(volunteer_key(df))[0]
        per_day = hours.groupby([key_codes, start.dt.normalize().to_numpy()], dropna=True).transform("sum")
        per_day = per_day.where(key_codes >= 0)
        cap = float(threshold("max_hours_per_day"))
        parts.append((per_day > cap, lambda i: "同一志愿者" + fmt_dt(start[i], "%Y-%m-%d") + "当天累计记录"
                      + fmt_num(per_day[i]) + f"小时，超过{cap:g}小时"))
    overlap, other = _overlaps(df)
    parts.append((overlap, lambda i: "与第" + other[i] + "行的活动时间重叠"))
    text = join_flags(parts)
    i = text.index
    evidence = (
        "开始 " + fmt_dt(start[i]) + "；结束 " + fmt_dt(end[i]) + "；跨度 " + fmt_num(span[i]) + " 小时"
        + ("；记录时长 " + fmt_num(df.loc[i, "服务时长(小时)"]) + " 小时" if has_hours else "")
    )
    return hits(i, text, evidence)


def _overlaps(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Records of one volunteer whose [start, end) intervals intersect; touching ends don't count."""
    key = pd.factorize(volunteer_key(df))[0]  # integer codes sort and group far faster than text
    act = pd.factorize(activity_key(df))[0]
    frame = pd.DataFrame({"k": key, "a": act, "s": df["开始时间"], "e": df["结束时间"], "row": df["_row"]})
    ok = (frame["k"] >= 0) & frame["s"].notna() & frame["e"].notna() & (frame["e"] > frame["s"])
    # exact duplicates are DAT002's finding, not an overlap
    ok &= ~frame.duplicated(["k", "a", "s", "e"], keep="first")
    f = frame[ok].sort_values(["k", "s", "e"], kind="stable")
    g = f.groupby("k", sort=False)
    run_end = g["e"].cummax()
    setter = f["row"].where(f["e"] == run_end)
    setter = setter.groupby(f["k"]).ffill()
    prev_end = run_end.groupby(f["k"]).shift(1)
    prev_row = setter.groupby(f["k"]).shift(1)
    hit = f["s"] < prev_end
    flag = pd.Series(False, index=df.index)
    other = pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")
    flag[hit[hit].index] = True
    other[hit[hit].index] = prev_row[hit].astype("int64").astype("string[pyarrow]")
    # the earlier record of each pair is flagged too, naming the later one
    partners = pd.Series(f.loc[hit, "row"].to_numpy(), index=prev_row[hit].astype("int64").to_numpy())
    partners = partners.groupby(level=0).first()
    row_to_idx = pd.Series(df.index, index=df["_row"].to_numpy())
    earlier = row_to_idx.reindex(partners.index).dropna().astype("int64")
    fresh = ~flag.loc[earlier.to_numpy()].to_numpy()
    sel = earlier.to_numpy()[fresh]
    flag.loc[sel] = True
    other.loc[sel] = partners.to_numpy()[fresh].astype("int64").astype(str)
    return flag, other.fillna("")
