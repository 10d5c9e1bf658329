from zyfw_checks.cli import entry

entry()
