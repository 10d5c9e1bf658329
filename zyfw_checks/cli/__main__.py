import sys

from zyfw_checks.cli import main

sys.exit(main())
