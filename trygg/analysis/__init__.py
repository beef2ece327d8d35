"""Trygg's analysis engine: a pure numeric package (numpy/scipy), never Django.

Events are read from any CSV with `trygg.analysis.io.read_events`; each method module
(aggregate, trends, hotspots, kde, concentration, scan, alarms, knox, evaluate,
priorities) works on the resulting `Events` and is exposed on the command line as
`trygg analyse <method>` by `trygg.analysis.cli`.
"""
