"""The local web app behind ``sarcostat serve``.

It sits on top of the layers (io -> assess / assay -> stats -> study ->
report -> web), just below :mod:`sarcostat.commands` and :mod:`sarcostat.cli`,
which it does not import: the pages run ``analyze``, ``elisa`` and
``classify -o`` as ``python -m sarcostat ...`` child processes with the
arguments a user would type. Everything else calls public
layer functions (:func:`sarcostat.io.read_cohort`,
:func:`sarcostat.assess.classify_cohort`, :class:`sarcostat.study.Plan`), so a
report made in the browser holds the CLI's numbers.

Modules: :mod:`~sarcostat.web.app` (routes and pages),
:mod:`~sarcostat.web.security` (token, Host, CSRF, upload size, headers),
:mod:`~sarcostat.web.workspace` (the private temporary folder and what is in
it), :mod:`~sarcostat.web.jobs` (the work each action does).
"""
