"""Benchmark with a 'forming' warning variant: python runw.py VARIANT -- benchmark args..."""
import sys
sys.path.insert(0, "/work/s7")
import patch
patch.apply(sys.argv[1])
from foretold.cli import main
sys.argv = ["foretold"] + sys.argv[3:]
main()
