"""二（二）① 是否向志愿者发放了除必要补贴之外的报酬（REC005, a record rule).

The word lists live in ``params/lexicons/remuneration.yaml``; the activity text is the one the
activity rules build once per run (``rules.activities.activity_text``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zyfw_checks.params import threshold
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.activities import (
    TEXT,
    activity_text,
    alternation,
    column,
    find,
    find_words,
    joined,
    labelled,
    lexicon,
    words,
)
from zyfw_checks.rules.common import fmt_num


@rule(
    code="REC005",
    hazards=('before_in_force', 'setting_word', 'word_inside_word'),
    in_force="regulation_in_force",
    title="发放了必要补贴以外的报酬",
    clause="二（二）①-报酬",
    severity="违规",
    needs=("补贴类型|补贴金额|服务内容|活动名称",),
    optional=(*TEXT, "补贴类型", "补贴金额"),
    laws=("条例第二条", "办法第十九条"),
    explanation=(
        "志愿服务是无偿的。交通、误餐、保险、通讯、住宿等必要补贴可以发放；劳务费、报酬、工资、奖金、课时费等"
        "报酬不可以。“补贴类型”一栏写明报酬、且“补贴金额”大于0的，报“违规”。只在活动文字里提到发放报酬、"
        "报酬类型写了但金额空白、必要补贴超过上限（params/thresholds.yaml 的 subsidy_cap_yuan，"
        "本工具默认值，法规未规定金额）、补贴类型不在必要补贴之列、或发了钱却没写类型的，列为“存疑”。"
    ),
    compliant="补贴类型“交通补贴”，补贴金额 30 元。",
    noncompliant="补贴类型“劳务费”，补贴金额 200 元（违规）；服务内容写“每人发放课时费100元”（存疑）。",
    not_modelled="不核对补贴是否实际发放、发放标准是否经过批准；上限按一条记录计，不按天汇总。",
    severity_reason=(
        "通知二（二）①要求查“是否向志愿者发放了除必要补贴之外的报酬”，条例第二条规定志愿服务是无偿的，"
        "办法第十九条不许为不属于志愿服务的活动记录：补贴类型一栏写明报酬且金额大于0，是数据本身显示组织为有偿服务"
        "记录了志愿服务，为违规；报酬只见于活动文字、金额空白、超过工具默认上限或类型不明的，需要有人核实，为存疑。"
    ),
)
def rec005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = lexicon(ctx, "remuneration")
    cap = float(threshold("subsidy_cap_yuan"))
    types = column(ctx, df, "补贴类型", fill="")
    amt = pd.to_numeric(df["补贴金额"], errors="coerce") if "补贴金额" in df.columns \
        else pd.Series(np.nan, index=df.index)
    has_text = any(c in df.columns for c in TEXT)
    text = activity_text(ctx, df) if has_text else column(ctx, df, "活动名称", fill="")
    typ = types.u.str.strip()
    rem = alternation(lex["remuneration"])
    neg_type = find(typ, lex["negations"]).notna()
    paid_type = find(typ, rem).where(~neg_type)
    paid_text = find_words(text.u, f"{alternation(lex['paid_verbs'])}{rem}|{rem}[^，。；]{{0,4}}\\d+(?:\\.\\d+)?\\s*元",
                           words(ctx, df))
    paid_text = paid_text.where(find(text.u, lex["negations"]).isna())
    allowed = find(typ, lex["allowed"])
    # awards, 慰问 and keepsakes (条例第三十二条, 办法第九条) are not proven pay; pay by the hour is
    gift_type = find(typ, lex["gifts"])
    gift_text = find(text.u, f"{alternation(lex['paid_verbs'])}{alternation(lex['gifts'])}")  # given to volunteers
    hourly = find(typ, lex["hourly"]).where(allowed.isna())
    hourly_text = find(text.u, lex["hourly"]).where(find(text.u, lex["negations"]).isna())
    no_type = typ.eq("") | find(typ, lex["none_words"]).notna()
    # flags per row from the distinct types and texts, the amount per row
    has_money = amt.gt(0).fillna(False).to_numpy(dtype=bool)
    no_amount = amt.isna().to_numpy()
    gift = types.rows(gift_type.notna()) | (types.rows(no_type | paid_type.notna()) & text.rows(gift_text.notna()))
    by_hour = types.rows(hourly.notna()) | (text.rows(hourly_text.notna()) & ~types.rows(allowed.notna()))
    typed = types.rows(paid_type.notna()) & ~gift
    clear = (typed & has_money) | (by_hour & ~no_amount)  # the data itself shows pay: by kind, or by the hour
    remun = typed | (text.rows(paid_text.notna()) & ~gift) | by_hour
    gift &= ~by_hour & (has_money | types.rows(gift_type.notna()))
    over_cap = ~remun & types.rows(allowed.notna()) & amt.gt(cap).fillna(False).to_numpy(dtype=bool)
    unknown = ~remun & ~gift & ~types.rows(no_type | allowed.notna() | neg_type) & (has_money | no_amount)
    untyped = ~remun & ~gift & types.rows(no_type) & has_money
    remun &= ~(typed & ~has_money & ~no_amount)  # 劳务费 0 元: nothing was paid
    pos = np.flatnonzero(remun | over_cap | unknown | untyped | gift)
    if not len(pos):
        return hits(df.index[:0], [], [])
    idx = df.index[pos]
    clear, remun, over_cap, unknown, untyped, gift, by_hour = (
        pd.Series(x[pos], index=idx) for x in (clear, remun, over_cap, unknown, untyped, gift, by_hour))
    hour_s = types.at(hourly, pos).fillna(text.at(hourly_text, pos)).fillna("")
    gift_s = types.at(gift_type, pos).fillna(text.at(gift_text, pos)).fillna("")
    typ, amt, paid_text = types.at(typ, pos).fillna(""), amt.iloc[pos], text.at(paid_text, pos)
    what = types.at(paid_type, pos).fillna(paid_text).fillna("")
    cap_s = fmt_num(pd.Series(cap, index=idx))
    what = what.where(~by_hour, hour_s)
    message = joined([
        (clear & by_hour, "按服务时间向志愿者计发钱款（" + hour_s + "），是必要补贴以外的报酬"),
        (clear & ~by_hour, "向志愿者发放了必要补贴以外的报酬（" + what + "）"),
        (remun & ~clear, "可能向志愿者发放了必要补贴以外的报酬（" + what + "），请核实"),
        (gift, "“" + gift_s + "”是表彰奖励或慰问、纪念品（条例第三十二条、办法第九条），不是按服务付的报酬；"
         "请核实是否实为报酬，并按办法第九条记录表彰奖励情况"),
        (over_cap, "必要补贴 " + fmt_num(amt) + " 元超过上限 " + cap_s + " 元，请核实是否属于必要补贴"),
        (unknown, "补贴类型“" + typ + "”不在交通、误餐、保险等必要补贴之列，请核实"),
        (untyped, "发放了 " + fmt_num(amt) + " 元却未写补贴类型，请核实"),
    ], idx)
    evidence = joined([
        (typ.ne(""), labelled("补贴类型", typ)),
        (amt.notna(), "补贴金额：" + fmt_num(amt) + "元"),
        (paid_text.notna(), labelled("文字", paid_text)),
        (by_hour, labelled("按时计发", hour_s)),
        (gift, labelled("表彰奖励或慰问", gift_s)),
        (over_cap, "上限：" + cap_s + "元"),
    ], idx)
    return hits(idx, message, evidence, clear.map({True: "违规", False: "存疑"}))
