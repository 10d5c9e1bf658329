// 表格在手机上变成卡片：每格前面要写上它的列名（从表头读），行里只有一个链接时整行可点。
// 侧栏目录里展开下级的小箭头没有文字：给它一个名字，读屏软件才能读出来。
"use strict";
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
