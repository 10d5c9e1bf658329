// 手机上的目录按钮（pydata-sphinx-theme 0.17 与 sphinx-book-theme 1.3 的已知不兼容）：
// 页面里有两个 .primary-toggle（导航栏里一个隐藏的、文章标题栏里一个看得见的），主题只给第一个
// 绑定了打开目录的动作，读者点的那个什么也不做。这里把对其余同类按钮的点击转给第一个按钮。
// 右侧“本页内容”按钮（.secondary-toggle）同样处理。
"use strict";
document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest && event.target.closest(".primary-toggle, .secondary-toggle");
    if (!button) return;
    const kind = button.classList.contains("primary-toggle") ? ".primary-toggle" : ".secondary-toggle";
    const first = document.querySelector(kind);
    if (!first || first === button) return;
    event.preventDefault();
    event.stopPropagation();
    first.click();
  },
  true,
);
