"""二（二）不予认定的四类活动（ACT001–ACT004）与营利（ACT005）。

Every word list lives in ``params/lexicons/*.yaml`` (entries are regex fragments with a note);
this module only combines the matches, vectorised: every question is asked once per distinct
text, flags are combined as numpy arrays over rows, strings are built for flagged rows only.
The joined activity text and the ACT004 fee reading are built once per run (``ctx.once``) and
shared by the rules here and by REC005 (rules/remuneration.py).

Severity follows the written model (issue 9): whether an activity is one of the four kinds is
read from words, so a word match is 存疑; 违规 only where the data itself shows the breach
(an explicit conversion formula in the text for ③, a 参与费用 above 0 for a listed kind for ④).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.common import fmt_num, join_flags, regex_extract
from zyfw_checks.wordsplit import _BLANK, Words, tokenizer, user_words  # noqa: F401  (tests and tools use them here)

TEXT = ("活动名称", "服务内容")
WEEKDAYS = dict(enumerate("一二三四五六日"))
LAWS = ("条例第二条", "办法第十九条")

# ACT001 tiers: what made the row a candidate (the message says how strong the reading is)
DUTY, ON_DUTY, RELATED = 3, 2, 1


# ---- lexicon helpers -------------------------------------------------------------------------

_GROUP = re.compile(r"(?<!\\)\((?!\?)")


# The loader normalises text to NFKC, so a full-width mark typed in a cell arrives in its ASCII form (“，” as
# “,”, “；” as “;”); a gap class of the lexicons such as ``[^，。；]`` (“within one clause”) must stop at both
# forms. “。” is not changed by NFKC, but a sentence typed on an English keyboard ends with “.”: the gap stops
# there too, except inside a decimal number (2.5小时), which stays one part of the clause.
_TWINS = {"，": ",", "。": ".", "；": ";", "：": ":", "！": "!", "？": "?"}
_NEGATED = re.compile(r"\[\^((?:\\.|[^\]\\])*)\]")


def _both_forms(m: re.Match) -> str:
    body = m.group(1)
    add = "".join(ascii_ for full, ascii_ in _TWINS.items() if full in body and ascii_ not in body)
    if not add:
        return m.group(0)
    cls = f"[^{body}{add}]"
    return f"(?:{cls}|\\d\\.\\d)" if "." in add and "\\d" not in body else cls


@functools.lru_cache(maxsize=4096)
def gaps(pattern: str) -> str:
    """``pattern`` with every negated class that stops at full-width punctuation also stopping at the ASCII
    forms the loader's NFKC turns them into (idempotent: a class that has them is left alone)."""
    return _NEGATED.sub(_both_forms, pattern)


def alternation(entries) -> str:
    """One alternation from lexicon entries (longest first, so the longest phrase is reported).

    Groups inside entries become non-capturing, so ``find`` has exactly one group to extract; gap classes
    stop at the ASCII forms of their punctuation too (:func:`gaps`).
    """
    words = sorted(entries, key=len, reverse=True)
    return gaps(_GROUP.sub("(?:", "(?:" + "|".join(words) + ")")) if words else "(?!)"


def find(text: pd.Series, entries) -> pd.Series:
    """The first matching phrase per value (NA when none); callers pass distinct texts."""
    if not len(text):
        return pd.Series(pd.NA, index=text.index, dtype="string[pyarrow]")
    pat = entries if isinstance(entries, str) else alternation(entries)
    return regex_extract(text, gaps(_GROUP.sub("(?:", pat)))


def lexicon(ctx, name: str):
    return ctx.params(f"lexicons/{name}")


# ---- words, not characters (issue 19 §4): the tokenizer and the boundary test live in zyfw_checks.wordsplit

def find_on(text: Distinct, rows: np.ndarray, entries, w: Words) -> pd.Series:
    """:func:`find_words` on the distinct texts of the ``rows`` only (NA for the other texts): ACT001 asks a
    role's words only of the texts of that role's rows, so the word check runs on few texts."""
    out = pd.Series(pd.NA, index=text.u.index, dtype="string")
    codes = np.unique(text.codes[rows & (text.codes >= 0)])
    if len(codes):
        out.iloc[codes] = find_words(text.u.iloc[codes], entries, w).to_numpy()
    return out


def words(ctx, df: pd.DataFrame) -> Words:
    """The run's word boundaries, with the place names of 组织单位 and 服务地点."""
    def make() -> Words:
        pat = re.compile(lexicon(ctx, "words")["names"]["pattern"])
        names: set[str] = set()
        for c in ("组织单位", "服务地点"):
            if c in df.columns:
                for v in pd.unique(df[c].dropna().astype(str)):
                    names.update(m.group(1) for m in pat.finditer(v))
        return Words(names, lexicon(ctx, "words")["compounds"])
    return ctx.once("activities.words", make)


def find_words(text: pd.Series, entries, w: Words, rounds: int = 3) -> pd.Series:
    """Like :func:`find`, but a match must start and end on word boundaries: a listed word whose
    characters straddle two words (“中转发放”的“转发”) or sit inside a name is no match, and the
    text is searched again after it. Runs on distinct texts; jieba runs only on texts with a match."""
    out = find(text, entries)
    cur = text
    for last in [False] * rounds + [True]:
        hit = out.notna().to_numpy()
        if not hit.any():
            break
        idx = out.index[hit]
        bad = np.array([not w.whole(o, c, m) for o, c, m in zip(text[idx], cur[idx], out[idx], strict=True)],
                       dtype=bool)
        bad_idx = idx[bad]
        if not len(bad_idx):
            break
        out = out.copy()
        if last:
            out[bad_idx] = pd.NA
            break
        blanked = pd.Series([c.replace(m, _BLANK + m[1:], 1) for c, m in zip(cur[bad_idx], out[bad_idx], strict=True)],
                            index=bad_idx, dtype="string")
        cur = cur.astype("string").copy()
        cur[bad_idx] = blanked
        out[bad_idx] = find(blanked, entries).to_numpy()
    return out


class Distinct:
    """A per-row text seen through its distinct values: rules ask every question once per distinct
    text (``u``), combine flags as numpy arrays over rows via ``codes``, and only build strings for
    the flagged rows (a million-row string Series costs far more than the regexes on the uniques).
    """

    def __init__(self, codes: np.ndarray, uniques: pd.Series, index: pd.Index):
        self.codes, self.u, self.index = codes, uniques.reset_index(drop=True), index

    @classmethod
    def of(cls, s: pd.Series, fill=None) -> Distinct:
        """Distinct values of one column; NA rows read as ``fill`` when given (one extra value)."""
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        u = pd.Series(uniques, dtype="string")
        if fill is not None:
            u = pd.Series([*u.tolist(), fill], dtype="string")
            codes = np.where(codes < 0, len(uniques), codes)
        return cls(codes, u, s.index)

    @classmethod
    def joined(cls, df: pd.DataFrame, cols) -> Distinct:
        """The columns joined row-wise with "；", each distinct combination of values built once."""
        cols = [c for c in cols if c in df.columns]
        key = np.zeros(len(df), dtype=np.int64)
        for c in cols:  # one integer per distinct combination, kept small by refactorizing
            codes, uniques = pd.factorize(df[c])
            key = pd.factorize(key * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
        combo = key  # already one code per combination, in order of first appearance (as factorize gives)
        n = int(combo.max()) + 1 if len(combo) else 0
        first = np.full(n, -1, dtype=np.int64)
        first[combo[::-1]] = np.arange(len(combo))[::-1]  # a row that carries each combination
        rep = df[list(dict.fromkeys(cols))].iloc[first]  # only the joined columns (every column costs far more)
        parts = [rep[c].astype("string[pyarrow]").fillna("").reset_index(drop=True) for c in cols]
        joined = parts[0] if parts else pd.Series([""] * n, dtype="string[pyarrow]")
        for p in parts[1:]:
            joined = joined + "；" + p
        return cls(combo, joined, df.index)

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


def activity_text(ctx, df: pd.DataFrame, cols=TEXT) -> Distinct:
    """活动名称；服务内容 (…) per row through its distinct values — built once per run, shared."""
    return ctx.once("activities.text:" + "+".join(cols), lambda: Distinct.joined(df, cols))


def column(ctx, df: pd.DataFrame, name: str, fill=None) -> Distinct:
    """One column's distinct values, once per run (an absent column reads as all NA / ``fill``)."""
    def make() -> Distinct:
        s = df[name] if name in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
        return Distinct.of(s, fill)
    return ctx.once(f"activities.column:{name}:{fill!r}", make)


def intervals(ctx, df: pd.DataFrame) -> pd.DataFrame:
    """The run's service-time model (ctx.intervals) on the rows of ``df`` (the whole table in a run)."""
    iv = ctx.intervals
    return iv if iv.index.equals(df.index) else iv.reindex(df.index)


def quote(s: pd.Series, limit: int = 30) -> pd.Series:
    s = s.astype("string").fillna("")
    return s.str.slice(0, limit) + s.str.len().gt(limit).map({True: "…", False: ""}).astype("string")


def rows_of(df: pd.DataFrame, pos: np.ndarray, cols) -> pd.DataFrame:
    """The rows at ``pos`` of those of ``cols`` the table has: a rule's flagged rows of the columns it words its
    messages from (taking every column of a big table costs far more than the few a message needs)."""
    return df[[c for c in dict.fromkeys(cols) if c in df.columns]].iloc[pos]


def activity_name(df: pd.DataFrame) -> pd.Series:
    name = df["活动名称"].astype("string") if "活动名称" in df.columns else None
    content = df["服务内容"].astype("string") if "服务内容" in df.columns else None
    base = name if name is not None else content
    if name is not None and content is not None:
        base = name.fillna(content)
    return "“" + quote(base) + "”"


def labelled(label: str, s: pd.Series) -> pd.Series:
    return label + "：" + s.astype("string").fillna("")


def joined(parts, index, sep: str = "；") -> pd.Series:
    """``join_flags`` over the whole ``index`` ('' where no flag is set)."""
    return join_flags(parts, sep).reindex(index, fill_value="").astype("string")


def _none(df: pd.DataFrame) -> pd.DataFrame:
    return hits(df.index[:0], [], [])


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


def on_duty(df: pd.DataFrame, ctx) -> dict | None:
    """ACT001's reading, once per run: which rows are an employed person's own job in working time.

    Returns positions (``pos``) with, per position, the role spec (``who``), the tier, the share
    of the span in working hours and the matched words; ``None`` when the columns are absent.
    ACT002 reads it too (a teacher's 课后服务 by the school's 安排 is ①, not also ②).
    """
    if not all(c in df.columns for c in ("参与者身份", "开始时间", "结束时间")):
        return None
    return ctx.once("activities.on_duty", lambda: _read_on_duty(df, ctx))


def _read_on_duty(df: pd.DataFrame, ctx) -> dict:
    lex = lexicon(ctx, "roles")
    roles = column(ctx, df, "参与者身份", fill="")
    text = activity_text(ctx, df)
    w = words(ctx, df)
    specs = list(lex["roles"].items())
    n = len(df)
    role_hits = [roles.rows(find(roles.u, spec["match"]).notna()) for _, spec in specs]
    first_role = np.full(n, -1)
    for j, hit in enumerate(role_hits):
        first_role[(first_role < 0) & hit] = j
    off = text.rows(find(text.u, lex["off_duty"]).notna())  # 休息日、请假、下班后……
    open_ = ~roles.rows(find(roles.u, lex["exclude"]).notna()) & ~off & (first_role >= 0)
    who, tier = np.full(n, -1), np.zeros(n, dtype=np.int8)
    said: dict[tuple[int, int], pd.Series] = {}  # (tier, role) → the phrase matched per distinct text
    for level, key in ((DUTY, "duties"), (RELATED, "related")):
        if level == RELATED:  # the generic on-duty reading comes between a role's duties and related words
            duty = lex["on_duty"]
            post, acts = find(text.u, duty["post"]), find_on(text, open_ & (tier == 0), duty["acts"], w)
            said[ON_DUTY, -1] = (post + "、" + acts).where(post.notna() & acts.notna())
            # or: the role names its institution (人社局干部) and the text an official act (办理、检查……)
            official = find_on(text, open_ & (tier == 0), duty["official"], w)
            said[ON_DUTY, -1] = said[ON_DUTY, -1].fillna(official)
            seated = roles.rows(find(roles.u, duty["institution"]).notna())
            take = open_ & (tier == 0) & (text.rows(post.notna() & acts.notna())
                                          | (seated & text.rows(official.notna())))
            who[take], tier[take] = first_role[take], ON_DUTY
        for j, (_name, spec) in enumerate(specs):
            todo = open_ & (tier == 0) & role_hits[j]
            if not todo.any() or not spec.get(key):
                continue
            said[level, j] = find_on(text, todo, spec[key], w)
            take = todo & text.rows(said[level, j].notna())
            who[take], tier[take] = j, level
    # the structure, not the nouns: the role names its workplace (敬老院护理员、图书馆馆员、公园管理处职工) and the
    # service is at that workplace (服务地点 names it, or the text says 本院、园内……): its own job's kind of work
    work = lex["workplace"]
    wp = alternation(work["places"])
    pair = Distinct.joined(df, ("参与者身份", "服务地点"))
    same = pair.u.astype(object).str.extract(f"(?P<w>{wp[3:-1]})[^；]*；.*(?P=w)", expand=True)["w"].notna()
    if same.any():  # the same institution, not only the same kind: 黄兴镇敬老院 is not 星城敬老院
        named = re.compile(f"^([\u4e00-\u9fff]*?)({wp[3:-1]})")
        generic = re.compile(work["generic_prefix"])

        def one_place(v: str) -> bool:
            role_, _, site = v.partition("；")
            m = named.search(role_)
            x = generic.sub("", m.group(1)) if m else ""
            return not m or len(x) < 2 or (m.group(1) + m.group(2)) in site or (x + m.group(2)) in site

        idx = same.index[same.to_numpy(dtype=bool)]
        same[idx] = [one_place(v) for v in pair.u[idx]]
    own_site = pair.rows(same) | (
        roles.rows(find(roles.u, wp).notna()) & text.rows(find(text.u, work["own"]).notna()))
    take = open_ & (tier == 0) & own_site
    who[take], tier[take] = first_role[take], ON_DUTY
    at_site = take
    said.setdefault((ON_DUTY, -1), pd.Series(pd.NA, index=text.u.index, dtype="string"))
    # a meeting, study session or roster of one's own unit is ② whoever attends: ① keeps only its own duties
    tier[(tier < DUTY) & internal(df, ctx)["own_rows"]] = 0
    # working time from the one service-time model: overnight rows end the next day, several-day rows are
    # read on their first day, and a date-only row is a missing clock time (not judged, said so)
    iv = intervals(ctx, df)
    clock = iv["clock"].to_numpy(dtype=bool) & ~iv["reversed"].to_numpy(dtype=bool)
    undated = (tier > 0) & ~clock & iv["date_only"].to_numpy(dtype=bool)
    if undated.any():
        from zyfw_checks.reasons import Reason

        ctx.partly_unassessed(Reason.DATE_ONLY, f"{int(undated.sum())} 条像是在职人员本职工作的记录只有日期没有起止时刻，"
                              "无法判断是否在工作时间内，未评估", rule="ACT001", mask=undated)
    share = np.zeros(n)
    for j, (_name, spec) in enumerate(specs):
        mine = np.flatnonzero((tier > 0) & clock)
        mine = mine[who[mine] == j]
        if len(mine):
            hours = spec.get("hours") or lex["working_hours"]
            share[mine] = _share_in_hours(iv["start"].iloc[mine], iv["end"].iloc[mine], hours).to_numpy()
    pos = np.flatnonzero(share > 0)
    pos = pos[ctx.workdays.is_workday(iv["start"].iloc[pos]).to_numpy()]
    return {"pos": pos, "who": who[pos], "tier": tier[pos], "share": share[pos], "words": said, "site": at_site[pos],
            "specs": specs, "text": text}


@rule(
    code="ACT001",
    hazards=('before_in_force', 'date_only', 'multi_day', 'overnight', 'word_inside_word'),
    in_force="notice_in_force",
    title="工作时间内参加与本职工作密切相关的活动",
    clause="二（二）-四类①",
    severity="存疑",
    needs=("参与者身份", "开始时间", "结束时间", "服务内容|活动名称"),
    optional=TEXT,
    laws=LAWS,
    explanation=(
        "参与者是在职人员（社区工作人员、网格员、村（居）干部、机关干部、教师、医护人员，以及文字写明是某所、某局、"
        "某网点工作人员的），活动在法定工作日（含调休上班日）的工作时间内，内容是其本职工作（入户走访、下沉社区、"
        "课后服务、门诊导诊、检查执法、窗口办理……），这是职务行为，不是志愿服务。退休人员、学生，周末、节假日、"
        "晚上，文字写明休息日、请假、下班后的，或做与本职无关的事，不在此列。不限通知举的两种岗位：身份写明了所在单位"
        "（“某敬老院护理员”“图书馆馆员”“公园管理处职工”）、活动就在这个单位的，工作时间内做的就是其本职一类的工作；"
        "本单位的会议、学习按第②类报，不再报第①类。是不是本职工作是从文字判断的，"
        "所以都列为“存疑”，请核实当天是否在岗。身份、本职工作和作息时间见 params/lexicons/roles.yaml。"
    ),
    compliant="网格员周日到敬老院为老人理发；社区工作人员工作日晚上参加社区文艺演出服务。",
    noncompliant=(
        "社区工作人员 2024-03-05（星期二）09:00–11:30 “入户走访独居老人”；"
        "“司法所工作人员工作日到社区调解邻里纠纷”，星期四 14:00–17:00。"
    ),
    not_modelled=(
        "不知道个人的排班、请假和轮休：工作日请年休假做的事（文字没写请假时）会被列出，周末加班做的本职工作不会被发现；"
        "学校寒暑假只在文字写明时排除。活动跨天时只看开始那一天。"
    ),
    severity_reason=(
        "通知二（二）把“参与者在工作时间内参加与本职工作密切相关的活动”列为不得认定的活动，办法第十九条不许为其记录；"
        "但导出数据里没有参与者的单位、排班和请假，是否本职工作只能从身份和活动文字推断，需要有人核实，所以是存疑。"
    ),
)
def act001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    found = on_duty(df, ctx)
    if found is None or not len(found["pos"]):
        return _none(df)
    lex = lexicon(ctx, "roles")
    pos, who, tier, specs, text = found["pos"], found["who"], found["tier"], found["specs"], found["text"]
    idx, sub = df.index[pos], rows_of(df, pos, (*TEXT, "参与者身份"))
    start, end = intervals(ctx, df)["start"].iloc[pos], intervals(ctx, df)["end"].iloc[pos]
    covered = ctx.workdays.covered(start)
    if not covered.all():
        ctx.note(f"ACT001：部分记录的年份超出{ctx.workdays.coverage_note}，按周一至周五判断工作日。")
    share = pd.Series(found["share"], index=idx)
    site = pd.Series(found["site"], index=idx)
    role = pd.Series(pd.NA, index=idx, dtype="string")
    word, hours_label = role.copy(), role.copy()
    for j, (name, spec) in enumerate(specs):
        mine = who == j
        if mine.any():
            hours = spec.get("hours") or lex["working_hours"]
            role[mine], hours_label[mine] = name, f"{hours['start']}–{hours['end']}"
    for (level, j), phrases in found["words"].items():
        mine = (tier == level) & ((who == j) | (j < 0))
        if mine.any():
            word[mine] = text.at(phrases, pos[mine]).to_numpy()
    partly = share.lt(float(lex["working_hours"]["clear_share"]))
    tier_s = pd.Series(tier, index=idx)
    why = joined([
        (tier_s.eq(RELATED), "内容只是可能与本职相关"),
        (tier_s.eq(ON_DUTY) & ~site, "文字写明在岗或以单位工作人员身份履职"),
        (site, "服务地点是参与者身份所写的本单位"),
        (partly, "只有部分时段在工作时间内"),
        (~covered, "节假日数据未覆盖该年份，按周一至周五判断"),
    ], idx)
    role_text = sub["参与者身份"].astype("string").fillna("")
    make_up = start.dt.day_of_week.ge(5).map({True: "，调休上班日", False: ""}).astype("string")
    day = (start.dt.strftime("%Y-%m-%d").astype("string") + "（星期" + start.dt.day_of_week.map(WEEKDAYS)
           + make_up + "）")
    span = start.dt.strftime("%H:%M").astype("string") + "–" + end.dt.strftime("%H:%M").astype("string")
    likely = tier_s.eq(DUTY) & ~partly
    verdict = likely.map({True: "很可能是工作时间内的本职工作（职务行为），属实则不能记为志愿服务",
                          False: "可能是工作时间内的本职工作"}).astype("string")
    message = (role_text + "于工作日 " + day + " " + span + " 参加" + activity_name(sub) + "，" + verdict
               + "（" + why.where(why.eq(""), why + "；") + "请核实当天是否在岗）")
    evidence = (labelled("身份", role_text) + "（" + role + "）；" + labelled("命中词", word) + "；"
                + labelled("工作日", day) + "；工作时间 " + hours_label + "，活动在其中的时段占 "
                + (share * 100).round().astype(int).astype("string") + "%")
    return hits(idx, message, evidence)


# ---- ACT004 reading (shared with ACT002) ------------------------------------------------------

def fees(df: pd.DataFrame, ctx) -> dict:
    """ACT004's reading of fees, once per run: per distinct text the kind and fee phrases, per row
    the 参与费用 column. ACT002 reads it too (a fee-charging conference is ④, not also ②)."""
    return ctx.once("activities.fees", lambda: _read_fees(df, ctx))


def _read_fees(df: pd.DataFrame, ctx) -> dict:
    lex = lexicon(ctx, "paid")
    text = activity_text(ctx, df)
    u = text.u
    w = words(ctx, df)
    listed, similar = find_words(u, lex["listed"], w), find_words(u, lex["similar"], w)
    fee_text = find(u.str.replace(alternation(lex["not_fees"]), "", regex=True), lex["fees"])  # RE2, no flags
    others = find(u, lex["others_pay"]).notna()  # someone else's fee: 选手、游客、参展商……
    named = fee_text.notna() & others
    if named.any():  # the fee phrases left once the clauses about others' fees are taken out
        clause = gaps("[^，。；]*" + alternation(lex["others_pay"]) + "[^，。；]*")
        stripped = u[named].str.replace(clause, "", regex=True)
        fee_text[named] = find(stripped, lex["fees"]).to_numpy()
    free = find(u, lex["free"])
    volunteers_free = find(u, lex["volunteers_free"]).notna()
    col = df["参与费用"] if "参与费用" in df.columns else pd.Series(np.nan, index=df.index)
    fee_col = pd.to_numeric(col, errors="coerce").gt(0).fillna(False).to_numpy(dtype=bool)
    # the text says whose fee it is (选手、游客、参展商……), and names no fee of the volunteers' own
    explained = text.rows(others & (volunteers_free | free.notna() | fee_text.isna()))
    charged = (fee_col | text.rows(fee_text.notna())) & ~explained
    kind = text.rows(listed.notna() | similar.notna())
    # whose fee: another's event, insurance the volunteers bought, or a charge on the people served
    others_event = find(u, lex["others_event"]).fillna(find(u, lexicon(ctx, "internal")["serving"]))
    own_insurance, served = find(u, lex["own_insurance"]), find(u, lex["served"])
    return {"text": text, "listed": listed, "similar": similar, "fee_text": fee_text, "free": free,
            "col": col, "fee_col": fee_col, "charged": charged | text.rows(served.notna()), "kind": kind,
            "others_event": others_event, "own_insurance": own_insurance, "served": served}


# ---- ACT002 ----------------------------------------------------------------------------------

EXPLAIN_002 = (
    "通知的标准是“内部有明确制度要求”：不管活动叫什么，只要是本单位、本校按制度要求其成员参加的（按…制度、"
    "按…要求、规定…必须、纳入考核、轮值值日、例会、集中学习），就不是向社会或他人提供的公益服务。"
    "通知举的内部团建、资料整理、日常值班、工作会议、班级卫生清扫、主题班会、实验室清洁、学生会工作是例子。"
    "“资料整理”“打扫”等说法要看地点：在本单位、教室、宿舍、办公室是内部活动，在敬老院、公共图书馆、社区等"
    "面向公众的地方是志愿服务。“内部”是为本单位、本校自己的目的：即使是学校、单位要求的，服务对象在单位以外"
    "（学校组织学生去敬老院为老人打扫、表演）也不是内部活动；本单位的会议、排练、值班表，不论叫什么，都是内部活动。"
    "在公共求助热线值班、为慈善机构整理资料不是内部活动。写明自愿报名、要求出自志愿服务队自己的排班，或是为别人的会议、赛事服务的，"
    "不在此列；收费的会议归第④类。都是从文字判断的，列为“存疑”。"
    "词表见 params/lexicons/internal.yaml 与 public.yaml。"
)


def internal(df: pd.DataFrame, ctx) -> dict:
    """ACT002's reading, once per run (per distinct text of 活动名称；服务内容；服务地点). ACT001 reads it
    too: a meeting, study session or duty roster of one's own unit is ②, not also ①."""
    return ctx.once("activities.internal", lambda: _read_internal(df, ctx))


def _read_internal(df: pd.DataFrame, ctx) -> dict:
    lex = lexicon(ctx, "internal")
    public_words = lexicon(ctx, "public")["public"]
    text = activity_text(ctx, df, (*TEXT, "服务地点"))
    u = text.u  # everything below but the site column depends on the text alone
    w = words(ctx, df)
    strong, named, generic = (find_words(u, lex[k], w) for k in ("strong", "named", "generic"))
    place, public = find(u, lex["places"]), find(u, public_words)
    team = find(u, lex["not_unit"])  # a volunteer team's own roster or sign-up, not the unit's rule
    requirement = find(u, lex["requirement"])
    requirement = requirement.where(find(requirement.fillna(""), lex["not_unit"]).isna())
    roster = find(u, lex["roster"]).where(team.isna() & find(u, lex["units"]).notna())  # the unit's own rota
    requirement = requirement.fillna(roster)
    voluntary = find(u, lex["voluntary"]).notna()
    serving = find(u, lex["serving"]).notna()  # serving someone else's meeting, race, forum
    # ② is the unit's own purpose: a school's required visit to a 敬老院 serves people outside it
    outside = find(u, lex["outside"]).notna()
    # hours granted for attending (a 表彰大会 with 奖励时长) is ③'s defect, not ②'s
    tr = lexicon(ctx, "time_rules")
    granted = find(u, tr["award"]).notna() & find(u, tr["hours_stated"]).notna()
    inside = place.notna() & public.isna()
    required = requirement.notna() & ~voluntary & ~serving & ~outside
    clear = ((strong.notna() & ~serving) | ((named.notna() | generic.notna()) & inside & ~voluntary)
             | required) & ~granted
    weak = ~clear & ~serving & ~voluntary & ~granted & named.notna() & place.isna() & public.isna()
    own = (strong.notna() & ~serving) | required  # ②'s own kind, whoever takes part
    return {"text": text, "strong": strong, "named": named, "generic": generic, "place": place,
            "requirement": requirement, "required": required, "clear": clear, "weak": weak,
            "own_rows": text.rows(own & ~granted)}


@rule(
    code="ACT002",
    hazards=('before_in_force', 'word_inside_word'),
    in_force="notice_in_force",
    title="单位或学校内部有明确制度要求的活动",
    clause="二（二）-四类②",
    severity="存疑",
    needs=("服务内容|活动名称",),
    optional=(*TEXT, "服务地点"),
    laws=LAWS,
    explanation=EXPLAIN_002,
    compliant="周六到市社会福利院为老人打扫房间；在市图书馆整理归位图书；为行业论坛提供签到引导。",
    noncompliant="“班级卫生清扫”，服务地点：本班教室；“按单位卫生管理制度，各科室轮流打扫办公楼”；“学生会例会”。",
    not_modelled="不知道参与者的单位：在自己单位对外开放的场所（如本校图书馆）服务，按文字中的地点判断。",
    severity_reason=(
        "通知二（二）把“单位或学校内部有明确制度要求的活动”列为不得认定的活动，办法第十九条不许为其记录；"
        "但有没有制度要求、是不是本单位的场所，只能从活动文字推断，需要有人核实，所以是存疑。"
    ),
)
def act002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    r = internal(df, ctx)
    text = r["text"]
    strong, named, generic, requirement = r["strong"], r["named"], r["generic"], r["requirement"]
    place, clear, weak, required = r["place"], r["clear"], r["weak"], r["required"]
    flagged = text.rows(clear | weak)
    paid = fees(df, ctx)
    flagged &= ~(paid["charged"] & paid["kind"])  # a fee-charging conference or camp is ④
    duty = on_duty(df, ctx)
    if duty is not None:  # an employee's own job in working hours is ① (ACT001 leaves the unit's own meetings to ②)
        flagged[duty["pos"][duty["tier"] >= ON_DUTY]] = False
    pos = np.flatnonzero(flagged)
    if not len(pos):
        return _none(df)
    sub = rows_of(df, pos, (*TEXT, "服务地点"))
    idx = sub.index
    word = text.at(strong.fillna(requirement).fillna(named).fillna(generic), pos)
    place, clear, weak = text.at(place, pos), text.at(clear, pos), text.at(weak, pos)
    required = text.at(required, pos)
    site = sub["服务地点"].astype("string") if "服务地点" in sub.columns else pd.Series(pd.NA, index=idx)
    message = (activity_name(sub) + "含“" + word.fillna("") + clear.map({
        True: "”，可能是单位或学校内部有明确制度要求的活动，属实则不能记为志愿服务，请核实",
        False: "”，可能是单位或学校内部活动；文字里看不出面向公众，请核实",
    }).astype("string"))
    evidence = joined([
        (pd.Series(True, index=idx), labelled("命中词", word)),
        (required, "文字写明制度要求"),
        (place.notna(), labelled("内部场所", place)),
        (weak, "未见面向公众的场所或对象"),
        (site.notna(), labelled("服务地点", site)),
    ], idx)
    return hits(idx, message, evidence)


# ---- ACT003 ----------------------------------------------------------------------------------

def _near(a, b, n: int) -> str:
    return f"(?:{alternation(a)}.{{0,{n}}}{alternation(b)}|{alternation(b)}.{{0,{n}}}{alternation(a)})"


@rule(
    code="ACT003",
    hazards=('before_in_force', 'setting_word', 'word_inside_word'),
    in_force="notice_in_force",
    title="违反志愿服务时间记录规定（折算时长、奖励时长、线上转发）",
    clause="二（二）-四类③",
    severity="违规",
    needs=("服务内容|活动名称",),
    optional=TEXT,
    laws=LAWS,
    explanation=(
        "志愿服务时间是实际付出的时间。把钱（捐出的或花掉的）、物、献血量、步数、件数、人数折算成时长"
        "（捐款50元记1小时、每收集50个瓶子记1小时、消费满50元计1小时），为承诺、完成任务或获奖给予、奖励时长"
        "（答题满分奖励、注册即送、评优加时），以及在微博、朋友圈等转发、点赞公益宣传内容，都不能记为志愿服务时间。"
        "文字里写明了换算办法或给了几小时的，报“违规”；只写了捐款数额、只写了转发、或奖励未写小时数的，列为“存疑”。"
        "分拣整理捐赠衣物、在募捐现场登记、线下宣传摊位、按实际在线时间记录的线上服务是实际服务，不在此列。"
        "词表见 params/lexicons/time_rules.yaml。"
    ),
    compliant="在慈善超市分拣、清洗市民捐赠的旧衣物4小时；在社区广场设摊发放防诈骗宣传单。",
    noncompliant="“捐书5本折算2小时”；“收集塑料瓶每50个记1小时”；“在朋友圈转发文明创建宣传海报，每次记0.5小时”。",
    not_modelled="线上志愿服务本身（如网络文明巡查、远程辅导）不在此列；本规则只看转发、点赞一类行为。",
    severity_reason=(
        "办法第七条规定服务时间是“志愿者参与志愿服务实际付出的时间”，第十九条不许为不属于志愿服务的活动记录；"
        "文字里写明按钱、物、件数折算或奖励了几小时，是数据本身显示记录的时长不是服务时间，为违规；"
        "只凭捐赠、转发、奖励等字样推断的，需要有人核实，为存疑。"
    ),
)
def act003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = lexicon(ctx, "time_rules")
    don, onl = lex["donation"], lex["online"]
    text = activity_text(ctx, df)
    u = text.u  # everything below but the recorded hours depends on the text alone
    w = words(ctx, df)
    gift, conv, award_h = find_words(u, don["words"], w), find(u, don["conversion"]), find(u, don["hours_award"])
    amount, labour = find(u, don["amount"]), find(u, don["labour"])
    formula, stated = find(u, lex["formula"]), find(u, lex["hours_stated"])
    donation = gift.notna() & (conv.notna() | (award_h.notna() & labour.isna()))
    donation_weak = gift.notna() & amount.notna() & labour.isna() & ~donation
    award = find(u, lex["award"])
    near = find_words(u, _near(onl["actions"], onl["platforms"], int(onl["near_chars"])), w)
    post = onl["posting"]  # posting (not only reposting) on short-video platforms
    near = near.fillna(find_words(u, _near(post["actions"], post["platforms"], int(onl["near_chars"])), w))
    serving = find(u, onl["serving"]).notna()
    weak_action = find_words(u, onl["weak_actions"], w)
    online = near.notna() & ~serving
    online_weak = near.isna() & ~serving & weak_action.notna()
    converted = formula.notna()
    any_kind = converted | donation | donation_weak | award.notna() | online | online_weak
    # 违规 only where the record itself states a conversion: a rate or 折算/兑换 (formula, conv), or N hours
    # granted for an award, an attendance or a repost; a gift "recorded N hours" is 违规 only when the hours
    # exceed the time the record gives (else the gift may just be the setting of real service): 存疑
    stated_ = stated.notna()
    explicit = converted | (donation & conv.notna()) | ((award.notna() | online) & stated_)
    by_hours = donation & conv.isna() & stated_ & ~explicit
    # the record's own structure: the text states N hours and the recorded hours exceed the record's own span,
    # so the hours are not time given (办法第七条), whatever they were granted for (存疑: no stated reason)
    iv_all = intervals(ctx, df)
    beyond_all = (iv_all["hours"] > iv_all["span_h"] + 0.01).fillna(False).to_numpy(dtype=bool)
    kinded = text.rows(any_kind)
    over = text.rows(stated.notna()) & beyond_all & ~kinded
    flagged = kinded | over
    paid = fees(df, ctx)  # hours for attending a fee-charging conference, tour or camp: that is ④'s defect
    flagged &= ~(paid["charged"] & paid["kind"] & ~text.rows(converted | donation | donation_weak | online | online_weak))
    pos = np.flatnonzero(flagged)
    if not len(pos):
        return _none(df)
    sub = rows_of(df, pos, (*TEXT, "服务时长(小时)"))
    idx = sub.index
    iv = intervals(ctx, df).iloc[pos]
    beyond = pd.Series((iv["hours"] > iv["span_h"] + 0.01).fillna(False).to_numpy(dtype=bool), index=idx)
    gift, conv, award_h, amount, award, near, weak_action, formula, stated = (
        text.at(x, pos) for x in (gift, conv, award_h, amount, award, near, weak_action, formula, stated))
    converted, donation, donation_weak, online, online_weak, explicit, by_hours = (
        text.at(x, pos) for x in (converted, donation, donation_weak, online, online_weak, explicit, by_hours))
    explicit = explicit | (by_hours & beyond)
    over = pd.Series(over[pos], index=idx)
    span_h = iv["span_h"]
    gifts = donation | donation_weak
    donated = gift.fillna("") + "；" + joined([
        (amount.notna() & conv.isna() & award_h.isna(), "数额：" + amount.fillna("")),
        (award_h.notna() & conv.isna(), "计时：" + award_h.fillna("")),
        (conv.notna(), "折算：" + conv.fillna("")),
    ], idx)
    kind = joined([
        (converted | gifts, "把钱、物或数量折算成服务时长"),
        (award.notna(), "为任务、承诺或奖励给予时长"),
        (online | online_weak, "线上转发、点赞记为服务时长"),
        (over, "文字写明的时长超过记录的起止时间"),
    ], idx, sep="、")
    why = joined([(donation_weak & ~converted, "只写了捐赠数额，未写折算"),
                  (online_weak & ~converted, "只写了转发、点赞，未写平台"),
                  (~explicit & (award.notna() | online), "未写记了几小时"),
                  (by_hours & ~beyond, "记录的时长不超过起止时间，捐赠可能只是服务的场景")], idx)
    message = (activity_name(sub) + explicit.map({True: "属于", False: "可能属于"}).astype("string") + kind
               + "，不是实际付出的服务时间，不能记为志愿服务"
               + why.where(why.eq(""), "（" + why + "，请核实）"))
    evidence = joined([
        (converted, labelled("换算", formula)),
        (gifts & ~converted, labelled("捐赠", donated)),
        (award.notna(), labelled("奖励时长", award)),
        (online, labelled("线上行为", near)),
        (online_weak, labelled("线上行为", weak_action)),
        (stated.notna() & ~converted, labelled("文字写明", stated)),
        (over, "起止时间：" + fmt_num(span_h.round(2)) + "小时"),
    ], idx)
    if "服务时长(小时)" in sub.columns:
        evidence = evidence + "；记录时长：" + fmt_num(sub["服务时长(小时)"]) + "小时"
    return hits(idx, message, evidence, explicit.map({True: "违规", False: "存疑"}))


def _law_text(key: str) -> str:
    from zyfw_checks.params import load_params

    return str(load_params("laws")["articles"][key]["text"])


# ---- ACT004 ----------------------------------------------------------------------------------

@rule(
    code="ACT004",
    hazards=('before_in_force', 'word_inside_word'),
    in_force="notice_in_force",
    title="以志愿服务名义组织的收费活动",
    clause="二（二）-四类④",
    severity="违规",
    needs=("服务内容|活动名称",),
    optional=(*TEXT, "参与费用"),
    laws=(*LAWS, "条例第二十一条", "条例第三十七条"),
    explanation=(
        "以志愿服务名义组织旅游、参观、会议、研学、夏令营等，向参加者收费，不能记为志愿服务。"
        "“参与费用”一栏大于0、活动属于通知列举的旅游、参观、会议、研学、夏令营，且文字没有相反说法的，报“违规”；"
        "只在文字里写了收费（“每人收费300元”“营费2680元/人”）、活动只是相近的类别（游学、冬令营、论坛、徒步……）"
        "或类别不明、或“免费”与收费自相矛盾的，列为“存疑”。志愿者自己承担路费饭费（“交通自理”“费用自理”）"
        "不是组织者收费；别人的比赛、景区、论坛向选手、游客、参会企业收费而志愿者免费服务的，不在此列；费用可能属于志愿者服务的别人的活动（博览会、赛事）、"
        "或是志愿者自己买的保险的，最多“存疑”。"
        "词表见 params/lexicons/paid.yaml。"
    ),
    compliant="大学生志愿者为留守儿童开展免费科普研学，负责看护和讲解；志愿者交通自理到敬老院演出。",
    noncompliant="“参与费用”一栏 1980 元的“志愿者海南旅游行”（违规）；“红色研学之旅”，服务内容写“每人收费380元”（存疑）。",
    not_modelled="不区分收费是否覆盖成本。向服务对象（而不是参加者）收费是另一项义务（条例第二十一条，罚则第三十七条）：本规则只列为“存疑”并说明，不算作向参加者收费。",
    severity_reason=(
        "通知二（二）把“以志愿服务名义组织的收费旅游、参观、会议、研学、夏令营等活动”列为不得认定的活动，"
        "办法第十九条不许为其记录；“参与费用”一栏大于0而活动属于通知列举的类别，是数据本身显示的，为违规；"
        "只凭文字里的收费说法、相近类别或自相矛盾的记录推断的，需要有人核实，为存疑。"
    ),
)
def act004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    f = fees(df, ctx)
    text = f["text"]
    pos = np.flatnonzero(f["charged"])
    if not len(pos):
        return _none(df)
    idx, sub = df.index[pos], rows_of(df, pos, TEXT)
    listed, similar = text.at(f["listed"], pos), text.at(f["similar"], pos)
    fee_text, free = text.at(f["fee_text"], pos), text.at(f["free"], pos)
    col, fee_col = f["col"].iloc[pos], pd.Series(f["fee_col"][pos], index=idx)
    others, insured, served = (text.at(f[k], pos) for k in ("others_event", "own_insurance", "served"))
    kind = listed.fillna(similar)
    conflict = free.notna()
    whose = others.notna() | insured.notna()
    served_only = served.notna()
    clear = fee_col & listed.notna() & ~conflict & ~whose & ~served_only
    reason = joined([
        (kind.isna() & ~conflict & ~whose, "向参加者收费，但活动类型不在旅游、参观、会议、研学、夏令营之列"),
        (listed.isna() & similar.notna() & ~conflict & ~whose, "活动与通知列举的类别相近"),
        (~fee_col & listed.notna() & ~conflict & ~whose, "收费只见于文字"),
        (conflict, "写着“" + free.fillna("") + "”却又有收费"),
        (others.notna(), "费用可能属于志愿者服务的别人的活动（" + others.fillna("") + "），不是组织者向参加者收费"),
        (insured.notna(), "保险是志愿者自己购买的（" + insured.fillna("") + "），不是组织者向参加者收费"),
    ], idx)
    to_served = ("向服务对象收费（" + served.fillna("") + "）：这不是向参加者收费，而是条例第二十一条的义务——"
                 "“" + _law_text("条例第二十一条") + "”（罚则见条例第三十七条），请核实")
    message = (activity_name(sub) + clear.map({True: "是以志愿服务名义组织的收费活动，不能记为志愿服务",
                                               False: "可能是以志愿服务名义组织的收费活动"}).astype("string")
               + reason.where(reason.eq(""), "（" + reason + "，请核实）"))
    message = message.where(~whose | conflict, activity_name(sub) + "记有费用，但" + reason + "，请核实")
    message = message.where(~served_only, activity_name(sub) + to_served)
    evidence = joined([
        (served_only, labelled("向服务对象收费", served)),
        (kind.notna(), labelled("活动类型", kind)),
        (fee_col, "参与费用：" + fmt_num(col) + "元"),
        (fee_text.notna(), labelled("收费文字", fee_text)),
        (free.notna(), labelled("免费说法", free)),
    ], idx)
    return hits(idx, message, evidence, clear.map({True: "违规", False: "存疑"}))


# ---- ACT005 ----------------------------------------------------------------------------------

@rule(
    code="ACT005",
    hazards=('before_in_force', 'word_inside_word'),
    in_force="regulation_in_force",
    title="以志愿服务名义开展营利性活动",
    clause="二（二）①-营利",
    severity="存疑",
    needs=("服务内容|活动名称",),
    optional=TEXT,
    laws=("条例第三十九条",),
    explanation=(
        "在志愿服务活动里销售商品、推销、带货、团购、办卡、招生、开收费课程，或把购买助农包等消费算作服务，"
        "可能是假冒志愿服务名义开展营利性活动。文字判断不了钱最终归谁，所以一律列为“存疑”，请人工核实。"
        "义卖（所得用于公益）、宣传防范推销骗局、写明不推销、为老人代购生活用品不在此列。"
        "词表见 params/lexicons/profit.yaml。"
    ),
    compliant="组织爱心义卖，所得善款全部捐赠福利院；为独居老人代购生活用品。",
    noncompliant="“助农志愿行”：志愿者每购买一份助农包记1小时；“志愿服务进社区”现场推销保健品。",
    severity_reason=(
        "通知二（二）①要求查“是否存在假冒志愿服务名义开展营利性活动的行为”；活动文字里的销售、推销字样"
        "说明不了钱归谁、是否营利，需要有人核实，所以是存疑。"
    ),
)
def act005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    lex = lexicon(ctx, "profit")
    text = activity_text(ctx, df)
    sell = find_words(text.u, lex["selling"], words(ctx, df)).where(find(text.u, lex["negations"]).isna())
    pos = np.flatnonzero(text.rows(sell.notna()))
    sell = text.at(sell, pos)
    message = (activity_name(rows_of(df, pos, TEXT)) + "含有销售、推销或消费的内容（" + sell.fillna("")
               + "），可能以志愿服务名义开展营利性活动，请核实")
    return hits(sell.index, message, labelled("命中词", sell))
