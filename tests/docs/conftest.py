import sys
from pathlib import Path

# doc_commands.py and make_examples.py are helpers beside the tests
sys.path.insert(0, str(Path(__file__).resolve().parent))
