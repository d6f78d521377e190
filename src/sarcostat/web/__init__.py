"""The local web app behind ``sarcostat serve``.

It sits on top of the layers (io -> assess / assay -> stats -> study ->
report -> web), just below `sarcostat.commands` and `sarcostat.cli`,
which it does not import: the pages run ``analyze``, ``elisa`` and
``classify -o`` as ``python -m sarcostat ...`` child processes with the
arguments a user would type. Everything else calls public
layer functions (`sarcostat.io.read_cohort`,
`sarcostat.assess.classify_cohort`, `sarcostat.study.Plan`), so a
report made in the browser holds the CLI's numbers.

Modules: `app` (routes and pages),
`security` (token, Host, CSRF, upload size, headers),
`workspace` (the private temporary folder and what is in
it), `jobs` (the work each action does).
"""
