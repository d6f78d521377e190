"""The local web app behind ``sarcostat serve``.

It sits beside :mod:`sarcostat.commands` on top of the layers
(io -> assess / assay -> stats -> study -> report): the pages and the HTTP
API call the same public functions as the CLI (``sarcostat.cli.main`` for
``analyze`` and ``elisa``, :func:`sarcostat.io.read_cohort`,
:func:`sarcostat.assess.classify_cohort`, :class:`sarcostat.study.Plan`), so a
report made in the browser holds the CLI's numbers.

Modules: :mod:`~sarcostat.web.app` (routes and pages),
:mod:`~sarcostat.web.security` (token, Host, CSRF, upload size, headers),
:mod:`~sarcostat.web.workspace` (the private temporary folder and what is in
it), :mod:`~sarcostat.web.jobs` (the work each action does).
"""
