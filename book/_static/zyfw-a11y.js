// 表格在手机上变成卡片：每格前面要写上它的列名（从表头读），行里只有一个链接时整行可点。
// 侧栏目录里展开下级的小箭头没有文字：给它一个名字，读屏软件才能读出来。
// 大字模式（适老化）：页眉里的“大字”按钮把字放大到 1.5 倍（正文 24 px，约 18 磅），选择记在本浏览器里。
"use strict";
(() => {
  const KEY = "zyfw-elder";
  let on = false;
  try { on = localStorage.getItem(KEY) === "1"; } catch (e) { /* private mode */ }
  document.documentElement.classList.toggle("zyfw-elder", on);
  document.addEventListener("DOMContentLoaded", () => {
    const bar = document.querySelector(".article-header-buttons") || document.querySelector(".bd-header-article");
    if (!bar) return;
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn zyfw-elder-btn";
    b.textContent = "大字";
    b.setAttribute("aria-pressed", String(on));
    b.title = "大字模式：把字放大，再点一次恢复";
    b.addEventListener("click", () => {
      on = !document.documentElement.classList.contains("zyfw-elder");
      document.documentElement.classList.toggle("zyfw-elder", on);
      b.setAttribute("aria-pressed", String(on));
      try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* this page only */ }
    });
    bar.prepend(b);
  });
})();
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll(".bd-article table")) {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!heads.length) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
      });
      const links = row.querySelectorAll("a[href]");
      if (links.length === 1) {
        row.classList.add("zyfw-row-link");
        row.addEventListener("click", (ev) => {
          if (ev.target.closest("a")) return;
          if (window.matchMedia("(max-width: 600px)").matches) links[0].click();
        });
      }
    }
  }
  for (const s of document.querySelectorAll("summary")) {
    if (!s.textContent.trim() && !s.hasAttribute("aria-label")) s.setAttribute("aria-label", "展开或收起下级目录");
  }
});
