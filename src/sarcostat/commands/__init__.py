"""One module per CLI subcommand; discovered by :func:`sarcostat.cli.build_parser`.

Each module defines ``NAME``, ``HELP``, ``ORDER`` (position in ``--help``),
``add_arguments(parser)`` and ``run(args) -> int``; it imports heavy libraries
inside ``run`` only.
"""
