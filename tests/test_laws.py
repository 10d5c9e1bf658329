"""params/laws.yaml: every quoted article carries its source, and single-source text says so."""

import re

import pytest

from zyfw_checks.params import load_params

LAWS = load_params("laws")
ARTICLES = LAWS["articles"]

# Articles the rules and the penalties reference cite (issue 9, "Citations").
REQUIRED = [
    "条例第六条", "条例第十九条", "条例第三十六条", "条例第三十八条", "条例第三十九条",
    "办法第四条", "办法第五条", "办法第七条", "办法第十条", "办法第十一条", "办法第十四条", "办法第十五条",
    "办法第十六条", "办法第十七条", "办法第十八条", "办法第十九条", "办法第二十一条", "办法第二十三条",
    "办法第二十四条", "办法第二十五条",
]


@pytest.mark.parametrize("key", REQUIRED)
def test_cited_article_has_verified_text(key):
    assert str(ARTICLES[key].get("text") or "").strip(), f"{key} 无原文"


@pytest.mark.parametrize("key", list(ARTICLES))
def test_article_text_is_sourced_and_clean(key):
    a = ARTICLES[key]
    assert a["law"] in LAWS["sources"]
    assert key.startswith(a["law"])
    text = str(a.get("text") or "")
    if not text.strip():
        assert a.get("note"), f"{key} 无原文也无说明"
        return
    assert str(a.get("url", "")).startswith("http"), f"{key} 缺出处"
    # Transcription artefacts must not leak into a verbatim quote.
    assert not re.search(r"\]\(|:::|^第[一二三四五六七八九十百]+条", text), key
    assert "\n\n" not in text and text == text.strip()
    if not a.get("crosscheck"):
        assert "仅一个来源" in str(a.get("note", "")), f"{key} 只有一个来源却未注明"


def test_banfa_penalty_articles_point_at_the_matching_tiaoli_articles():
    """办法第二十三、二十四条 apply 条例第三十六、三十八条; both texts must name the same sanction."""
    for banfa, tiaoli in (("办法第二十三条", "条例第三十六条"), ("办法第二十四条", "条例第三十八条")):
        b, t = ARTICLES[banfa]["text"], ARTICLES[tiaoli]["text"]
        assert f"《志愿服务条例》{tiaoli[2:]}" in b
        sanction = t[t.index("由民政部门") + len("由民政部门"):]
        assert sanction.replace("予以警告，", "") in b
