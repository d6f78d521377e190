import sys
from pathlib import Path

# the plate simulator is a test helper module next to the tests
sys.path.insert(0, str(Path(__file__).parent))
