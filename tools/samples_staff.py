"""Deterministic sample inputs for the staff tables (Faker zh_CN, fixed seed):
``python -m tools.samples_staff``.

Writes into ``data/samples/``:

- ``orgs.xlsx`` — 张家界市 (市本级 + 4 县区) social organisations: clean for 标识 (no ORG finding,
  density above 20 per million), with ranking columns and two complaints for the spot-check plan;
  慈利县 has fewer than 10 organisations on purpose.
- ``orgs_problems.xlsx`` — 长沙市 organisations with a title row and every ORG problem planted,
  listed in ``orgs_problems_expected.csv``.
- ``orgs_messy_gbk.csv`` — part of ``orgs.xlsx`` as a GBK CSV with two title rows, other header
  spellings, full-width digits and counts like “1,200人”.
- ``certificates.xlsx`` — certificates against the records of ``problems.xlsx`` (the same 证件号码),
  hours computed from those records, with CRT problems planted (``certificates_expected.csv``).
- ``stations.xlsx`` — community stations, each of 四有 missing once (``stations_expected.csv``).
- ``staff.xlsx`` — civil-affairs and partner staff for 张家界市 and its counties, with ineligible rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker
from stdnum.cn import uscc

from tools.samples import SAMPLES, excel_writer, generator_main, resident_ids
from zyfw_checks.load import load_table

SEED = 20230907
_ORG_ALPHABET = list("0123456789ABCDEFGHJKLMNPQRTUWXY")

VOL_CHARTERS = [
    "弘扬志愿精神，组织志愿者开展扶贫济困、敬老助残、社区服务等志愿服务活动",
    "以开展志愿服务为宗旨，组织会员参与应急救援、环境保护等公益服务",
    "团结热心公益的社会各界人士，组织义工开展关爱留守儿童的志愿服务活动",
    "传播志愿服务精神，为城乡社区居民提供志愿服务",
]
OTHER_CHARTERS = [
    "促进会员之间的文化交流与合作，繁荣地方文化事业",
    "为会员企业提供信息咨询、行业自律和技能培训服务",
    "开展全民健身活动，推广太极拳运动",
    "募集善款，资助困难群众医疗救助",
]


def uscc_codes(rng: np.random.Generator, divisions, first: str = "5", kinds=None) -> list[str]:
    """Valid 统一社会信用代码 for the given division codes (check character by stdnum)."""
    out = []
    kinds = kinds if kinds is not None else ["1"] * len(divisions)
    for div, kind in zip(divisions, kinds, strict=True):  # sample generation only: tens of values
        body = first + kind + div + "MJ" + "".join(rng.choice(_ORG_ALPHABET, 7))
        out.append(body + uscc.calc_check_digit(body))
    return out


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.char.add(rng.choice(["138", "139", "150", "177", "186", "199"], n),
                       np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8))


# ---------------------------------------------------------------- organisations

_ZJJ_UNITS = [  # (division, place name, 志愿服务组织, other types)
    ("430800", "张家界市", 10, ["慈善组织", "公益活动举办单位", "公共服务机构", "单位内部志愿服务团体"]),
    ("430802", "永定区", 12, ["基层群众性自治组织", "基层群众性自治组织", "慈善组织", "单位内部志愿服务团体"]),
    ("430811", "武陵源区", 9, ["社区志愿服务团体", "公共服务机构", "基层群众性自治组织"]),
    ("430821", "慈利县", 5, ["基层群众性自治组织"]),
    ("430822", "桑植县", 8, ["慈善组织", "社区志愿服务团体"]),
]
_VOL_NAMES = ["{p}志愿者协会", "{p}义工联合会", "{p}青年志愿者协会", "{p}巾帼志愿服务队", "{p}助残志愿者协会",
              "{p}应急救援志愿服务中心", "{p}环保志愿者协会", "{p}老年志愿服务协会", "{p}红十字志愿服务队",
              "{p}关爱留守儿童志愿者协会", "{p}文明交通志愿服务中心", "{p}阳光义工协会"]
_OTHER_NAMES = {
    "慈善组织": "{p}慈善会", "公益活动举办单位": "{p}公益文化活动中心", "公共服务机构": "{p}图书馆",
    "基层群众性自治组织": "{p}{k}社区居民委员会", "单位内部志愿服务团体": "{p}人民医院志愿服务队",
    "社区志愿服务团体": "{p}{k}社区志愿服务队",
}
_COMMUNITIES = ["大庸桥", "南庄坪", "天门", "官黎坪", "军地坪", "锣鼓塔"]


def orgs_frame(seed: int = SEED) -> pd.DataFrame:
    """张家界市 organisations (58): 40 identified and announced in time, none wrongly left out."""
    rng = np.random.default_rng(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rows = []
    for div, place, n_vol, others in _ZJJ_UNITS:
        prefix = place if div.endswith("00") else "张家界市" + place
        for i in range(n_vol):
            rows.append({"div": div, "名称": _VOL_NAMES[i].format(p=prefix), "组织类型": "志愿服务组织", "kind": "1",
                         "章程宗旨": VOL_CHARTERS[i % len(VOL_CHARTERS)]})
        for j, t in enumerate(others):
            name = _OTHER_NAMES[t].format(p=prefix, k=_COMMUNITIES[(j + len(rows)) % len(_COMMUNITIES)])
            kind = {"慈善组织": "3", "公共服务机构": "2"}.get(t, "9")
            rows.append({"div": div, "名称": name, "组织类型": t, "kind": kind,
                         "章程宗旨": OTHER_CHARTERS[(j + len(rows)) % len(OTHER_CHARTERS)]})
    df = pd.DataFrame(rows)
    n = len(df)
    df.insert(1, "统一社会信用代码", uscc_codes(rng, df["div"], kinds=df["kind"]))
    reg = {d: ("张家界市民政局" if d.endswith("00") else f"张家界市{p}民政局") for d, p, *_ in _ZJJ_UNITS}
    df["登记管理机关"] = df["div"].map(reg)
    df["业务主管单位"] = rng.choice(["张家界市文明办", "共青团张家界市委", "张家界市民政局", "张家界市妇联"], n)
    df["法定代表人"] = [fake.name() for _ in range(n)]
    df["联系人"] = [fake.name() for _ in range(n)]
    df["联系电话"] = _phones(rng, n)
    vol = (df["组织类型"] == "志愿服务组织").to_numpy()
    ident = vol.copy()
    # four 志愿服务组织 without the words in the name would need an application: keep them all named
    df["是否主动申请标识"] = np.where(vol, rng.choice(["是", "否"], n, p=[0.3, 0.7]), "否")
    df["是否已标识"] = np.where(ident, "是", "否")
    marked = pd.Timestamp("2024-01-08") + pd.to_timedelta(rng.integers(0, 150, n), unit="D")  # before 6月30日
    announced = pd.Series(pd.Timestamp("2024-06-20") + pd.to_timedelta(rng.integers(0, 10, n), unit="D"))
    df["标识日期"] = pd.Series(marked).where(ident).dt.date
    df["公告日期"] = announced.where(ident).dt.date
    df["章程修改情况"] = "无"
    df["注册志愿者数"] = np.where(vol, rng.integers(30, 3000, n), rng.integers(5, 300, n))
    df["年活动次数"] = rng.integers(4, 180, n)
    df["影响力"] = rng.integers(0, 100, n)
    df["投诉或负面舆情"] = "否"
    df.loc[df.index[[3, 27]], "投诉或负面舆情"] = ["2024年5月志愿者投诉证明时长与记录不符", "是"]
    return df.drop(columns=["div", "kind"])


def orgs_problems_frame(seed: int = SEED + 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """长沙市 organisations with every ORG problem planted; returns (frame, expected)."""
    rng = np.random.default_rng(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    areas = ["430100", "430102", "430103", "430104", "430105", "430111", "430121", "430181"]
    places = {"430100": "长沙市", "430102": "芙蓉区", "430103": "天心区", "430104": "岳麓区", "430105": "开福区",
              "430111": "雨花区", "430121": "长沙县", "430181": "浏阳市"}
    rows = []
    for i in range(24):  # compliant identified organisations: far fewer than the 201 长沙 needs
        div = areas[i % len(areas)]
        p = places[div] if div.endswith("00") else "长沙市" + places[div]
        rows.append({"div": div, "名称": _VOL_NAMES[i % len(_VOL_NAMES)].format(p=p) + ("" if i < 12 else "（二）"),
                     "章程宗旨": VOL_CHARTERS[i % 4], "章程以志愿服务为宗旨": None, "是否主动申请标识": "否",
                     "是否已标识": "是", "标识日期": "2024-03-15", "公告日期": "2024-06-18", "章程修改情况": "无"})
    expected = []

    def plant(rule: str, what: str, **row) -> None:
        base = {"div": "430102", "章程宗旨": VOL_CHARTERS[0], "章程以志愿服务为宗旨": None, "是否主动申请标识": "否",
                "是否已标识": "否", "标识日期": None, "公告日期": None, "章程修改情况": "无"}
        base.update(row)
        rows.append(base)
        if rule:
            expected.append((base["名称"], rule, what))

    plant("ORG001", "校验码错误", 名称="长沙市芙蓉区助老志愿者协会", 是否已标识="是", 标识日期="2024-02-01", 公告日期="2024-06-10")
    plant("ORG001", "代码只有17位", 名称="长沙市天心区文明志愿服务中心", div="430103", 是否已标识="是", 标识日期="2024-02-01",
          公告日期="2024-06-10")
    plant("", "6月30日公告：按期", 名称="长沙市岳麓区大学生志愿者联合会", div="430104", 是否已标识="是", 标识日期="2024-03-15",
          公告日期="2024-06-30")
    plant("ORG002", "7月1日才公告", 名称="长沙市开福区社区志愿者协会", div="430105", 是否已标识="是", 标识日期="2024-03-15",
          公告日期="2024-07-01")
    plant("ORG002", "已标识但没有公告日期", 名称="长沙市雨花区应急志愿服务队", div="430111", 是否已标识="是", 标识日期="2024-04-01")
    plant("ORG002", "没有标识日期，公告晚于6月30日", 名称="长沙县星沙义工协会", div="430121", 是否已标识="是", 公告日期="2024-07-05")
    plant("", "7月标识，次年6月30日前公告：按期", 名称="浏阳市烟花志愿者协会", div="430181", 是否已标识="是",
          标识日期="2024-07-10", 公告日期="2025-06-30")
    plant("ORG004", "名称含志愿者、章程经核实以志愿服务为宗旨，未标识", 名称="长沙市芙蓉区青年志愿者协会", 章程以志愿服务为宗旨="是")
    plant("ORG004", "名称不含字样、章程含志愿服务、主动申请，未标识", 名称="长沙市天心区邻里互助促进会", div="430103",
          章程宗旨="倡导邻里互助，组织志愿者开展社区志愿服务活动", 是否主动申请标识="是")
    plant("", "名称含义工、章程不以志愿服务为宗旨：不直接标识", 名称="长沙市岳麓区义工文化交流协会", div="430104",
          章程宗旨=OTHER_CHARTERS[0])
    plant("", "名称不含字样、章程含志愿服务、未申请：不标识", 名称="长沙市开福区老年大学校友会", div="430105",
          章程宗旨="组织校友开展学习交流和志愿服务活动")
    plant("ORG005", "章程修改后不再以志愿服务为宗旨", 名称="长沙市雨花区家政服务志愿者协会", div="430111", 是否已标识="是",
          标识日期="2023-10-09", 公告日期="2024-06-05", 章程宗旨=OTHER_CHARTERS[1], 章程修改情况="2024年5月修改章程宗旨")
    plant("ORG006", "已标识但章程宗旨与志愿服务无关", 名称="长沙县文化传播促进会", div="430121", 是否已标识="是",
          标识日期="2023-11-20", 公告日期="2024-06-05", 章程宗旨=OTHER_CHARTERS[0])
    plant("", "章程宗旨空白：无法判断", 名称="浏阳市乡村振兴志愿者协会", div="430181", 章程宗旨=None)
    plant("", "省本级登记", 名称="湖南省志愿服务联合会", div="430000", 是否已标识="是", 标识日期="2024-02-01", 公告日期="2024-06-10")
    plant("ORG004", "名称含“志愿”但不含所列字样、章程经核实、未标识：是否属于“等字样”存疑", 名称="长沙市天心区青年志愿协会",
          div="430103", 章程以志愿服务为宗旨="是", 是否主动申请标识=None)
    plant("", "已标识、是否主动申请空白：不报 ORG006", 名称="长沙市岳麓区邻里守望促进会", div="430104",
          章程宗旨="组织居民开展邻里守望志愿服务活动", 是否已标识="是", 是否主动申请标识=None, 标识日期="2024-02-01",
          公告日期="2024-06-10")
    plant("", "章程修改情况“未修改宗旨”：不取消标识", 名称="长沙市开福区环保志愿者协会", div="430105", 是否已标识="是",
          标识日期="2024-02-01", 公告日期="2024-06-10", 章程修改情况="未修改宗旨")
    df = pd.DataFrame(rows)
    n = len(df)
    codes = uscc_codes(rng, df["div"])
    i_bad = df.index[df["名称"] == "长沙市芙蓉区助老志愿者协会"][0]
    good = codes[i_bad]
    codes[i_bad] = good[:-1] + ("0" if good[-1] != "0" else "1")
    i_short = df.index[df["名称"] == "长沙市天心区文明志愿服务中心"][0]
    codes[i_short] = codes[i_short][:17]
    df.insert(1, "统一社会信用代码", codes)
    df.insert(2, "组织类型", "志愿服务组织")
    df["登记管理机关"] = np.where(df["div"].str.endswith("0000"), "湖南省民政厅",
                           np.where(df["div"].str.endswith("00"), "长沙市民政局", "长沙市" + df["div"].map(places) + "民政局"))
    df["业务主管单位"] = rng.choice(["长沙市文明办", "共青团长沙市委", "长沙市民政局"], n)
    df["法定代表人"] = [fake.name() for _ in range(n)]
    df["联系人"] = [fake.name() for _ in range(n)]
    df["联系电话"] = _phones(rng, n)
    df["注册志愿者数"] = rng.integers(30, 5000, n)
    df["年活动次数"] = rng.integers(4, 200, n)
    df["影响力"] = rng.integers(0, 100, n)
    df["投诉或负面舆情"] = "否"
    df = df.drop(columns="div")
    # 长沙市 is far below 20 per million: the density is a summary table (ORG003 提示), never a row finding
    return df, pd.DataFrame(expected, columns=["名称", "rule", "问题"])


def _title_xlsx(df: pd.DataFrame, path: Path, title: str, sheet: str) -> None:
    with excel_writer(path, datetime_format="yyyy-mm-dd") as xw:
        df.to_excel(xw, index=False, startrow=1, sheet_name=sheet)
        xw.sheets[sheet].merge_range(0, 0, 0, 6, title, xw.book.add_format({"bold": True, "font_size": 14}))


def messy_orgs_csv(df: pd.DataFrame, path: Path) -> None:
    """GBK CSV, two title rows, other header spellings, full-width digits, counts with units."""
    m = df.head(24).copy()
    m["注册志愿者数"] = m["注册志愿者数"].map(lambda v: f"{v:,}人")
    m["年活动次数"] = m["年活动次数"].astype(str) + "次"
    m["公告日期"] = pd.to_datetime(m["公告日期"]).dt.strftime("%Y年%m月%d日").fillna("")
    m["标识日期"] = pd.to_datetime(m["标识日期"]).dt.strftime("%Y/%m/%d").fillna("")
    m["统一社会信用代码"] = m["统一社会信用代码"].str.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    m = m.rename(columns={"名称": "社会组织名称", "统一社会信用代码": "信用代码", "组织类型": "组织类别", "章程宗旨": "宗旨",
                          "是否主动申请标识": "主动要求标识", "是否已标识": "标识状态", "公告日期": "公告时间",
                          "注册志愿者数": "注册志愿者人数", "年活动次数": "活动频次", "投诉或负面舆情": "投诉情况"})
    body = m.to_csv(index=False, lineterminator="\r\n")
    path.write_bytes(("张家界市社会组织名单（志愿服务组织标识）\r\n导出时间：2025年1月6日,,,\r\n" + body).encode("gbk"))


# ---------------------------------------------------------------- certificates


def certificates_frame(records_path: Path, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Certificates for volunteers of ``records_path``, hours computed from their records."""
    rec = load_table(records_path).df
    rng = np.random.default_rng(seed)
    issued = pd.Timestamp("2024-01-10")
    ok = rec[rec["结束时间"] < issued]
    per = (ok.groupby("证件号码").agg(姓名=("姓名", "first"), 时长=("服务时长(小时)", "sum"),
                                  内容=("服务内容", "first"), 单位=("组织单位", "first")).reset_index().sort_values("证件号码"))
    per = per[per["时长"].notna() & (per["时长"] > 0)].reset_index(drop=True)
    n = len(per)
    df = pd.DataFrame({
        "证明编号": [f"ZM2024{i + 1:04d}" for i in range(n)],
        "姓名": per["姓名"], "证件号码": per["证件号码"],
        "出具日期": issued.date(),
        "证明时长": per["时长"].round(2),
        "服务内容": per["内容"], "出具单位": per["单位"],
        "收费金额": 0,
        "查验方式": rng.choice(["湖南志愿服务网扫码查验", "中国志愿服务网查询", "志愿汇平台查验"], n),
    })
    expected = []

    def note(i: int, rule: str, what: str) -> None:
        expected.append((df.at[i, "证明编号"], rule, what))

    note(0, "", "证明时长与记录合计相等：合规")
    df.at[1, "证明时长"] = float(df.at[1, "证明时长"]) + 10
    note(1, "CRT001", "证明时长比记录多10小时")
    df.at[2, "收费金额"] = 10
    note(2, "CRT003", "收取工本费10元")
    df.at[3, "服务内容"] = None
    note(3, "CRT004", "证明没有服务内容")
    df.at[4, "查验方式"] = "无"
    note(4, "CRT005", "证明不能通过系统查验")
    df.at[5, "查验方式"] = None
    note(5, "CRT005", "查验方式空白（提示）")
    ghost = resident_ids(rng, 1)[0]
    extra = pd.DataFrame([{"证明编号": "ZM20249999", "姓名": "赵某某", "证件号码": ghost, "出具日期": issued.date(),
                           "证明时长": 20.0, "服务内容": "社区服务", "出具单位": per["单位"].iloc[0], "收费金额": 0,
                           "查验方式": "湖南志愿服务网扫码查验"}])
    df = pd.concat([df, extra], ignore_index=True)
    expected.append(("ZM20249999", "CRT002", "记录表中没有这个人的任何记录"))
    return df, pd.DataFrame(expected, columns=["证明编号", "rule", "问题"])


# ---------------------------------------------------------------- stations


def stations_frame(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    communities = ["圭塘", "洞井", "砂子塘", "左家塘", "侯家塘", "东塘", "井湾子", "雨花亭", "高桥", "黎托", "同升", "黄土岭"]
    n = len(communities)
    df = pd.DataFrame({
        "站点编号": [f"ZD{430111}{i + 1:03d}" for i in range(n)],
        "站点名称": [c + "社区志愿服务站" for c in communities],
        "所属社区": [c + "社区" for c in communities],
        "行政区划代码": "430111",
        "依托设施": rng.choice(["城乡社区服务中心", "新时代文明实践站", "社会工作服务站"], n),
        "负责人": [fake.name() for _ in range(n)],
        "人员数": rng.integers(5, 40, n),
        "场所地址": [f"长沙市雨花区{c}社区服务中心{rng.integers(1, 4)}楼" for c in communities],
        "服务项目": rng.choice(["助老陪伴、垃圾分类宣传", "四点半课堂、义诊", "文明劝导、邻里调解"], n),
        "管理制度": "志愿者注册制度、服务记录制度、培训制度",
        "注册平台": rng.choice(["湖南志愿服务网", "中国志愿服务网"], n),
        "同意成立单位": [c + "社区居民委员会" for c in communities],
        "联系电话": _phones(rng, n),
    })
    expected = []

    def plant(i: int, rule: str, what: str, **vals) -> None:
        for k, v in vals.items():
            df.at[i, k] = v
        expected.append((df.at[i, "站点编号"], rule, what))

    plant(1, "STN001", "没有负责人、人员数为0", 负责人=None, 人员数=0)
    plant(2, "", "没有负责人但有12名人员：有人员", 负责人=None, 人员数=12)
    plant(3, "STN002", "场所地址写“无”", 场所地址="无")
    plant(4, "STN003", "服务项目“暂无”", 服务项目="暂无")
    plant(5, "STN004", "管理制度“未建立”", 管理制度="未建立")
    plant(6, "STN005", "注册在街道自建小程序", 注册平台="街道自建小程序")
    plant(7, "STN005", "注册在志愿汇（提示）", 注册平台="志愿汇")
    plant(8, "STN006", "没有写明同意成立单位", 同意成立单位=None)
    return df, pd.DataFrame(expected, columns=["站点编号", "rule", "问题"])


# ---------------------------------------------------------------- staff


def staff_frame(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    units = [("430800", "张家界市"), ("430802", "永定区"), ("430811", "武陵源区"), ("430821", "慈利县"), ("430822", "桑植县")]
    rows = []
    for div, place in units:
        city = place if div.endswith("00") else "张家界市" + place
        for dept, duty in (("民政局", "志愿服务"), ("民政局", "社会组织管理"), ("民政局", "行政执法"), ("文明办", "志愿服务"),
                           ("团委", "志愿服务")):
            unit = city + dept if dept != "团委" else "共青团" + city + "委"
            rows.append({"姓名": fake.name(), "单位": unit, "人员类别": "正式人员", "工作职责": duty, "行政区划代码": div})
        rows.append({"姓名": fake.name(), "单位": city + "民政局", "人员类别": "临聘人员", "工作职责": "志愿服务", "行政区划代码": div})
        rows.append({"姓名": fake.name(), "单位": city + "民政局", "人员类别": "正式人员", "工作职责": "财务", "行政区划代码": div})
    rows.append({"姓名": fake.name(), "单位": "吉首大学", "人员类别": "学者", "工作职责": "志愿服务研究", "行政区划代码": "430800"})
    rows.append({"姓名": fake.name(), "单位": "张家界市志愿者协会", "人员类别": "志愿服务组织负责人", "工作职责": "志愿服务",
                 "行政区划代码": "430800"})
    df = pd.DataFrame(rows)
    df["联系电话"] = _phones(rng, len(df))
    return df


# ---------------------------------------------------------------- write


def write_samples(out: Path = SAMPLES) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {k: out / v for k, v in {
        "orgs": "orgs.xlsx", "orgs_problems": "orgs_problems.xlsx", "orgs_expected": "orgs_problems_expected.csv",
        "orgs_messy": "orgs_messy_gbk.csv", "certificates": "certificates.xlsx",
        "certificates_expected": "certificates_expected.csv", "stations": "stations.xlsx",
        "stations_expected": "stations_expected.csv", "staff": "staff.xlsx",
    }.items()}
    orgs = orgs_frame()
    with excel_writer(files["orgs"], datetime_format="yyyy-mm-dd") as xw:
        orgs.to_excel(xw, index=False, sheet_name="社会组织")
    problems, exp = orgs_problems_frame()
    _title_xlsx(problems, files["orgs_problems"], "长沙市社会组织名单（志愿服务组织标识用）", "社会组织")
    exp.to_csv(files["orgs_expected"], index=False, encoding="utf-8-sig")
    messy_orgs_csv(orgs, files["orgs_messy"])
    records = out / "problems.xlsx"
    if not records.exists():
        from tools.samples import write_samples as write_records

        write_records(out)
    certs, cexp = certificates_frame(records)
    with excel_writer(files["certificates"], datetime_format="yyyy-mm-dd") as xw:
        certs.to_excel(xw, index=False, sheet_name="记录证明")
    cexp.to_csv(files["certificates_expected"], index=False, encoding="utf-8-sig")
    stations, sexp = stations_frame()
    with excel_writer(files["stations"], datetime_format="yyyy-mm-dd") as xw:
        stations.to_excel(xw, index=False, sheet_name="志愿服务站点")
    sexp.to_csv(files["stations_expected"], index=False, encoding="utf-8-sig")
    with excel_writer(files["staff"], datetime_format="yyyy-mm-dd") as xw:
        staff_frame().to_excel(xw, index=False, sheet_name="抽查人员")
    return files


def main(argv: list[str] | None = None) -> None:
    generator_main("生成组织、证明、站点、抽查人员示例数据（固定随机种子，可重复）", write_samples, argv)


if __name__ == "__main__":
    main()
