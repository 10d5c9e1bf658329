"""二（二）不予认定的四类活动（ACT001–ACT004）、营利（ACT005）与必要补贴以外的报酬（REC005）。

Every word list lives in ``params/lexicons/*.yaml`` (entries are regex fragments with a note);
this module only combines the matches, row-wise and vectorised.
"""

from __future__ import annotations

import re
import weakref

import numpy as np
import pandas as pd

from zyfw_checks.parsing import on_uniques, remember_factorization
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.common import fmt_num, regex_extract

TEXT = ("活动名称", "服务内容")
WEEKDAYS = dict(enumerate("一二三四五六日"))
LAWS = ("条例第二条", "办法第十九条")


# ---- lexicon helpers -------------------------------------------------------------------------

_GROUP = re.compile(r"(?<!\\)\((?!\?)")


def _alt(entries) -> str:
    """One alternation from lexicon entries (longest first, so the longest phrase is reported).

    Groups inside entries become non-capturing, so ``_find`` has exactly one group to extract.
    """
    words = sorted(entries, key=len, reverse=True)
    return _GROUP.sub("(?:", "(?:" + "|".join(words) + ")") if words else "(?!)"


@on_uniques  # once per distinct text; RE2 where the pattern allows, Python re for look-arounds
def _find(text: pd.Series, entries) -> pd.Series:
    """The first matching phrase per row (NA when none)."""
    pat = entries if isinstance(entries, str) else _alt(entries)
    return regex_extract(text, _GROUP.sub("(?:", pat))


@on_uniques
def _has(text: pd.Series, entries) -> pd.Series:
    return _find(text, entries).notna()


@on_uniques
def _strip(text: pd.Series, entries) -> pd.Series:
    """The text with every match of the entries removed."""
    return text.str.replace(_alt(entries), "", regex=True, flags=re.I)


_TEXTS: dict[tuple, tuple] = {}  # (id(df), cols) → (weakref to df, text): rules share one joined text


def _text(df: pd.DataFrame, cols=TEXT) -> pd.Series:
    """活动名称；服务内容 (…) joined per row — built once per table, so it is factorized once too."""
    key = (id(df), tuple(cols))
    hit = _TEXTS.get(key)
    if hit is not None and hit[0]() is df:
        return hit[1]
    if len(_TEXTS) > 8:
        _TEXTS.clear()
    out = _join_text(df, cols)
    _TEXTS[key] = (weakref.ref(df), out)
    return out


def _join_text(df: pd.DataFrame, cols) -> pd.Series:
    """Join the columns row-wise, building each distinct combination of values only once."""
    cols = [c for c in cols if c in df.columns]
    key = np.zeros(len(df), dtype=np.int64)
    for c in cols:  # one integer per distinct combination, kept small by refactorizing
        codes, uniques = pd.factorize(df[c])
        key = pd.factorize(key * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    combo, n = pd.factorize(key)[0], int(key.max()) + 1 if len(key) else 0
    first = np.full(n, -1, dtype=np.int64)
    first[combo[::-1]] = np.arange(len(combo))[::-1]  # a row that carries each combination
    rep = df.iloc[first]
    parts = [rep[c].astype("string[pyarrow]").fillna("").reset_index(drop=True) for c in cols]
    joined = parts[0]
    for p in parts[1:]:
        joined = joined + "；" + p
    out = joined.take(combo).set_axis(df.index)
    remember_factorization(out, combo, pd.Index(joined))
    return out


def _lex(ctx, name: str):
    return ctx.params(f"lexicons/{name}")


def _quote(s: pd.Series, limit: int = 30) -> pd.Series:
    s = s.astype("string").fillna("")
    return s.str.slice(0, limit) + s.str.len().gt(limit).map({True: "…", False: ""}).astype("string")


def _activity(df: pd.DataFrame) -> pd.Series:
    name = df["活动名称"].astype("string") if "活动名称" in df.columns else None
    content = df["服务内容"].astype("string") if "服务内容" in df.columns else None
    base = name if name is not None else content
    if name is not None and content is not None:
        base = name.fillna(content)
    return "“" + _quote(base) + "”"


def _join(parts, sep: str = "；") -> pd.Series:
    """Row-wise join of the texts whose flags are set ('' where none), over the whole index."""
    index = parts[0][0].index
    out = pd.Series("", index=index, dtype="string")
    for flag, text in parts:
        piece = text if isinstance(text, pd.Series) else pd.Series(text, index=index, dtype="string")
        add = flag.fillna(False).to_numpy(dtype=bool)
        joined = out + np.where(out.str.len().gt(0), sep, "") + piece.astype("string").fillna("")
        out = out.where(~add, joined)
    return out


def _ev(label: str, s: pd.Series) -> pd.Series:
    return label + "：" + s.astype("string").fillna("")


# ---- ACT001 ----------------------------------------------------------------------------------

def _minute(hhmm: str) -> int:
    h, m = str(hhmm).split(":")
    return int(h) * 60 + int(m)


def _share_in_hours(start: pd.Series, end: pd.Series, hours: dict) -> pd.Series:
    """Share of the activity's span (on its start day) that falls inside the working-hours window."""
    s = start.dt.hour * 60 + start.dt.minute
    e = (end.dt.hour * 60 + end.dt.minute).where(end.dt.normalize() == start.dt.normalize(), 24 * 60)
    w0, w1 = _minute(hours["start"]), _minute(hours["end"])
    overlap = (np.minimum(e, w1) - np.maximum(s, w0)).clip(lower=0)
    dur = e - s
    return (overlap / dur.where(dur > 0)).fillna(0.0).astype(float)


@rule(
    code="ACT001",
    title="工作时间内参加与本职工作密切相关的活动",
    clause="二（二）-四类①",
    severity="违规",
    needs=("参与者身份", "开始时间", "结束时间", "服务内容|活动名称"),
    optional=TEXT,
    laws=LAWS,
    explanation=(
        "参与者身份是社区工作人员、网格员、村（居）干部、机关（党员）干部、教师、医护人员等，"
        "活动在法定工作日（含调休上班日）的工作时间内，且内容是该身份的本职工作（入户走访、下沉社区、"
        "课后服务、门诊导诊……），这是职务行为，不是志愿服务。同一个人在周末、节假日、晚上，"
        "或做与本职无关的事，不在此列。内容只是可能相关（如工作时间在本社区的其他活动），"
        "或只有部分时段在工作时间内，列为“存疑”。身份、本职工作和作息时间见 params/lexicons/roles.yaml。"
    ),
    compliant="网格员周日到敬老院为老人理发；社区工作人员工作日晚上参加社区文艺演出服务。",
    noncompliant="社区工作人员 2024-03-05（星期二）09:00–11:30 “入户走访独居老人”，记为志愿服务2.5小时。",
    not_modelled=(
        "不知道个人的排班、请假和轮休：工作日请年休假做的事会被误报，周末加班做的本职工作不会被发现；"
        "学校寒暑假也按法定工作日算。活动跨天时只看开始那一天。"
    ),
)
def act001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = _lex(ctx, "roles")
    role_text = df["参与者身份"].astype("string").fillna("")
    text = _text(df)
    start, end = df["开始时间"], df["结束时间"]
    workday = ctx.workdays.is_workday(start)
    covered = ctx.workdays.covered(start)
    excluded = _has(role_text, lex["exclude"])
    role = pd.Series(pd.NA, index=df.index, dtype="string")
    word = role.copy()
    strong = pd.Series(False, index=df.index)
    share = pd.Series(0.0, index=df.index)
    hours_label = role.copy()
    # Pass 1 fills rows whose content is a role's own duty; pass 2 rows with a related word only.
    for key, is_strong in (("duties", True), ("related", False)):
        for name, spec in lex["roles"].items():
            todo = role.isna() & ~excluded & _has(role_text, spec["match"])
            if not todo.any():
                continue
            hit = _find(text, spec.get(key) or {})
            take = todo & hit.notna()
            hours = spec.get("hours") or lex["working_hours"]
            role[take], word[take] = name, hit[take]
            strong[take] = is_strong
            share[take] = _share_in_hours(start, end, hours)[take]
            hours_label[take] = f"{hours['start']}–{hours['end']}"
    in_hours = workday & share.gt(0) & role.notna()
    clear = in_hours & strong & covered & share.ge(float(lex["working_hours"]["clear_share"]))
    if not in_hours.any():
        return hits(df.index[:0], [], [])
    if (in_hours & ~covered).any() and hasattr(ctx, "notes"):
        ctx.notes.append(f"ACT001：部分记录的年份超出{ctx.workdays.coverage_note}，按周一至周五判断工作日。")
    why = _join([
        (~strong, "内容可能与本职相关，请核实"),
        (share.lt(float(lex["working_hours"]["clear_share"])), "只有部分时段在工作时间内"),
        (~covered, "节假日数据未覆盖该年份，按周一至周五判断"),
    ])
    day = start.dt.strftime("%Y-%m-%d").astype("string") + "（星期" + start.dt.day_of_week.map(WEEKDAYS) + "）"
    span = start.dt.strftime("%H:%M").astype("string") + "–" + end.dt.strftime("%H:%M").astype("string")
    verdict = clear.map({True: "属于工作时间内的本职工作，不能记为志愿服务",
                         False: "可能是工作时间内的本职工作"}).astype("string")
    message = (role_text + "于工作日 " + day + " " + span + " 参加" + _activity(df) + "，" + verdict
               + why.where(why.eq(""), "（" + why + "）"))
    evidence = (_ev("身份", role_text) + "（" + role + "）；" + _ev("命中词", word) + "；" + _ev("工作日", day)
                + "；工作时间 " + hours_label + "，活动在其中的时段占 "
                + (share * 100).round().astype(int).astype("string") + "%")
    idx = df.index[in_hours]
    sev = clear.map({True: "违规", False: "存疑"})
    return hits(idx, message[idx], evidence[idx], sev[idx])


# ---- ACT002 ----------------------------------------------------------------------------------

@rule(
    code="ACT002",
    title="单位或学校内部有明确制度要求的活动",
    clause="二（二）-四类②",
    severity="违规",
    needs=("服务内容|活动名称",),
    optional=(*TEXT, "服务地点"),
    laws=LAWS,
    explanation=(
        "内部团建、资料整理、日常值班、工作会议、班级卫生清扫、主题班会、实验室清洁、学生会工作，"
        "以及部门拓展、例会、值守、本班教室或宿舍大扫除等，是单位或学校的内部要求，不是向社会或他人提供的"
        "公益服务。“资料整理”“值班”等说法要看地点：在本单位、教室、宿舍、办公室是内部活动；"
        "在敬老院、公共图书馆、社区等面向公众的地方是志愿服务；看不出来的列为“存疑”。"
        "词表见 params/lexicons/internal.yaml 与 public.yaml。"
    ),
    compliant="周六到市社会福利院为老人打扫房间；在市图书馆整理归位图书。",
    noncompliant="“班级卫生清扫”，服务地点：本班教室；“部门团建”；“学生会例会”。",
    not_modelled="不知道参与者的单位：在自己单位对外开放的场所（如本校图书馆）服务，按文字中的地点判断。",
)
def act002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = _lex(ctx, "internal")
    public_words = _lex(ctx, "public")["public"]
    text = _text(df, (*TEXT, "服务地点"))
    strong = _find(text, lex["strong"])
    named = _find(text, lex["named"])
    generic = _find(text, lex["generic"])
    place = _find(text, lex["places"])
    public = _find(text, public_words)
    word = strong.fillna(named).fillna(generic)
    site = df["服务地点"].astype("string") if "服务地点" in df.columns else pd.Series(pd.NA, index=df.index)
    inside = place.notna() & public.isna()
    serving = _has(text, lex.get("serving") or {})  # serving someone else's meeting
    clear = (strong.notna() & ~serving) | ((named.notna() | generic.notna()) & inside)
    weak = ~clear & ~serving & named.notna() & place.isna() & public.isna()
    flagged = clear | weak
    if not flagged.any():
        return hits(df.index[:0], [], [])
    message = (_activity(df) + "含“" + word.fillna("") + clear.map({
        True: "”，属于单位或学校内部有明确制度要求的活动，不能记为志愿服务",
        False: "”，可能是单位或学校内部活动；文字里看不出面向公众，请核实",
    }).astype("string"))
    evidence = _join([
        (pd.Series(True, index=df.index), _ev("命中词", word)),
        (place.notna(), _ev("内部场所", place)),
        (weak, "未见面向公众的场所或对象"),
        (site.notna(), _ev("服务地点", site)),
    ])
    idx = df.index[flagged]
    return hits(idx, message[idx], evidence[idx], clear.map({True: "违规", False: "存疑"})[idx])


# ---- ACT003 ----------------------------------------------------------------------------------

def _near(a, b, n: int) -> str:
    return f"(?:{_alt(a)}.{{0,{n}}}{_alt(b)}|{_alt(b)}.{{0,{n}}}{_alt(a)})"


@rule(
    code="ACT003",
    title="违反志愿服务时间记录规定（捐赠折算、奖励时长、线上转发）",
    clause="二（二）-四类③",
    severity="违规",
    needs=("服务内容|活动名称",),
    optional=TEXT,
    laws=LAWS,
    explanation=(
        "志愿服务时间是实际提供服务的时间。把捐款、捐物、献血折算成时长（捐款50元记1小时、捐衣服1件记1小时），"
        "完成任务就给予或奖励时长（答题满分奖励、积分兑换时长、报名即送时长），以及在微博、朋友圈、抖音、"
        "视频号等转发、点赞、分享公益宣传内容，都不能记为志愿服务时间。分拣整理捐赠衣物、在募捐现场登记、"
        "线下宣传摊位是实际服务，不在此列。只写了捐款数额、或只写“转发”未写平台的，列为“存疑”。"
        "词表见 params/lexicons/time_rules.yaml。"
    ),
    compliant="在慈善超市分拣、清洗市民捐赠的旧衣物4小时；在社区广场设摊发放防诈骗宣传单。",
    noncompliant="“捐书5本折算2小时”；“在朋友圈转发文明创建宣传海报”记0.5小时；“答题满分奖励2小时”。",
    not_modelled="线上志愿服务本身（如网络文明巡查、远程辅导）不在此列；本规则只看转发、点赞一类行为。",
)
def act003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = _lex(ctx, "time_rules")
    don, onl = lex["donation"], lex["online"]
    text = _text(df)
    gift = _find(text, don["words"])
    conv = _find(text, don["conversion"])
    award_h = _find(text, don["hours_award"])
    amount = _find(text, don["amount"])
    labour = _find(text, don["labour"])
    donation = gift.notna() & (conv.notna() | (award_h.notna() & labour.isna()))
    donation_weak = gift.notna() & amount.notna() & labour.isna() & ~donation
    award = _find(text, lex["award"])
    near = _find(text, _near(onl["actions"], onl["platforms"], int(onl["near_chars"])))
    serving = _has(text, onl["serving"])
    online = near.notna() & ~serving
    online_weak = near.isna() & ~serving & _has(text, onl["weak_actions"])
    clear = donation | award.notna() | online
    weak = ~clear & (donation_weak | online_weak)
    if not (clear | weak).any():
        return hits(df.index[:0], [], [])
    donated = gift + "；" + _join([(amount.notna() & conv.isna() & award_h.isna(), "数额：" + amount),
                                   (award_h.notna() & conv.isna(), "计时：" + award_h),
                                   (conv.notna(), "折算：" + conv)])
    kind = _join([
        (donation | donation_weak, "把捐赠折算成服务时长"),
        (award.notna(), "完成任务给予或奖励时长"),
        (online | online_weak, "线上转发、点赞记为服务时长"),
    ], sep="、")
    why = _join([(donation_weak, "只写了捐赠数额，未写折算"), (online_weak, "只写了转发、点赞，未写平台")])
    message = (_activity(df) + clear.map({True: "属于", False: "可能属于"}).astype("string") + kind
               + "，不是实际提供服务的时间，不能记为志愿服务" + why.where(why.eq(""), "（" + why + "，请核实）"))
    evidence = _join([
        (donation | donation_weak, _ev("捐赠", donated)),
        (award.notna(), _ev("奖励时长", award)),
        (online, _ev("线上行为", near)),
        (online_weak, _ev("线上行为", _find(text, onl["weak_actions"]))),
    ])
    if "服务时长(小时)" in df.columns:
        evidence = evidence + "；记录时长：" + fmt_num(df["服务时长(小时)"]) + "小时"
    idx = df.index[clear | weak]
    return hits(idx, message[idx], evidence[idx], clear.map({True: "违规", False: "存疑"})[idx])


# ---- ACT004 ----------------------------------------------------------------------------------

@rule(
    code="ACT004",
    title="以志愿服务名义组织的收费活动",
    clause="二（二）-四类④",
    severity="违规",
    needs=("服务内容|活动名称",),
    optional=(*TEXT, "参与费用"),
    laws=LAWS,
    explanation=(
        "以志愿服务名义组织旅游、参观、会议、研学、夏令营等，向参加者收费（“参与费用”大于0，或文字里写着"
        "“每人收费300元”“营费2680元/人”“费用自理”），不能记为志愿服务。免费的研学、由志愿者为孩子们服务的"
        "夏令营、博物馆里为参观群众讲解，是志愿服务。收了费但活动不属于上述几类，或“参与费用”与“免费”"
        "自相矛盾的，列为“存疑”。词表见 params/lexicons/paid.yaml。"
    ),
    compliant="大学生志愿者为留守儿童开展免费科普研学，负责看护和讲解；参与费用 0。",
    noncompliant="“红色研学之旅”，服务内容写“每人收费380元”；或“参与费用”一栏 1980 元的“志愿者海南行”。",
    not_modelled="不区分收费是否覆盖成本；向服务对象（而不是参加者）收费的活动请看 ACT005。",
)
def act004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = _lex(ctx, "paid")
    text = _text(df)
    cleaned = _strip(text, lex["not_fees"])
    kind = _find(text, lex["kinds"])
    fee_text = _find(cleaned, lex["fees"])
    free = _find(text, lex["free"])
    col = df["参与费用"] if "参与费用" in df.columns else pd.Series(np.nan, index=df.index)
    fee_col = col.gt(0).fillna(False).astype(bool)
    charged = (fee_col | fee_text.notna()) & free.isna()
    conflict = (fee_col | fee_text.notna()) & free.notna()
    clear = kind.notna() & charged
    weak = (charged & kind.isna()) | conflict
    if not (clear | weak).any():
        return hits(df.index[:0], [], [])
    reason = _join([
        (charged & kind.isna(), "向参加者收费，但活动类型不在旅游、参观、会议、研学、夏令营之列"),
        (conflict, "写着“" + free.fillna("") + "”却又有收费"),
    ])
    message = (_activity(df) + clear.map({True: "是以志愿服务名义组织的收费活动，不能记为志愿服务",
                                          False: "可能是以志愿服务名义组织的收费活动"}).astype("string")
               + reason.where(reason.eq(""), "（" + reason + "，请核实）"))
    evidence = _join([
        (kind.notna(), _ev("活动类型", kind)),
        (fee_col, "参与费用：" + fmt_num(col) + "元"),
        (fee_text.notna(), _ev("收费文字", fee_text)),
        (free.notna(), _ev("免费说法", free)),
    ])
    idx = df.index[clear | weak]
    return hits(idx, message[idx], evidence[idx], clear.map({True: "违规", False: "存疑"})[idx])


# ---- REC005 ----------------------------------------------------------------------------------

@rule(
    code="REC005",
    title="发放了必要补贴以外的报酬",
    clause="二（二）①-报酬",
    severity="违规",
    needs=("补贴类型|补贴金额|服务内容|活动名称",),
    optional=(*TEXT, "补贴类型", "补贴金额"),
    laws=("条例第二条",),
    explanation=(
        "志愿服务是无偿的。交通、误餐、保险、通讯、住宿等必要补贴可以发放；劳务费、报酬、工资、奖金、"
        "课时费等报酬不可以（“补贴类型”一栏或文字中写明发放即为违规）。必要补贴超过上限"
        "（params/lexicons/remuneration.yaml 的 subsidy_cap，本工具默认值，法规未规定金额）、"
        "补贴类型不在必要补贴之列、或发了钱却没写类型的，列为“存疑”。"
    ),
    compliant="补贴类型“交通补贴”，补贴金额 30 元。",
    noncompliant="补贴类型“劳务费”，补贴金额 200 元；或服务内容写“每人发放课时费100元”。",
    not_modelled="不核对补贴是否实际发放、发放标准是否经过批准；上限按一条记录计，不按天汇总。",
)
def rec005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = _lex(ctx, "remuneration")
    cap = float(lex["subsidy_cap"]["value"])
    typ = df["补贴类型"].astype("string").fillna("").str.strip() if "补贴类型" in df.columns \
        else pd.Series("", index=df.index, dtype="string")
    amt = df["补贴金额"] if "补贴金额" in df.columns else pd.Series(np.nan, index=df.index)
    text = _text(df) if any(c in df.columns for c in TEXT) else pd.Series("", index=df.index, dtype="string")
    rem = _alt(lex["remuneration"])
    neg_type = _has(typ, lex["negations"])
    paid_type = _find(typ, rem).where(~neg_type)
    paid_text = _find(text, f"{_alt(lex['paid_verbs'])}{rem}|{rem}[^，。；]{{0,4}}\\d+(?:\\.\\d+)?\\s*元")
    paid_text = paid_text.where(~_has(text, lex["negations"]))
    allowed = _find(typ, lex["allowed"])
    no_type = typ.eq("") | _has(typ, lex["none_words"])
    has_money = amt.gt(0).fillna(False).astype(bool)
    clear = paid_type.notna() | paid_text.notna()
    over_cap = ~clear & allowed.notna() & amt.gt(cap).fillna(False).astype(bool)
    unknown = ~clear & ~no_type & allowed.isna() & ~neg_type & (has_money | amt.isna())
    untyped = ~clear & no_type & has_money
    flagged = clear | over_cap | unknown | untyped
    if not flagged.any():
        return hits(df.index[:0], [], [])
    cap_s = fmt_num(pd.Series(cap, index=df.index))
    message = _join([
        (clear, "向志愿者发放了必要补贴以外的报酬（" + paid_type.fillna(paid_text) + "）"),
        (over_cap, "必要补贴 " + fmt_num(amt) + " 元超过上限 " + cap_s + " 元，请核实是否属于必要补贴"),
        (unknown, "补贴类型“" + typ + "”不在交通、误餐、保险等必要补贴之列，请核实"),
        (untyped, "发放了 " + fmt_num(amt) + " 元却未写补贴类型，请核实"),
    ])
    evidence = _join([
        (typ.ne(""), _ev("补贴类型", typ)),
        (amt.notna(), "补贴金额：" + fmt_num(amt) + "元"),
        (paid_text.notna(), _ev("文字", paid_text)),
        (over_cap, "上限：" + cap_s + "元"),
    ])
    idx = df.index[flagged]
    return hits(idx, message[idx], evidence[idx], clear.map({True: "违规", False: "存疑"})[idx])


# ---- ACT005 ----------------------------------------------------------------------------------

@rule(
    code="ACT005",
    title="以志愿服务名义开展营利性活动",
    clause="二（二）①-营利",
    severity="存疑",
    needs=("服务内容|活动名称",),
    optional=TEXT,
    laws=("条例第三十九条",),
    explanation=(
        "在志愿服务活动里销售商品、推销、带货、团购、办卡、招生、开收费课程，或把购买助农包等消费算作服务，"
        "可能是假冒志愿服务名义开展营利性活动。文字判断不了钱最终归谁，所以一律列为“存疑”，请人工核实。"
        "义卖（所得用于公益）、宣传防范推销骗局、为老人代购生活用品不在此列。词表见 params/lexicons/profit.yaml。"
    ),
    compliant="组织爱心义卖，所得善款全部捐赠福利院；为独居老人代购生活用品。",
    noncompliant="“助农志愿行”：志愿者每购买一份助农包记1小时；“志愿服务进社区”现场推销保健品。",
)
def act005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = _lex(ctx, "profit")
    text = _text(df)
    sell = _find(text, lex["selling"]).where(~_has(text, lex["negations"]))
    idx = df.index[sell.notna()]
    message = _activity(df) + "含有销售、推销或消费的内容（" + sell.fillna("") + "），可能以志愿服务名义开展营利性活动，请核实"
    return hits(idx, message[idx], _ev("命中词", sell)[idx])
