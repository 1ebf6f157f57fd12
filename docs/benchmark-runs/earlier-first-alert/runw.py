import sys
sys.path.insert(0, "docs/benchmark-runs/earlier-first-alert")
import patch
patch.apply(sys.argv[1])
from foretold.cli import main
sys.argv = ["foretold"] + sys.argv[3:]
main()
