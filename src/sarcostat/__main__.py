"""Allow ``python -m sarcostat``. The CLI lives in cli.py, not here, because
importing ``__main__`` from elsewhere would run the program twice."""

from sarcostat.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
