"""``python -m idverify.cli``: the same as the ``idverify`` console script."""

import sys

from idverify.cli import main

sys.exit(main())
