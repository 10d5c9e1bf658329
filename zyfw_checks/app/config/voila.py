# Settings of the app server (scripts/run_app.sh → python -m zyfw_checks.app.serve, which loads this
# folder with --Voila.config_file_paths). Defaults are for one machine with 2 cores and 24 GB.
# Only the app notebook is served; nothing else from the folder; the page cannot send code to the kernel.
import os

from zyfw_checks.params import threshold

c = get_config()  # noqa: F821  (provided by traitlets when this file is loaded)

max_mb = int(float(threshold("max_upload_mb")))
# An upload travels over the kernel websocket in one message: allow the upload limit plus 1 MiB of framing
# and widget state; a larger message closes the connection, whatever size the page claims for the file.
# (The page itself refuses a larger file before sending it; the kernel checks the size again.)
c.Voila.tornado_settings = {"websocket_max_message_size": (max_mb + 1) * 1024 * 1024}
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.file_allowlist = []  # /voila/files/ serves nothing
c.VoilaConfiguration.file_denylist = [".*"]
c.VoilaConfiguration.template = "zyfw"  # lab template without CDN requests (zyfw_checks/app/jupyter)
# one page, one template: ?template=classic|reveal|lab and ?theme= are ignored (serve.PageHandler drops them too)
c.VoilaConfiguration.allow_template_override = "NO"
c.VoilaConfiguration.allow_theme_override = "NO"

# ---- who may talk to the server (zyfw_checks/app/serve.py: guard) ----
# Host names the server answers (DNS rebinding): add the public name behind a proxy, e.g.
# ZYFW_APP_HOSTS="zicha.example.org" scripts/run_app.sh  (comma-separated; loopback names always allowed).
_hosts = [h.strip() for h in os.environ.get("ZYFW_APP_HOSTS", "").split(",") if h.strip()]
c.ZyfwService.allowed_hosts = ["127.0.0.1", "localhost", "::1", *_hosts]
# Address space one kernel and each of its job workers may reserve (RLIMIT_AS, inherited by the workers):
# above job_memory_mb plus the kernel's own ~1.5 GB of mapped libraries, so a job hits its own limit first.
c.ZyfwService.kernel_memory_mb = 6144
# What the server holds for one page that stops reading (then its connection is closed).
c.ZyfwService.client_buffer_mb = 96
c.ZyfwService.log_line_chars = 500
# Widget traffic only: Voilà 0.5 itself builds its kernel manager with allowed_message_types limited to
# comm and kernel-info messages, so execute_request from the page is dropped (a config value here would
# be overridden). tests/test_app_browser.py::test_page_connection_cannot_execute_code checks it.

# ---- capacity (zyfw_checks/app/serve.py, class ZyfwService) ----
# Pages open at once. An idle page's kernel takes about 0.2 GB, one with a 50k-row file and its results
# about 0.5 GB: 16 pages plus 2 running jobs of at most 3 GB stay well inside 24 GB.
c.ZyfwService.max_sessions = 16
# Readings, checks and reports running at once across all pages (one per core); the others wait in line
# and see their place ("前面还有 N 位，预计 M 秒").
c.ZyfwService.max_running_checks = 2
c.ZyfwService.job_memory_mb = 3072  # one job may add this much memory before it is stopped with a message
c.ZyfwService.job_timeout_s = 300  # ... or run this long
c.ZyfwService.typical_job_s = 15  # wait estimate until the server has timed its own jobs
c.ZyfwService.busy_retry_s = 30  # the busy page reloads itself after this many seconds

# ---- privacy: a page's kernel (and the uploaded data in it) ends soon after the page is gone ----
# Closing the tab sends a shutdown request (the server now sets the _xsrf cookie it needs). As a backstop,
# websocket pings every 10 s notice a closed laptop lid or a lost network within 10-20 s (tornado does not
# allow a ping timeout longer than the interval), and a kernel whose page has been disconnected for 15 s is
# shut down; a page that never connects ends after 120 s.
c.ZyfwService.ping_interval_s = 10
c.ZyfwService.ping_timeout_s = 10
c.ZyfwService.disconnect_grace_s = 15
c.ZyfwService.first_connect_s = 120
c.ZyfwService.reap_interval_s = 2
# The last resort of Jupyter itself: an idle kernel without a connection ends after 10 minutes.
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60

# ---- no blank pages ----
# Two kernels are started ahead with the app already built, so a new page opens at once even while
# checks keep the cores busy (Voilà's preheat_kernel / default_pool_size).
c.VoilaConfiguration.preheat_kernel = True
c.VoilaConfiguration.default_pool_size = 2
# nbclient waits only 4 s for a kernel's output by default and then leaves an empty page without a word;
# on busy cores a new kernel can need longer to build the app.
c.VoilaExecutor.iopub_timeout = 60
c.VoilaExecutor.startup_timeout = 120
