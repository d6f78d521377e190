"""The built-in plan steps, one module each (found by :mod:`sarcostat.study.registry`).

Each module defines ``STEP``, an instance of a
:class:`~sarcostat.study.registry.Step` subclass. Module names starting with
``_`` hold shared helpers and are not steps. The seed study's steps are
``table1``, ``fig1``, ``table2``, ``fig2`` and ``table3``; the plan's
``[study] steps`` list says which run, in which order.
"""
