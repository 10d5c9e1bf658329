# Voilà settings for the apps, loaded by scripts/run_app.sh (--Voila.config_file_paths=this folder).
# Only the app notebook is served; nothing else from the folder; the page cannot send code to the kernel.
from zyfw_checks.params import threshold

c = get_config()  # noqa: F821  (provided by traitlets when this file is loaded)

max_mb = int(float(threshold("max_upload_mb")))
# An upload travels over the kernel websocket in one message: allow the upload limit plus framing.
c.Voila.tornado_settings = {"websocket_max_message_size": (max_mb + 16) * 1024 * 1024}
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.file_allowlist = []  # /voila/files/ serves nothing
c.VoilaConfiguration.file_denylist = [".*"]
c.VoilaConfiguration.template = "zyfw"  # lab template without CDN requests (zyfw_checks/app/jupyter)
# Widget traffic only: Voilà 0.5 itself builds its kernel manager with allowed_message_types limited to
# comm and kernel-info messages, so execute_request from the page is dropped (a config value here would
# be overridden). tests/test_app_browser.py::test_page_connection_cannot_execute_code checks it.
# A session left open without activity is closed (and its uploaded data with it) after an hour.
c.MappingKernelManager.cull_idle_timeout = 3600
c.MappingKernelManager.cull_interval = 300
