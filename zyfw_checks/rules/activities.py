"""二（二）不予认定的四类活动（ACT001–ACT004）、营利（ACT005）与必要补贴以外的报酬（REC005）。

Every word list lives in ``params/lexicons/*.yaml`` (entries are regex fragments with a note);
this module only combines the matches, row-wise and vectorised.
"""

from __future__ import annotations

import re
import weakref

import numpy as np
import pandas as pd

from zyfw_checks.parsing import factorize_cached, remember_factorization
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


def _find(text: pd.Series, entries) -> pd.Series:
    """The first matching phrase per value (NA when none); callers pass distinct texts."""
    pat = entries if isinstance(entries, str) else _alt(entries)
    return regex_extract(text, _GROUP.sub("(?:", pat))


def _strip(text: pd.Series, entries) -> pd.Series:
    """The text with every match of the entries removed."""
    return text.str.replace(_alt(entries), "", regex=True, flags=re.I)


class _Distinct:
    """A per-row text seen through its distinct values: rules ask every question once per distinct
    text (``u``), combine flags as numpy arrays over rows via ``codes``, and only build strings for
    the flagged rows (a million-row string Series costs far more than the regexes on the uniques).
    """

    def __init__(self, s: pd.Series, fill=None):
        codes, uniques = factorize_cached(s)
        self.u = pd.Series(uniques)
        if fill is not None:  # NA rows read as ``fill`` (one extra distinct value)
            self.u = pd.Series([*uniques, fill], dtype="string")  # a handful of values; one chunk for RE2
            codes = np.where(codes < 0, len(uniques), codes)
        self.codes, self.index = codes, s.index

    def rows(self, flag: pd.Series) -> np.ndarray:
        """A per-distinct-value flag on every row (False where the row's value is NA)."""
        f = flag.fillna(False).to_numpy(dtype=bool)
        if not len(f):
            return np.zeros(len(self.codes), dtype=bool)
        return f[np.where(self.codes < 0, 0, self.codes)] & (self.codes >= 0)

    def at(self, values: pd.Series, pos: np.ndarray) -> pd.Series:
        """Per-distinct-value results on the rows at ``pos`` (indexed like them; NA / False where NA)."""
        if pd.api.types.is_bool_dtype(values):
            return pd.Series(self.rows(values)[pos], index=self.index[pos])
        codes = self.codes[pos]
        out = values.take(np.where(codes < 0, 0, codes)) if len(values) else values.reindex(range(len(pos)))
        return out.set_axis(self.index[pos]).where(pd.Series(codes >= 0, index=self.index[pos]))


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
    roles = _Distinct(df["参与者身份"], fill="")
    text = _Distinct(_text(df))
    start, end = df["开始时间"], df["结束时间"]
    specs = list(lex["roles"].items())
    excluded = roles.rows(_find(roles.u, lex["exclude"]).notna())
    who = np.full(len(df), -1)  # the matched role's position in ``specs``
    strong = np.zeros(len(df), dtype=bool)
    share = np.zeros(len(df))
    words = {}  # (pass, role) → the phrase matched in each distinct text
    # Pass 1 fills rows whose content is a role's own duty; pass 2 rows with a related word only.
    for key, is_strong in (("duties", True), ("related", False)):
        for j, (_name, spec) in enumerate(specs):
            todo = (who < 0) & ~excluded & roles.rows(_find(roles.u, spec["match"]).notna())
            if not todo.any():
                continue
            words[key, j] = _find(text.u, spec.get(key) or {})
            take = todo & text.rows(words[key, j].notna())
            hours = spec.get("hours") or lex["working_hours"]
            who[take], strong[take] = j, is_strong
            share[take] = _share_in_hours(start[take], end[take], hours).to_numpy()
    pos = np.flatnonzero(share > 0)  # share > 0 only where a role matched
    workday = ctx.workdays.is_workday(start.iloc[pos]).to_numpy()
    pos = pos[workday]
    if not len(pos):
        return hits(df.index[:0], [], [])
    idx, sub = df.index[pos], df.iloc[pos]
    start, end = sub["开始时间"], sub["结束时间"]
    covered = ctx.workdays.covered(start)
    if (~covered).any() and hasattr(ctx, "notes"):
        ctx.notes.append(f"ACT001：部分记录的年份超出{ctx.workdays.coverage_note}，按周一至周五判断工作日。")
    strong, share, who = pd.Series(strong[pos], index=idx), pd.Series(share[pos], index=idx), who[pos]
    clear = strong & covered & share.ge(float(lex["working_hours"]["clear_share"]))
    role = pd.Series(pd.NA, index=idx, dtype="string")
    word, hours_label = role.copy(), role.copy()
    for (key, j), found in words.items():
        mine = (who == j) & (strong.to_numpy() == (key == "duties"))
        if mine.any():
            hours = specs[j][1].get("hours") or lex["working_hours"]
            role[mine], hours_label[mine] = specs[j][0], f"{hours['start']}–{hours['end']}"
            word[mine] = text.at(found, pos[mine]).to_numpy()
    role_text = sub["参与者身份"].astype("string").fillna("")
    why = _join([
        (~strong, "内容可能与本职相关，请核实"),
        (share.lt(float(lex["working_hours"]["clear_share"])), "只有部分时段在工作时间内"),
        (~covered, "节假日数据未覆盖该年份，按周一至周五判断"),
    ])
    day = start.dt.strftime("%Y-%m-%d").astype("string") + "（星期" + start.dt.day_of_week.map(WEEKDAYS) + "）"
    span = start.dt.strftime("%H:%M").astype("string") + "–" + end.dt.strftime("%H:%M").astype("string")
    verdict = clear.map({True: "属于工作时间内的本职工作，不能记为志愿服务",
                         False: "可能是工作时间内的本职工作"}).astype("string")
    message = (role_text + "于工作日 " + day + " " + span + " 参加" + _activity(sub) + "，" + verdict
               + why.where(why.eq(""), "（" + why + "）"))
    evidence = (_ev("身份", role_text) + "（" + role + "）；" + _ev("命中词", word) + "；" + _ev("工作日", day)
                + "；工作时间 " + hours_label + "，活动在其中的时段占 "
                + (share * 100).round().astype(int).astype("string") + "%")
    return hits(idx, message, evidence, clear.map({True: "违规", False: "存疑"}))


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
    text = _Distinct(_text(df, (*TEXT, "服务地点")))
    u = text.u  # everything below but the site column depends on the text alone
    strong = _find(u, lex["strong"])
    named = _find(u, lex["named"])
    generic = _find(u, lex["generic"])
    place = _find(u, lex["places"])
    public = _find(u, public_words)
    inside = place.notna() & public.isna()
    serving = _find(u, lex.get("serving") or {}).notna()  # serving someone else's meeting
    clear = (strong.notna() & ~serving) | ((named.notna() | generic.notna()) & inside)
    weak = ~clear & ~serving & named.notna() & place.isna() & public.isna()
    pos = np.flatnonzero(text.rows(clear | weak))
    if not len(pos):
        return hits(df.index[:0], [], [])
    sub = df.iloc[pos]
    word, place = text.at(strong.fillna(named).fillna(generic), pos), text.at(place, pos)
    clear, weak = text.at(clear, pos), text.at(weak, pos)
    site = sub["服务地点"].astype("string") if "服务地点" in sub.columns else pd.Series(pd.NA, index=sub.index)
    message = (_activity(sub) + "含“" + word.fillna("") + clear.map({
        True: "”，属于单位或学校内部有明确制度要求的活动，不能记为志愿服务",
        False: "”，可能是单位或学校内部活动；文字里看不出面向公众，请核实",
    }).astype("string"))
    evidence = _join([
        (pd.Series(True, index=sub.index), _ev("命中词", word)),
        (place.notna(), _ev("内部场所", place)),
        (weak, "未见面向公众的场所或对象"),
        (site.notna(), _ev("服务地点", site)),
    ])
    return hits(sub.index, message, evidence, clear.map({True: "违规", False: "存疑"}))


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
    text = _Distinct(_text(df))
    u = text.u  # everything below but the recorded hours depends on the text alone
    gift = _find(u, don["words"])
    conv = _find(u, don["conversion"])
    award_h = _find(u, don["hours_award"])
    amount = _find(u, don["amount"])
    labour = _find(u, don["labour"])
    donation = gift.notna() & (conv.notna() | (award_h.notna() & labour.isna()))
    donation_weak = gift.notna() & amount.notna() & labour.isna() & ~donation
    award = _find(u, lex["award"])
    near = _find(u, _near(onl["actions"], onl["platforms"], int(onl["near_chars"])))
    serving = _find(u, onl["serving"]).notna()
    weak_action = _find(u, onl["weak_actions"])
    online = near.notna() & ~serving
    online_weak = near.isna() & ~serving & weak_action.notna()
    clear = donation | award.notna() | online
    weak = ~clear & (donation_weak | online_weak)
    pos = np.flatnonzero(text.rows(clear | weak))
    if not len(pos):
        return hits(df.index[:0], [], [])
    sub = df.iloc[pos]
    gift, conv, award_h, amount, award, near, weak_action = (
        text.at(x, pos) for x in (gift, conv, award_h, amount, award, near, weak_action))
    donation, donation_weak, online, online_weak, clear = (
        text.at(x, pos) for x in (donation, donation_weak, online, online_weak, clear))
    donated = gift + "；" + _join([(amount.notna() & conv.isna() & award_h.isna(), "数额：" + amount),
                                   (award_h.notna() & conv.isna(), "计时：" + award_h),
                                   (conv.notna(), "折算：" + conv)])
    kind = _join([
        (donation | donation_weak, "把捐赠折算成服务时长"),
        (award.notna(), "完成任务给予或奖励时长"),
        (online | online_weak, "线上转发、点赞记为服务时长"),
    ], sep="、")
    why = _join([(donation_weak, "只写了捐赠数额，未写折算"), (online_weak, "只写了转发、点赞，未写平台")])
    message = (_activity(sub) + clear.map({True: "属于", False: "可能属于"}).astype("string") + kind
               + "，不是实际提供服务的时间，不能记为志愿服务" + why.where(why.eq(""), "（" + why + "，请核实）"))
    evidence = _join([
        (donation | donation_weak, _ev("捐赠", donated)),
        (award.notna(), _ev("奖励时长", award)),
        (online, _ev("线上行为", near)),
        (online_weak, _ev("线上行为", weak_action)),
    ])
    if "服务时长(小时)" in sub.columns:
        evidence = evidence + "；记录时长：" + fmt_num(sub["服务时长(小时)"]) + "小时"
    return hits(sub.index, message, evidence, clear.map({True: "违规", False: "存疑"}))


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
    text = _Distinct(_text(df))
    kind = _find(text.u, lex["kinds"])
    fee_text = _find(_strip(text.u, lex["not_fees"]), lex["fees"])
    free = _find(text.u, lex["free"])
    col = df["参与费用"] if "参与费用" in df.columns else pd.Series(np.nan, index=df.index)
    fee = col.gt(0).fillna(False).to_numpy(dtype=bool) | text.rows(fee_text.notna())
    pos = np.flatnonzero(fee)  # clear or weak = charged (no 免费) or conflicting (免费) = any fee
    if not len(pos):
        return hits(df.index[:0], [], [])
    idx = df.index[pos]
    col, kind, fee_text, free = col.iloc[pos], text.at(kind, pos), text.at(fee_text, pos), text.at(free, pos)
    fee_col = col.gt(0).fillna(False).astype(bool)
    charged = (fee_col | fee_text.notna()) & free.isna()
    conflict = (fee_col | fee_text.notna()) & free.notna()
    clear = kind.notna() & charged
    reason = _join([
        (charged & kind.isna(), "向参加者收费，但活动类型不在旅游、参观、会议、研学、夏令营之列"),
        (conflict, "写着“" + free.fillna("") + "”却又有收费"),
    ])
    message = (_activity(df.iloc[pos]) + clear.map({True: "是以志愿服务名义组织的收费活动，不能记为志愿服务",
                                                    False: "可能是以志愿服务名义组织的收费活动"}).astype("string")
               + reason.where(reason.eq(""), "（" + reason + "，请核实）"))
    evidence = _join([
        (kind.notna(), _ev("活动类型", kind)),
        (fee_col, "参与费用：" + fmt_num(col) + "元"),
        (fee_text.notna(), _ev("收费文字", fee_text)),
        (free.notna(), _ev("免费说法", free)),
    ])
    return hits(idx, message, evidence, clear.map({True: "违规", False: "存疑"}))


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
    none = pd.Series(pd.NA, index=df.index, dtype="string")
    types = _Distinct(df["补贴类型"] if "补贴类型" in df.columns else none, fill="")
    amt = df["补贴金额"] if "补贴金额" in df.columns else pd.Series(np.nan, index=df.index)
    text = _Distinct(_text(df)) if any(c in df.columns for c in TEXT) else _Distinct(none, fill="")
    typ = types.u.str.strip()
    rem = _alt(lex["remuneration"])
    neg_type = _find(typ, lex["negations"]).notna()
    paid_type = _find(typ, rem).where(~neg_type)
    paid_text = _find(text.u, f"{_alt(lex['paid_verbs'])}{rem}|{rem}[^，。；]{{0,4}}\\d+(?:\\.\\d+)?\\s*元")
    paid_text = paid_text.where(_find(text.u, lex["negations"]).isna())
    allowed = _find(typ, lex["allowed"])
    no_type = typ.eq("") | _find(typ, lex["none_words"]).notna()
    # flags per row from the distinct types and texts, the amount per row
    has_money = amt.gt(0).fillna(False).to_numpy(dtype=bool)
    clear = types.rows(paid_type.notna()) | text.rows(paid_text.notna())
    over_cap = ~clear & types.rows(allowed.notna()) & amt.gt(cap).fillna(False).to_numpy(dtype=bool)
    unknown = (~clear & ~types.rows(no_type | allowed.notna() | neg_type)
               & (has_money | amt.isna().to_numpy()))
    untyped = ~clear & types.rows(no_type) & has_money
    pos = np.flatnonzero(clear | over_cap | unknown | untyped)
    if not len(pos):
        return hits(df.index[:0], [], [])
    idx = df.index[pos]
    clear, over_cap, unknown, untyped = (pd.Series(x[pos], index=idx) for x in (clear, over_cap, unknown, untyped))
    typ, amt, paid_text = types.at(typ, pos), amt.iloc[pos], text.at(paid_text, pos)
    cap_s = fmt_num(pd.Series(cap, index=idx))
    message = _join([
        (clear, "向志愿者发放了必要补贴以外的报酬（" + types.at(paid_type, pos).fillna(paid_text) + "）"),
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
    return hits(idx, message, evidence, clear.map({True: "违规", False: "存疑"}))


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
    text = _Distinct(_text(df))
    sell = _find(text.u, lex["selling"]).where(_find(text.u, lex["negations"]).isna())
    pos = np.flatnonzero(text.rows(sell.notna()))
    sell = text.at(sell, pos)
    message = (_activity(df.iloc[pos]) + "含有销售、推销或消费的内容（" + sell.fillna("")
               + "），可能以志愿服务名义开展营利性活动，请核实")
    return hits(sell.index, message, _ev("命中词", sell))
