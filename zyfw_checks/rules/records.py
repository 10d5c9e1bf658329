"""二（二）① 查验志愿服务记录：完整、及时、录入系统、时间与实际一致（REC001–REC004）。"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from zyfw_checks.load import ROW
from zyfw_checks.params import load_params, threshold
from zyfw_checks.parsing import regex_replace
from zyfw_checks.reasons import Reason
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.common import (
    VOLUNTEER,
    activity_key,
    concat,
    fmt_dt,
    fmt_num,
    join_flags,
    volunteer_key,
)
from zyfw_checks.rules.system import designated_platform


def _missing(df: pd.DataFrame, ctx, name: str) -> pd.Series:
    """Blank cells of one field ('A|B': both blank); unreadable cells are DAT003's, not blanks."""
    flags = []
    for alt in name.split("|"):
        if alt in df.columns:
            flags.append(df[alt].isna() & ~ctx.table.bad_mask(alt).to_numpy())
    if not flags:
        return pd.Series(False, index=df.index)
    out = flags[0]
    for f in flags[1:]:
        out = out & f
    return out


# A date-only column stands for a date-time field the record book does not have (REC001 accepts it):
# 服务时间 is recorded when the day is, even without the clock times.
_DATE_STANDS_FOR = {"开始时间": ("开始日期", "服务日期"), "结束时间": ("结束日期", "服务日期")}
_EVALUATION = "服务评价"


def _alternatives(name: str) -> str:
    alts = []
    for alt in name.split("|"):
        alts += [alt, *_DATE_STANDS_FOR.get(alt, ())]
    return "|".join(alts)


@rule(
    code="REC001",
    hazards=('before_in_force',),
    in_force="regulation_in_force",
    judges_blanks=True,
    title="记录内容不完整",
    clause="二（二）①-完整准确",
    severity="违规",
    needs=(),
    laws=("条例第十九条", "办法第四条", "办法第五条", "办法第七条", "办法第十条"),
    explanation=(
        "每条志愿服务记录都应有志愿者基本信息（姓名、证件号码）、服务时间（开始、结束、时长；只记日期的台账，日期也算）、"
        "服务内容、记录单位、服务地点和活动负责人（办法第七条：志愿服务情况包括活动的名称、日期、地点、服务内容、服务时间、"
        "活动组织单位和活动负责人）。这些单元格空白的报“违规”。服务评价空白的报“存疑”：办法第十条说组织“可以”对服务质量进行评价，"
        "请核实是否确实没有评价。必填项清单在 params/thresholds.yaml 的 required_record_fields 中。"
        "表中整列没有的项目不逐条列出，只在检查结果里说一次“未评估”。"
    ),
    compliant="张三，证件号码齐全，2024-03-05 09:00–11:00 共2小时，“社区敬老院陪护”，评价“优秀”。",
    noncompliant="李四的记录服务时长一栏空白（违规）；王五的记录没有服务评价（存疑）。",
    not_modelled="技能培训、表彰奖励按志愿者记录，不是每条服务记录都必须有，本规则不把它们当作必填。",
    severity_reason=(
        "条例第十九条、办法第四条要求志愿服务组织如实记录志愿者个人基本信息和志愿服务情况，单元格空白即数据本身显示未记录，"
        "为违规；办法第十条的服务质量评价用的是“可以”，空白只能存疑；整列缺失可能是导出时没选该列，只算未评估。"
    ),
)
def rec001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    groups = load_params("thresholds")["required_record_fields"]["groups"]
    parts, absent, soft = [], [], []
    for fields in groups.values():
        for name in fields:
            alts = _alternatives(name)
            if all(alt not in df.columns for alt in alts.split("|")):
                absent.append(name.replace("|", "或"))
                continue
            flag = _missing(df, ctx, alts)
            parts.append((flag, name.replace("|", "或")))
            if name == _EVALUATION:
                soft.append(flag)
    for a in absent:  # one line per absent column, never one finding per row
        ctx.partly_unassessed(
            Reason.MISSING_FIELD, f"表中没有“{a}”列，这一项未检查（可能是导出时没有选这一列）", rows=len(df))
    if not parts:
        return hits(df.index[:0], [], [])
    text = join_flags(parts, sep="、")
    idx = text.index
    hard = pd.Series(False, index=idx)
    for flag, label in parts:
        if label != _EVALUATION:
            hard |= flag.loc[idx].fillna(False).astype(bool)
    only_eval = ~hard
    msg = ("记录缺少：" + text).where(
        ~only_eval, "没有服务评价（办法第十条：组织“可以”对服务质量进行评价），请核实是否确实没有评价")
    severity = pd.Series("违规", index=idx).where(~only_eval, "存疑")
    return hits(idx, msg, "空白字段：" + text, severity)


def method_kind(method: pd.Series) -> pd.Series:
    """纸质 / 系统 / 补录 for each 记录方式 cell (params/record_methods.yaml, first class that matches), NA if none."""
    classes = load_params("record_methods")["classes"]
    text = method.astype("string[pyarrow]").str.lower()
    codes, uniques = pd.factorize(text)
    u = pd.Series(uniques, dtype="string[pyarrow]")
    kind = pd.Series(pd.NA, index=u.index, dtype="string[pyarrow]")
    for c in classes:
        hit = u.str.contains("|".join(re.escape(str(w).lower()) for w in c["words"]), regex=True).fillna(False)
        kind = kind.where(kind.notna() | ~hit, c["kind"])
    out = pd.Series(kind.to_numpy()[np.where(codes < 0, 0, codes)] if len(u) else pd.NA, index=method.index,
                    dtype="string[pyarrow]")
    return out.where(codes >= 0)


def _later_entry(df: pd.DataFrame) -> pd.Series:
    """Records entered afterwards (志愿汇 荣誉时长, 补录): from 时长类型 or 记录方式."""
    out = pd.Series(False, index=df.index)
    for col in ("时长类型", "记录方式"):
        if col in df.columns:
            out |= (method_kind(df[col]) == "补录").fillna(False).astype(bool)
    return out


def _when(s: pd.Series) -> pd.Series:
    """A date-time as written: the date alone when the source had no clock time."""
    return fmt_dt(s).where(s != s.dt.normalize(), fmt_dt(s, "%Y-%m-%d"))


def _end_date(df: pd.DataFrame, ctx) -> tuple[pd.Series, pd.Series]:
    """The activity's end date per record and the header it came from (结束时间, else 结束日期, else 服务日期)."""
    end = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    source = pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")
    for col in ("结束时间", "结束日期", "服务日期"):
        if col in df.columns:
            v = df[col].dt.normalize().astype("datetime64[us]")
            take = end.isna() & v.notna()
            end = end.where(~take, v)
            source = source.where(~take, ctx.table.mapping.get(col, col))
    return end, source


@rule(
    code="REC002",
    hazards=('before_in_force', 'date_only', 'multi_day', 'overnight'),
    in_force="measures_in_force",
    title="未在10个工作日内完成记录",
    clause="二（二）①-十个工作日",
    severity="违规",
    needs=("结束时间|结束日期|服务日期", "记录时间|录入系统时间"),
    optional=("评价日期", "开始时间"),
    laws=("办法第十一条",),
    explanation=(
        "志愿服务情况和评价情况应在活动结束后10个工作日内记录。从结束日期的次日起数法定工作日："
        "周末、法定节假日不算，调休上班的周六、周日算。第10个工作日当天记录仍合规，第11个工作日起为逾期。"
        "只有日期、没有时刻的记录按结束日期计算；结果写明用的是哪一列的日期。荣誉时长、补录的记录按补录的时间核对。"
        "节假日数据没有覆盖的年份只能按周末估算，这时结果标为“存疑”并说明。"
        "跨夜的活动（服务日期当天 22:00 至 01:00）在次日结束，从次日起算；连续几天的活动从最后一天起算。"
        "表中有“评价日期”一列的，评价日期也按同一期限核对（办法第十一条：志愿服务情况“和评价情况”）；"
        "没有这一列不算缺项（办法第十条：评价是“可以”）。记录时间早于活动结束的报“存疑”：可能是提前登记的时长。"
    ),
    compliant="2023-09-28 活动结束（国庆前），2023-10-18 记录：正好第10个工作日（10月7日、8日调休上班计入）。",
    noncompliant="2023-09-28 活动结束，2023-10-19 才记录：已是第11个工作日。",
    not_modelled="办法第十一条的时限只管志愿服务情况和评价情况；个人基本信息、培训、表彰的记录时间不在本规则内。",
    severity_reason=(
        "办法第十一条：志愿服务组织“应当在志愿服务活动结束后10个工作日内完成记录”，结束日期和记录时间都在表里，"
        "逾期即数据本身显示的违规；节假日安排未覆盖的年份只能估算，为存疑。"
    ),
)
def rec002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    n = int(threshold("record_deadline_workdays"))
    cal = ctx.workdays
    iv = ctx.intervals  # the real end day: an overnight service ends the next day, several days on the last one
    end, used = iv["end_day"], iv["end_source"].astype("string[pyarrow]")
    later = _later_entry(df)
    rec_at = df["记录时间"] if "记录时间" in df.columns else pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    if "录入系统时间" in df.columns:
        paper = (method_kind(df["记录方式"]) == "纸质").fillna(False) if "记录方式" in df.columns else False
        fill = rec_at.isna() & ~paper  # a system record's entry time is its record time; paper is REC003's
        rec_at = rec_at.where(~fill, df["录入系统时间"])
    rec = rec_at.dt.normalize()
    deadline = cal.add_workdays(end, n)
    late = rec > deadline
    # 办法第十一条 covers 评价情况 too: an evaluation dated after the deadline was recorded after it
    ev = (df["评价日期"].dt.normalize() if "评价日期" in df.columns
          else pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]"))
    ev_late = ev > deadline
    # a record made before the activity ended (recorded in advance): the hours were not yet given
    ended = iv["end"].where(iv["clock"])
    timed = (rec_at != rec).fillna(False) & ended.notna()  # a record time with its clock time, against a timed end
    advance = ((timed & (rec_at < ended)) | (~timed & (rec < end))).fillna(False) & ~later
    uncovered = (late & ~(cal.covered(end) & cal.covered(rec))) | (ev_late & ~(cal.covered(end) & cal.covered(ev)))
    if uncovered.any():
        ctx.note(
            f"REC002：{int(uncovered.sum())} 条记录涉及{cal.last_covered.year}年以后的日期，"
            f"{cal.coverage_note}，这些记录的期限只按周末估算，已标为“存疑”，请按国务院当年放假安排人工核对。"
        )
    overdue = cal.workdays_between(end, rec) - n
    ev_overdue = cal.workdays_between(end, ev) - n
    col = used.fillna("")

    def head(i):
        return concat("活动于", fmt_dt(end[i], "%Y-%m-%d"), "结束（按“", col[i], "”一列的日期），应最迟于",
                      fmt_dt(deadline[i], "%Y-%m-%d"), f"（第{n}个工作日）完成记录")

    def late_text(i):
        t = concat(head(i), "，实际记录时间", _when(rec_at[i]), "，逾期", overdue[i].astype("string[pyarrow]"), "个工作日")
        return t.where(~later[i], t + "（荣誉时长/补录记录，按补录时间核对）")

    def ev_text(i):
        return concat(head(i), "，评价日期", fmt_dt(ev[i], "%Y-%m-%d"), "晚了", ev_overdue[i].astype("string[pyarrow]"),
                      "个工作日（办法第十一条：评价情况也应在10个工作日内完成记录）")

    def advance_text(i):
        return concat("记录时间", _when(rec_at[i]), "早于活动结束（", _when(ended[i].fillna(end[i])),
                      "）：可能是提前登记的时长，请核实服务是否如实进行")

    text = join_flags([(late, late_text), (ev_late & ~late, ev_text), (advance, advance_text)])
    idx = text.index
    note = pd.Series("", index=idx, dtype="string[pyarrow]").where(
        ~uncovered[idx], f"；{cal.coverage_note}，本条按周末估算，请人工核对"
    )
    evidence = concat("结束日期 ", fmt_dt(end[idx], "%Y-%m-%d"), "（", col[idx], "）；期限 ",
                      fmt_dt(deadline[idx], "%Y-%m-%d"), "；记录日期 ",
                      fmt_dt(rec[idx], "%Y-%m-%d"), "；评价日期 ", fmt_dt(ev[idx], "%Y-%m-%d").fillna("（无）"))
    hard = (late | ev_late)[idx] & ~uncovered[idx]
    severity = pd.Series("违规", index=idx).where(hard, "存疑")
    return hits(idx, concat(text, note), evidence, severity)


def _entry_cell_says_not_entered(df: pd.DataFrame, table) -> pd.Series:
    """True where the 录入系统时间 cell is words, not a time, and the words say the record was not entered
    (“未录入”): the record's own data, though the cell is not a date."""
    spec = load_params("record_methods")["not_entered"]
    pattern = "|".join(re.escape(str(w)) for w in spec["words"])
    out = pd.Series(False, index=df.index)
    bad = table.bad_cells
    if "录入系统时间" not in df.columns or not len(bad):
        return out
    cells = bad[bad["field"] == "录入系统时间"]
    hit = cells.loc[cells["value"].astype("string").str.contains(pattern, regex=True).fillna(False).astype(bool), "row"]
    return pd.Series(df[ROW].isin(hit).to_numpy(), index=df.index)


def _says_not_entered(df: pd.DataFrame, table=None) -> tuple[pd.Series, pd.Series]:
    """(the record's own words say it was not entered into a system, 记录平台 is blank or says none)."""
    spec = load_params("record_methods")["not_entered"]
    pattern = "|".join(re.escape(str(w)) for w in spec["words"])
    said = pd.Series(False, index=df.index) if table is None else _entry_cell_says_not_entered(df, table)
    for col in ("记录方式", "记录平台"):
        if col in df.columns:
            said |= df[col].astype("string[pyarrow]").str.contains(pattern, regex=True).fillna(False).astype(bool)
    no_platform = pd.Series(False, index=df.index)
    if "记录平台" in df.columns:
        p = regex_replace(df["记录平台"], r"\s", "")
        no_platform = p.isna() | p.isin([str(w) for w in spec["none_platform"]]).fillna(False).astype(bool)
    return said, no_platform


@rule(
    code="REC003",
    hazards=('before_in_force', 'date_only', 'multi_day', 'overnight'),
    in_force="measures_in_force",
    title="纸质记录未及时录入信息系统",
    clause="二（二）①-纸质录入",
    severity="违规",
    needs=("记录方式",),
    partial_needs=("结束时间|结束日期|服务日期",),
    optional=("录入系统时间", "结束时间", "结束日期", "服务日期", "记录平台"),
    laws=("条例第十九条", "办法第四条"),
    explanation=(
        "以纸质方式记录的，应及时录入指定的志愿服务信息系统。“记录方式”按 params/record_methods.yaml 归类："
        "“手工录入”“后台录入”是管理员直接录入系统，算系统记录；荣誉时长、补录算事后录入的系统记录（由 REC002 按补录时间核对）。"
        "通知只说“及时”，没有规定天数：本工具默认活动结束后10个工作日（params/thresholds.yaml 中可改）。"
        "到检查日还在这个期限内、尚未录入的纸质记录不判断。期限已过、记录自己显示没有录入的——记录方式或记录平台写明"
        "“未录入”等（params/record_methods.yaml），或录入系统时间和记录平台都空白——为“违规”；"
        "录入系统时间空白但记录平台写着指定平台的，只是时间不明，为“存疑”；录入时间晚于默认期限的为“存疑”。"
        "表中没有“录入系统时间”列时，只有记录自己写明未录入的才报告，其余纸质记录未评估。"
    ),
    compliant="记录方式“纸质”，活动 2024-05-10 结束，2024-05-15 录入湖南志愿服务网；或记录方式“手工录入”。",
    noncompliant="记录方式“纸质”，录入系统时间一栏空白：这条记录只在纸上。",
    severity_reason=(
        "办法第四条第三款：纸质等形式记录的信息，志愿服务组织“应当”录入指定的志愿服务信息系统。通知只说“及时”，没有规定天数："
        "还在工具默认期限内的不判断，晚于默认期限录入的只能存疑；期限已过、记录自己显示没有录入（写明未录入，或录入时间和"
        "记录平台都空白）的，才是数据本身显示的违规。"
    ),
)
def rec003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    paper = (method_kind(df["记录方式"]) == "纸质").fillna(False).astype(bool)
    n = int(threshold("paper_entry_deadline_workdays"))
    iv = ctx.intervals
    end = iv["end_day"]
    deadline = ctx.workdays.add_workdays(end, n)
    as_of = pd.Timestamp(ctx.options.get("as_of") or pd.Timestamp.today()).normalize()
    due = (deadline < as_of).fillna(True).astype(bool)  # an end day unknown: the period cannot still be running
    said, no_platform = _says_not_entered(df, ctx.table)
    if "录入系统时间" not in df.columns:
        told = paper & said & due
        rest = paper & ~told
        if rest.any():
            ctx.partly_unassessed(
                Reason.MISSING_FIELD, f"{int(rest.sum())} 条纸质记录：表中没有“录入系统时间”列，无法核对是否已录入系统",
                mask=rest.to_numpy())
        entered = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    else:
        entered = df["录入系统时间"]
    not_entered = paper & entered.isna()
    if "录入系统时间" in df.columns:
        not_entered &= ~ctx.table.bad_mask("录入系统时间").to_numpy() | said.to_numpy()
    else:  # without the column only the record's own words can say it was not entered
        not_entered &= said
    # 通知 says 及时 without a number of days: a paper record still inside the kit's default period is not late
    pending = not_entered & ~due
    not_entered &= due
    late = paper & (entered.dt.normalize() > deadline)
    bad = not_entered | late
    idx = df.index[bad]
    # the record's own data says it is not in a system: its words, or no entry time and no platform either
    proven = not_entered & (said | no_platform)
    if "录入系统时间" not in df.columns:
        proven &= said
    if pending.any():
        ctx.note(f"REC003：{int(pending.sum())} 条纸质记录还没有录入系统的时间，但活动结束后第{n}个工作日"
                 "（本工具默认期限）还没到，暂不判断。")
    msg = pd.Series("纸质记录没有录入信息系统的时间，无法确认是否已录入，请核实", index=idx, dtype="string[pyarrow]")
    msg = msg.where(~proven[bad], "纸质记录没有录入信息系统（" + pd.Series(
        np.where(said[bad], "记录写明未录入", "录入系统时间和记录平台都空白"), index=idx, dtype="string[pyarrow]")
        + "），活动结束后第" + str(n) + "个工作日" + fmt_dt(deadline[bad], "%Y-%m-%d") + "已过")
    msg = msg.where(~late[bad], "纸质记录在" + fmt_dt(entered[bad], "%Y-%m-%d") + "才录入系统，晚于活动结束（"
                    + fmt_dt(end[bad], "%Y-%m-%d") + "）后第" + str(n) + "个工作日" + fmt_dt(deadline[bad], "%Y-%m-%d")
                    + "（通知只说“及时”，没有规定天数，这是本工具的默认期限）")
    in_system = ~no_platform & ~said & not_entered
    if "记录平台" in df.columns:
        in_system &= designated_platform(df["记录平台"].astype("string[pyarrow]")).notna()
    msg = msg.where(~(in_system[bad] & ~proven[bad]),
                    "纸质记录的记录平台写着指定平台，但没有录入系统的时间，无法核对是否及时录入")
    evidence = ("记录方式：" + df.loc[bad, "记录方式"].astype("string[pyarrow]").fillna("（空）") + "；录入系统时间："
                + fmt_dt(entered[bad]))
    severity = pd.Series("违规", index=idx).where(proven[bad] & ~late[bad], "存疑")
    return hits(idx, msg, evidence, severity)


@rule(
    code="REC004",
    hazards=('before_in_force', 'date_only', 'masked_id', 'multi_day', 'other_org', 'overnight'),
    in_force="measures_in_force",
    partial_needs=("服务时长(小时)", VOLUNTEER),
    title="服务时长与实际不符",
    clause="二（二）①-时间内容一致",
    severity="违规",
    needs=("开始时间", "结束时间"),
    optional=("服务时长(小时)", VOLUNTEER),
    laws=("办法第七条",),
    explanation=(
        "记录的服务时长不能超过开始到结束的时间跨度；结束时间不能早于开始时间；同一志愿者同一天累计不能超过24小时；"
        "同一志愿者不能同时出现在两个时间重叠的活动里（一个结束、另一个同时开始的“首尾相接”不算重叠）。"
        "完全相同的重复记录由 DAT002 报告，这里不再重复。跨夜的服务（22:00–01:00）结束在次日；跨多天的记录先按每天"
        "所占的时段分摊时长，再比每日24小时；只有日期、没有时刻的行无法比较时长和起止跨度，这一项记为部分未评估，"
        "不当作“0小时”。重叠或当天累计超限涉及另一组织单位的记录，或跨多天、时长少于跨度（分班）的记录的，"
        "看不出是哪一方记错、是否真的同时在两处，报“存疑”。"
    ),
    compliant="09:00–11:30 的活动记 2.5 小时；同一人 11:30 结束后 11:30 开始下一场。",
    noncompliant="09:00–11:00 的活动记 8 小时；或同一人 09:00–11:00 和 10:00–12:00 各记一次。",
    severity_reason=(
        "办法第七条：服务时间是志愿者“实际付出的时间”，志愿服务组织应当科学合理确定；记录的时长超过起止时间、"
        "结束早于开始或同一人同时身处两处，都是表中数据自身显示的记录失实，为违规；但重叠或当天超限涉及两个组织单位的记录时，"
        "看不出是哪一方记错，跨多天、分班值守的记录也不能证明同时在两处，只能存疑。"
    ),
)
def rec004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    iv = ctx.intervals  # the one service-time model: overnight ends the next day, several days, date-only rows
    start, end, hours, span = iv["start"], iv["end"], iv["hours"], iv["span_h"]
    reversed_ = iv["reversed"]
    tol = float(threshold("hours_tolerance"))
    org = iv["org"]
    parts = [(reversed_, lambda i: "结束时间" + fmt_dt(end[i]) + "早于开始时间" + fmt_dt(start[i]))]
    shared_day = pd.Series(False, index=df.index)  # a day over the cap with another organisation's hours in it
    vkey = pd.factorize(volunteer_key(df))[0]  # who the volunteer is, as integer codes (-1: unknown), made once
    has_hours = "服务时长(小时)" in df.columns
    if has_hours:
        too_long = iv["clock"] & ~reversed_ & (hours > span + tol)
        parts.append((too_long, lambda i: "记录" + fmt_num(hours[i]) + "小时，但起止时间只有" + fmt_num(span[i]) + "小时"))
        no_clock = iv["date_only"] & hours.notna() & ~iv["clock"]
        if no_clock.any():  # a missing clock time, never a 0-hour span
            ctx.partly_unassessed(
                Reason.BLANK_FIELD, f"{int(no_clock.sum())} 行只有日期、没有开始或结束时刻，无法核对时长是否超过起止时间（跨多天的仍按天核对每日上限）",
                mask=no_clock.to_numpy())
        day_total, day_of, day_orgs = _daily_totals(iv, vkey)
        cap = float(threshold("max_hours_per_day"))
        over = day_total > cap + tol
        shared_day = day_orgs > 1
        parts.append((over, lambda i: "同一志愿者" + fmt_dt(day_of[i], "%Y-%m-%d") + "当天累计记录"
                      + fmt_num(day_total[i]) + f"小时（跨多天的记录按天分摊），超过{cap:g}小时"))
    overlap, partner = _overlaps(df, iv, vkey)
    # the partner's values by position, in numpy (org compared as codes): strings only for the flagged rows
    at = partner.clip(lower=0).to_numpy()
    rows = df["_row"].to_numpy()
    cross = _other_org(org, overlap, at)
    # a several-day record with fewer hours than its span (shifts) may leave gaps the other record fills
    shifts = (iv["days"].astype("float64") > 1) & (hours < span - tol).fillna(False)
    p_shifts = pd.Series(shifts.to_numpy()[at], index=df.index) & (partner >= 0)
    loose = overlap & (shifts | p_shifts)

    def other_row(i):
        return pd.Series(rows[at[df.index.get_indexer(i)]], index=i).astype("string[pyarrow]")

    parts.append((overlap, lambda i: "与第" + other_row(i) + "行的活动时间重叠"))
    text = join_flags(parts)
    i = text.index
    hard = reversed_.loc[i] | (overlap & ~cross & ~loose).loc[i]
    other_org = cross
    if has_hours:
        hard = hard | too_long.loc[i] | (over & ~shared_day).loc[i]
        other_org = other_org | (over & (day_orgs > 1))
    tail = pd.Series("", index=i, dtype="string[pyarrow]")
    tail = tail.where(~(loose.loc[i] & ~other_org.loc[i]),
                      "（跨多天的记录时长少于起止跨度，可能是分班，间隙里可以有别的服务，请核实）")
    tail = tail.where(~other_org.loc[i], "（涉及另一组织单位的记录，看不出是哪一方记错，请核实）")
    span_text = (fmt_num(span[i]) + " 小时").where(span[i].notna().to_numpy(), "无（结束早于开始或没有时刻）")
    evidence = concat("开始 ", fmt_dt(start[i]), "；结束 ", fmt_dt(end[i]), "；跨度 ", span_text,
                      *(("；记录时长 ", fmt_num(hours[i]), " 小时") if has_hours else ()),
                      "；组织单位 ", org[i].fillna("（空）"))
    severity = pd.Series("违规", index=i).where(hard, "存疑")
    return hits(i, concat(text, tail), evidence, severity)


def _other_org(org: pd.Series, overlap: pd.Series, at: np.ndarray) -> pd.Series:
    """Overlapping records whose organisation and the partner's (at position ``at``) are both known and differ,
    compared as factorized codes (NA: -1)."""
    codes = pd.factorize(org)[0]
    return pd.Series(overlap.to_numpy(dtype=bool) & (codes >= 0) & (codes[at] >= 0) & (codes != codes[at]),
                     index=org.index)


def _daily_totals(iv: pd.DataFrame, key: np.ndarray) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per record: the highest daily total of its volunteer over the record's days (hours spread over
    the days a record covers), that day, and how many organisations recorded hours on it.

    ``key``: the volunteer as integer codes (-1: unknown). Everything is grouped on integers; the sums are
    pandas' own (the same additions in the same order as on the texts)."""
    from zyfw_checks.service_time import per_day

    n = len(iv)
    # per_day wants a key with blanks: the codes as floats, NaN for unknown (codes are far below 2**53)
    spread = per_day(iv, pd.Series(np.where(key >= 0, key, np.nan), index=iv.index))
    empty = (pd.Series(np.nan, index=iv.index), pd.Series(pd.NaT, index=iv.index, dtype="datetime64[us]"),
             pd.Series(0, index=iv.index))
    if spread.empty:
        return empty
    pos = spread["pos"].to_numpy()
    k = spread["key"].to_numpy().astype("int64")
    oc, ou = pd.factorize(iv["org"])
    blank = np.flatnonzero(pd.Series(ou, dtype="object").to_numpy() == "")
    if len(blank):  # a blank organisation and an empty one are one organisation (as fillna("") made them)
        oc = np.where(oc < 0, blank[0], oc)
    frame = pd.DataFrame({"k": k, "day": spread["day"].to_numpy(), "hours": spread["hours"].to_numpy(),
                          "o": oc[pos]})
    # one integer per (volunteer, day); pandas' own sum per group (the same additions in the same order)
    d = pd.factorize(frame["day"].to_numpy())[0] + 1  # the day as a code (per_day leaves no NaT)
    gid = pd.factorize(k * (int(d.max()) + 1) + d)[0]
    total = pd.Series(frame["hours"].to_numpy()).groupby(gid, sort=False).transform("sum").to_numpy()
    # organisations per (volunteer, day): the distinct (group, organisation) pairs, counted per group
    pairs = pd.unique(gid * (int(oc.max()) + 2) + (frame["o"].to_numpy() + 1))
    orgs = np.bincount(pairs // (int(oc.max()) + 2), minlength=int(gid.max()) + 1)[gid]
    # the top day of each record: its rows are consecutive (pos ascending, days in order); the first row with
    # the record's highest total (a NaN total only when all are NaN: then the first row), as a stable sort
    # by (pos, total descending) followed by drop_duplicates("pos") picks it
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(pos)]))
    with np.errstate(invalid="ignore"):
        best = np.fmax.reduceat(total, starts)[seg]
    cand = np.flatnonzero((total == best) | np.isnan(best))
    first = cand[np.r_[True, seg[cand][1:] != seg[cand][:-1]]]
    top_pos = pos[first]
    out_total = np.full(n, np.nan)
    out_total[top_pos] = total[first]
    day = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    day[top_pos] = frame["day"].to_numpy()[first].astype("datetime64[us]")
    out_orgs = np.zeros(n, dtype="int64")
    out_orgs[top_pos] = orgs[first]
    return pd.Series(out_total, index=iv.index), pd.Series(day, index=iv.index), pd.Series(out_orgs, index=iv.index)


def _overlaps(df: pd.DataFrame, iv: pd.DataFrame, key: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Records of one volunteer whose [start, end) intervals intersect; touching ends don't count.

    Returns (flag, position of the record it overlaps, -1 when none). Only rows with both clock
    times take part; overnight rows end the next day (the service-time model). ``key``: the volunteer
    as integer codes (``pd.factorize(volunteer_key(df))[0]``), made here when not given."""
    if key is None:
        key = pd.factorize(volunteer_key(df))[0]  # integer codes sort and group far faster than text
    act = pd.factorize(activity_key(df))[0]
    n = len(df)
    frame = pd.DataFrame({"k": key, "a": act, "s": iv["start"].to_numpy(), "e": iv["end"].to_numpy(),
                          "pos": np.arange(n)})
    ok = (frame["k"] >= 0) & iv["clock"].to_numpy() & ~iv["reversed"].to_numpy() & (frame["e"] > frame["s"])
    # exact duplicates are DAT002's finding, not an overlap
    ok &= ~frame.duplicated(["k", "a", "s", "e"], keep="first")
    f = frame[ok]
    # by volunteer, start, end; ties in row order (a stable sort): numpy's lexsort on the integers, no NaT left here
    f = f.iloc[np.lexsort((f["e"].to_numpy().view("int64"), f["s"].to_numpy().view("int64"), f["k"].to_numpy()))]
    g = f.groupby("k", sort=False)
    run_end = g["e"].cummax()
    setter = f["pos"].where(f["e"] == run_end)
    setter = setter.groupby(f["k"]).ffill()
    prev_end = run_end.groupby(f["k"]).shift(1)
    prev_pos = setter.groupby(f["k"]).shift(1)
    hit = (f["s"] < prev_end).to_numpy()
    partner = np.full(n, -1, dtype="int64")
    later = f["pos"].to_numpy()[hit]
    earlier = prev_pos.to_numpy()[hit].astype("int64")
    partner[later] = earlier
    # the earlier record of each pair is flagged too, naming the (first) later one
    first_later = pd.Series(later).groupby(earlier).first()
    fresh = partner[first_later.index.to_numpy()] < 0
    partner[first_later.index.to_numpy()[fresh]] = first_later.to_numpy()[fresh]
    part = pd.Series(partner, index=df.index)
    return part >= 0, part
