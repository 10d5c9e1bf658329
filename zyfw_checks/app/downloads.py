"""Report downloads for the app: one report per click, sent to the browser as binary, with progress.

Reports used to reach the page as base64 ``data:`` links, both in one widget value (a 40 MB HTML report
put ~126 MB of text into the page and could crash the tab). :class:`ReportDownloads` is an anywidget
(its JavaScript is inline below, so nothing is fetched from outside): each button asks the kernel for
one report; the kernel builds it in a worker and sends the bytes as one binary buffer of a widget
message; the page turns them into a ``Blob`` and saves it under the report's file name. While a report
is being built, the buttons are disabled and a live region says what is happening and for how long.
No server handler is needed: the bytes travel on the page's own kernel connection and exist only in
this session's memory and the browser's download.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets

ESM = r"""
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "zy-dl";
  const status = document.createElement("p");
  status.className = "zy-dl-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  function draw() {
    const busy = model.get("busy");
    box.replaceChildren();
    for (const item of model.get("items")) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "zy-dl-btn";
      b.textContent = busy === item.fmt ? item.label + "（正在生成……）" : item.label;
      b.disabled = Boolean(busy) || Boolean(model.get("disabled"));
      b.setAttribute("data-fmt", item.fmt);
      b.addEventListener("click", () => model.send({ want: item.fmt }));
      box.appendChild(b);
    }
    status.textContent = model.get("status");
  }
  model.on("change:items", draw);
  model.on("change:busy", draw);
  model.on("change:status", draw);
  model.on("change:disabled", draw);
  model.on("msg:custom", (msg, buffers) => {
    if (!msg || !msg.file || !buffers || !buffers.length) { return; }
    const blob = new Blob(buffers, { type: msg.mime || "application/octet-stream" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = msg.file;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
  draw();
  el.append(box, status);
}
export default { render };
"""

CSS = """
.zy-dl { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.zy-dl-btn { min-height: 44px; padding: 0 18px; font-size: inherit; background: #2F5597; color: #fff;
             border: none; border-radius: 4px; cursor: pointer; }
.zy-dl-btn:disabled { background: #595959; cursor: progress; }
.zy-dl-btn:focus-visible { outline: 2px solid #1A4FA0; outline-offset: 2px; }
.zy-dl-status { min-height: 1.6em; }
"""


class ReportDownloads(anywidget.AnyWidget):
    """Buttons, one per report; ``on_request(fmt)`` is called when one is clicked, and :meth:`deliver`
    sends the finished report's bytes to the page, which saves them as a file."""

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    _css = traitlets.Unicode(CSS).tag(sync=True)
    items = traitlets.List(traitlets.Dict()).tag(sync=True)  # [{"fmt", "label"}]
    busy = traitlets.Unicode("").tag(sync=True)  # the format being built, "" when idle
    status = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, items: list[dict], on_request: Callable[[str], object], **kwargs) -> None:
        super().__init__(items=items, **kwargs)
        self._on_request = on_request
        self.sent: list[tuple[str, int]] = []  # (file name, bytes) of each delivered report, for tests
        self.on_msg(self._handle)

    def _handle(self, _widget, content, _buffers) -> None:
        fmt = content.get("want") if isinstance(content, dict) else None
        if fmt in {i["fmt"] for i in self.items} and not self.busy:
            self._on_request(fmt)

    def deliver(self, filename: str, mime: str, data: bytes) -> None:
        """Send one finished report to the page as a single binary buffer."""
        self.send({"file": filename, "mime": mime}, [memoryview(data)])
        self.sent.append((filename, len(data)))
