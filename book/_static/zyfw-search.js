// 本指南的中文搜索（只在搜索页加载，不访问任何外部网站）。
//
// Sphinx 自带的搜索把一串不带空格的中文当作一个词，只有 jieba 恰好切出这个词时才找得到。
// 这里做两件事：
// 1. splitQuery：先把数字和紧跟的“个、月、日、年、家、类”分开，再在每段中文里贪心地取
//    索引中已有的最长词（索引的词由 jieba 按 search_dict.txt 补充的词典切出）；
// 2. 排序：每页只列一次；按整个查询（去掉空格）在各页正文中出现的次数（BM25 式的长度修正）、页标题是否包含它、
//    是否有以它开头的小标题（如规则代码）给结果加分；正文含有这个短语、但分词没找到的页面也补进结果。各页正文由构建时生成的
//    zyfw-search-data.js（ZYFW_PAGES）提供。
"use strict";

var ZYFW_SEARCH = { query: "", patched: false };

function zyfwNormalize(s) {
  return String(s || "")
    .replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, "")
    .toLowerCase();
}

function zyfwIndexTerms() {
  const idx = (typeof Search !== "undefined" && Search._index) || {};
  if (!ZYFW_SEARCH.terms && idx.terms) {
    ZYFW_SEARCH.terms = new Set([...Object.keys(idx.terms), ...Object.keys(idx.titleterms || {})]);
    ZYFW_SEARCH.longest = Math.max(2, ...[...ZYFW_SEARCH.terms].map((t) => t.length).filter((n) => n < 16));
  }
  return ZYFW_SEARCH.terms || new Set();
}

// The longest indexed words of a run of Chinese characters, left to right; characters that start
// no indexed word of two or more characters are skipped (Sphinx indexes no one-character words).
function zyfwGreedy(run, terms) {
  const out = [];
  let i = 0;
  while (i < run.length) {
    let found = "";
    for (let n = Math.min(ZYFW_SEARCH.longest || 8, run.length - i); n >= 2; n--) {
      const cand = run.substr(i, n);
      if (terms.has(cand)) { found = cand; break; }
    }
    if (found) { out.push(found); i += found.length; } else { i += 1; }
  }
  return out;
}

var splitQuery = function (query) {
  zyfwPatch();
  ZYFW_SEARCH.query = zyfwNormalize(query);
  const terms = zyfwIndexTerms();
  const q = String(query || "").replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const out = [];
  // digits with the counter that follows them (10个, 6月, 30日, 4类) are separated first
  const parts = q.split(/(\d+(?:\.\d+)?[个月日年家类条项人元]?)/u);
  for (const part of parts) {
    if (!part) continue;
    if (/^\d/.test(part)) { out.push(part.replace(/\D+$/u, "")); continue; }
    for (const tok of part.split(/[^\p{Letter}\p{Number}_]+/u)) {
      if (!tok) continue;
      // runs of Han characters are split into indexed words; Latin words stay whole
      for (const piece of tok.split(/(\p{Script=Han}+)/u)) {
        if (!piece) continue;
        if (/\p{Script=Han}/u.test(piece)) {
          const words = terms.size ? zyfwGreedy(piece, terms) : [piece];
          out.push(...words);
        } else {
          out.push(piece);
        }
      }
    }
  }
  return out;
};

function zyfwPageStats() {
  if (ZYFW_SEARCH.stats || typeof ZYFW_PAGES === "undefined") return ZYFW_SEARCH.stats;
  const docs = Object.keys(ZYFW_PAGES);
  const texts = {};
  let total = 0;
  for (const d of docs) {
    texts[d] = zyfwNormalize(ZYFW_PAGES[d].text);
    total += texts[d].length;
  }
  const counted = docs.filter((d) => texts[d].length).length;  // pages found by their headings only do not count
  ZYFW_SEARCH.stats = { texts, avg: total / Math.max(1, counted) };
  return ZYFW_SEARCH.stats;
}

function zyfwCount(text, phrase) {
  if (!phrase) return 0;
  let n = 0;
  let i = text.indexOf(phrase);
  while (i !== -1) { n += 1; i = text.indexOf(phrase, i + phrase.length); }
  return n;
}

// Extra score of a page for the whole query: BM25-style term frequency of the phrase, plus the title.
function zyfwBonus(docname) {
  const stats = zyfwPageStats();
  const phrase = ZYFW_SEARCH.query;
  if (!stats || !phrase || !(docname in stats.texts)) return 0;
  const text = stats.texts[docname];
  const c = zyfwCount(text, phrase);
  const k = 1.2, b = 0.75;
  const tf = c ? (c * (k + 1)) / (c + k * (1 - b + (b * text.length) / stats.avg)) : 0;
  const title = zyfwNormalize(ZYFW_PAGES[docname].title);
  // a section whose heading starts with the query (a rule code, a term) is where the reader wants to go
  const heads = (ZYFW_PAGES[docname].heads || []).map(zyfwNormalize);
  const head = heads.some((h) => h.startsWith(phrase)) ? 60 : 0;
  return Math.round(40 * tf) + (title.includes(phrase) ? 40 : 0) + head;
}

function zyfwPatch() {
  if (ZYFW_SEARCH.patched || typeof Search === "undefined" || typeof Scorer === "undefined") return;
  ZYFW_SEARCH.patched = true;
  const baseScore = Scorer.score;
  Scorer.score = (result) => {
    const score = baseScore ? baseScore(result) : result[4];
    return score + zyfwBonus(result[0]);
  };
  // one result per page: keep the best-scoring entry (results are shown from the end of the list)
  const basePerform = Search._performSearch;
  Search._performSearch = (...args) => {
    const results = basePerform(...args);
    const best = new Map();
    results.forEach((r, i) => {
      if (!best.has(r[0]) || results[best.get(r[0])][4] <= r[4]) best.set(r[0], i);
    });
    // an index entry's anchor is an empty marker: link to the page itself, so the summary shows its text
    return results.filter((r, i) => best.get(r[0]) === i)
      .map((r) => (String(r[2]).startsWith("#index-") ? [r[0], r[1], "", ...r.slice(3)] : r));
  };
  // the summary under each result starts where the whole phrase stands (or a word of it)
  const baseSummary = Search.makeSearchSummary;
  Search.makeSearchSummary = (htmlText, keywords, anchor) =>
    baseSummary(htmlText, new Set([...keywords, ...(ZYFW_SEARCH.query ? [ZYFW_SEARCH.query] : [])]), anchor);
  const baseTerms = Search.performTermsSearch;
  Search.performTermsSearch = (searchTerms, excludedTerms) => {
    const results = baseTerms(searchTerms, excludedTerms);
    const stats = zyfwPageStats();
    const phrase = ZYFW_SEARCH.query;
    if (!stats || !phrase || !Search._index) return results;
    const have = new Set(results.map((r) => r[0]));
    const docnames = Search._index.docnames;
    docnames.forEach((doc, i) => {
      if (have.has(doc) || !(doc in stats.texts) || !stats.texts[doc].includes(phrase)) return;
      results.push([doc, Search._index.titles[i], "", null, Scorer.partialTerm || 2, Search._index.filenames[i]]);
    });
    return results;
  };
}

document.addEventListener("DOMContentLoaded", zyfwPatch);
