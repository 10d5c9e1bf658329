"""数据质量：证件号码、重复记录、无法识别的单元格（DAT001–DAT003）。"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zyfw_checks.params import load_params
from zyfw_checks.parsing import masked_ids, on_uniques
from zyfw_checks.reasons import Reason
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.common import VOLUNTEER, activity_key, fmt_dt, volunteer_key

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.array(list("10X98765432"))


@on_uniques
def ric_problems(ids: pd.Series, today: pd.Timestamp | None = None) -> pd.Series:
    """Why each resident ID (GB 11643) is invalid, '' when valid. Vectorised over the column.

    Same checks as ``stdnum.cn.ric.validate`` (length, digits, birth date, check digit);
    the tests compare the two on generated IDs.
    """
    s = ids.astype("string[pyarrow]").str.strip().str.upper()
    out = pd.Series("", index=ids.index, dtype="string[pyarrow]")
    shape = s.str.fullmatch(r"\d{17}[\dX]").fillna(False)
    out[~shape & s.notna()] = "应为18位，前17位是数字，最后一位是数字或X"
    sci = s.str.fullmatch(r"\d(?:\.\d+)?E\+?\d+").fillna(False)  # e.g. 4.30102E+17 from a CSV Excel saved
    out[sci] = "是科学计数法：Excel 把号码存成了数字，后几位已经丢失，请把该列设为“文本”后重新录入"
    good = s[shape]
    if len(good):
        birth = pd.to_datetime(good.str[6:14], format="%Y%m%d", errors="coerce")
        today = today or pd.Timestamp.today().normalize()
        bad_birth = birth.isna() | (birth > today) | (birth < pd.Timestamp("1900-01-01"))
        digits = np.frombuffer("".join(good.str[:17].tolist()).encode("ascii"), dtype=np.uint8)
        digits = (digits - ord("0")).reshape(-1, 17).astype(np.int64)
        expected = _CHECK[(digits @ _WEIGHTS) % 11]
        bad_check = pd.Series(expected != good.str[17].to_numpy(dtype=str), index=good.index)
        out[good.index[bad_birth.to_numpy()]] = "出生日期" + good[bad_birth].str[6:14] + "不是有效日期"
        only_check = bad_check & ~bad_birth
        exp = pd.Series(expected, index=good.index)
        out[only_check[only_check].index] = "校验位应为" + exp[only_check].astype("string[pyarrow]") + "，实际为" + good[
            only_check
        ].str[17]
    return out


@rule(
    code="DAT001",
    hazards=('masked_id',),
    title="证件号码无效",
    clause="二（二）①-完整准确",
    severity="违规",
    needs=("证件号码",),
    optional=("证件类型",),
    explanation=(
        "居民身份证号码按 GB 11643 校验：18位、出生日期真实存在、最后一位校验码正确。"
        "证件类型写明是护照、港澳台证件等其他证件的，不按身份证校验。号码在报告中打码显示。"
    ),
    compliant="证件类型“居民身份证”，号码 11010519491231002X（校验位正确）。",
    noncompliant="号码 110105194912310021：校验位应为 X；或 4301021990023012 只有16位。",
    severity_reason=(
        "条例第十九条要求如实记录志愿者个人基本信息，号码本身不符合国家标准 GB 11643 即数据显示记录有误，为违规；"
        "导出时已打码的号码无法校验，只说一次未评估。"
    ),
    not_modelled=(
        "不核对前6位地址码：号码按发证时的行政区划编制，python-stdnum 按出生年份核对地址码，"
        "会把1984年以后发证、出生早于该区划设立的真实号码判为无效。"
    ),
)
def dat001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    ids = df["证件号码"]
    if "证件类型" in df.columns:
        kind = df["证件类型"].astype("string[pyarrow]")
        resident = kind.isna() | kind.str.contains("身份证", regex=False).fillna(False)
    else:
        resident = pd.Series(True, index=df.index)
    masked = masked_ids(ids, load_params("fields/layout")["masked_id_pattern"]) & resident
    if masked.any():
        ctx.partly_unassessed(
            Reason.MASKED_VALUES,
            f"{int(masked.sum())} 条记录的证件号码在导出时已打码（中间用 * 遮住），无法校验；"
            "如需校验，请导出不打码的明细（注意保管）",
            rows=int(masked.sum()),
        )
        resident = resident & ~masked
    problem = ric_problems(ids.where(resident)).fillna("")
    bad = problem.str.len() > 0
    shown = ctx.show_id(ids[bad])
    return hits(df.index[bad], "证件号码" + shown + "无效：" + problem[bad], "证件号码：" + shown)


@rule(
    code="DAT002",
    hazards=('date_only', 'masked_id', 'multi_day', 'other_org', 'overnight'),
    title="重复记录",
    clause="二（二）①-完整准确",
    severity="违规",
    needs=(VOLUNTEER, "开始时间"),
    optional=("活动编号", "活动名称", "结束时间", "组织单位", "服务日期"),
    explanation=(
        "同一志愿者、同一活动、同一开始和结束时间出现两次，会让服务时长被重复计算。"
        "第一次出现的那一行不报，之后每一次重复都报，并指出与哪一行重复。跨夜的服务（22:00–01:00）按次日结束比较。"
        "两行的记录编号也相同时，可能只是导出时把同一条记录写了两遍，报“存疑”，请在系统中核实。"
        "两行的组织单位不同的，看不出是哪一方记错，报“存疑”；两行都只有日期、没有时刻的，可能是同一天的两场，也报“存疑”。"
        "证件号码打码的，按志愿者编号，没有编号时按姓名加可见的号码对照。"
    ),
    compliant="同一志愿者在同一活动上午、下午各签到一次，两段时间不同。",
    noncompliant="第5行和第9行：同一志愿者、同一活动、开始结束时间完全相同，记录编号不同。",
    severity_reason=(
        "同一次服务记了两条（编号不同，或台账本身没有编号），服务时长被重复计算，是表中数据自身显示的记录失实"
        "（条例第十九条“如实记录”），为违规；编号也相同的两行可能是导出重复，记录本身未必重复，需要核实，为存疑；"
        "两个组织单位各记一条的，看不出是哪一方记错，两行都没有时刻的可能是同一天的两场，也只能存疑。"
    ),
)
def dat002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    iv = ctx.intervals  # overnight rows end the next day, so 22:00–01:00 typed either way is one interval
    # who and which activity as integer codes (-1 = blank): grouping a million rows on them is fast
    frame = pd.DataFrame({
        "k": pd.factorize(volunteer_key(df))[0], "a": pd.factorize(activity_key(df))[0], "s": iv["start"],
        "e": iv["end"] if "结束时间" in df.columns else iv["start"],
    })
    # one group number per (who, activity, start, end), numbered in order of first appearance
    group = frame.groupby(["k", "a", "s", "e"], sort=False, dropna=False).ngroup().to_numpy()
    seen_before = pd.Series(group).duplicated().to_numpy()
    dup = seen_before & (frame["k"] >= 0).to_numpy() & frame["s"].notna().to_numpy()
    first = np.flatnonzero(~seen_before)[group[dup]]  # position of each duplicate's first row
    ids = df["记录编号"].astype("string[pyarrow]") if "记录编号" in df.columns else None
    if ids is not None:  # the same number twice: the export repeated one record
        arr = ids.array._pa_array
        same = pc.fill_null(pc.equal(pc.take(arr, pa.array(np.flatnonzero(dup))), pc.take(arr, pa.array(first))), False)
        same_id = pd.Series(same.to_numpy(zero_copy_only=False), index=df.index[dup])
    else:
        same_id = pd.Series(False, index=df.index[dup])
    idx = df.index[dup]
    org = iv["org"].to_numpy()
    mine, theirs = pd.Series(org[dup], index=idx), pd.Series(org[first], index=idx)
    # two organisations recorded it: the data cannot show which one misrecorded
    other_org = (mine.notna() & theirs.notna() & (mine != theirs)).fillna(False).astype(bool) & ~same_id
    # no clock times: two sessions of one activity on one day look alike
    no_clock = pd.Series(~iv["clock"].to_numpy()[dup] & ~iv["clock"].to_numpy()[first], index=idx) & ~same_id & ~other_org
    other = pd.Series(df["_row"].to_numpy()[first], index=idx).astype("int64").astype("string[pyarrow]")
    msg = ("与第" + other + "行是同一志愿者、同一活动、同一时间的重复记录").where(
        ~same_id, "与第" + other + "行完全重复，且记录编号相同：可能是导出时重复了一行，请在系统中核实是否只有一条记录")
    msg = msg.where(~other_org, "与第" + other + "行是同一志愿者、同一活动、同一时间，但两行的组织单位不同（“" + mine.fillna("")
                    + "”与“" + theirs.fillna("") + "”）：看不出是哪一方记错，请两个组织核实")
    msg = msg.where(~no_clock, "与第" + other + "行是同一志愿者、同一活动、同一日期，两行都没有起止时刻："
                    "可能是同一天的两场，也可能重复记录，请核实")
    activity = activity_key(df)[dup].fillna("（空）")
    evidence = "开始 " + fmt_dt(iv.loc[dup, "start"]) + "；活动 " + activity + "；组织单位 " + mine.fillna("（空）")
    if ids is not None:
        evidence = evidence.where(~same_id, evidence + "；记录编号 " + ids[dup].fillna(""))
    severity = pd.Series("违规", index=idx).where(~(same_id | other_org | no_clock), "存疑")
    return hits(idx, msg, evidence, severity)


@rule(
    code="DAT003",
    title="单元格无法识别",
    clause="二（二）①-完整准确",
    severity="存疑",
    needs=(),
    explanation=(
        "日期、时长、金额等单元格填了内容但无法识别（如“两个多小时”“明天上午”），这些格子不参与其他检查。"
        "请改成标准写法：日期 2024-03-05 09:00，时长写数字 2 或 2.5，金额写数字。"
    ),
    compliant="服务时长：2.5；开始时间：2024年3月5日9时30分。",
    noncompliant="服务时长：两个多小时；开始时间：上周六上午。",
    severity_reason="单元格写法不规范不等于记录有误，需要有人看一眼、改成标准写法，所以是存疑。",
)
def dat003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    bad = ctx.table.bad_cells
    if bad.empty:
        return hits(df.index[:0], [], [])
    row_to_idx = pd.Series(df.index, index=df["_row"].to_numpy())
    piece = "“" + bad["header"].astype("string[pyarrow]") + "”一栏的“" + bad["value"].astype("string[pyarrow]").str.slice(0, 40) + "”"
    hint = bad["hint"].astype("string[pyarrow]").fillna("") if "hint" in bad else pd.Series("", index=bad.index)
    advice = piece + hint.where(hint.eq(""), "（" + hint + "）")
    per_row = piece.groupby(bad["row"].to_numpy()).agg("、".join)
    per_row_advice = advice.groupby(bad["row"].to_numpy()).agg("；".join)
    idx = row_to_idx.reindex(per_row.index).dropna().astype("int64")
    per_row, per_row_advice = per_row.loc[idx.index], per_row_advice.loc[idx.index]
    return hits(idx.to_numpy(), ("无法识别：" + per_row_advice).to_numpy(), ("列：" + per_row).to_numpy())
