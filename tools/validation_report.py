#!/usr/bin/python3
"""Kept for earlier command lines: the tool is now `/usr/bin/python3 -m geosim.validation`
(tools/python/geosim/validation), which takes the same arguments."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python"))
from geosim._requires import run_tool  # noqa: E402  (after the path it is found on)

run_tool("geosim.validation")
