"""geosim's Python tools: reading and reshaping the engine's results files.

Import with ``PYTHONPATH=tools/python`` (from the repository) under Debian's
``/usr/bin/python3``, which has xarray.
"""
