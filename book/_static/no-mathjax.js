// 本指南不使用数学公式，也不从外部网站（CDN）加载 MathJax。
// Sphinx 要求设置 mathjax_path；这里指向本地的空文件，任何页面都不会请求外部地址。
