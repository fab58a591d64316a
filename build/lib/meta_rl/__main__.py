"""``python -m meta_rl``."""

import sys

from meta_rl.cli import main

sys.exit(main())
