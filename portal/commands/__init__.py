"""The ``flask --app portal …`` commands, one module per family, registered in ``portal.app``:

- ``demo``: ``seed-demo [--if-empty]``, the demo employers, people, positions and workers.
- ``bundle``: ``positions`` (every position, one a line) and ``bundle POSITION_ID --out FILE.zip``
  (the filing bundle, as the button builds it).
- ``lmia``: ``lmia check FILE`` and ``lmia rules`` (``portal.checker``'s commands, reading this
  app's reference data).
- ``refdata``: ``refdata load-wages|load-thresholds|load-cma FILE.csv`` and ``refdata show``.

The package itself imports nothing, so loading one command module loads only what it needs.
"""
