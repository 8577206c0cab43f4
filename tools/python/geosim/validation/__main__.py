"""``python3 -m geosim.validation``: see the package's docstring."""
import sys

from .cli import main

sys.exit(main())
