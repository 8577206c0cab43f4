#!/usr/bin/python3
"""Kept for earlier command lines and for the command docs/validation.md shows:
the tool is now `/usr/bin/python3 -m geosim.validation` (tools/python/geosim/validation),
which takes the same arguments."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python"))
try:
    from geosim.validation import main
except ImportError as error:  # a Python without the tool's packages: say which, no traceback
    print(error, file=sys.stderr)
    sys.exit(2)
sys.exit(main())
