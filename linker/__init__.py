"""Account linking: one account per person, in real time, with evidence.

An engine: the application layer (:mod:`idverify.app.linking`) calls it, the gRPC servicer
(:mod:`idverify.server.linking`) and the backfill command (:mod:`idverify.cli.import_accounts`)
sit above that; nothing here imports them. Modules, in the order a request flows through them:

- :mod:`linker.engine` — :class:`~linker.engine.Linker`: evidence, persons, decisions;
- :mod:`linker.signals` — signal types and strengths, canonical forms, keyed hashes (pure);
- :mod:`linker.names` — fuzzy name matching on keyed token hashes (pure);
- :mod:`linker.faceindex` — the 1:N face index (a usearch HNSW graph), derived from the store;
- :mod:`linker.persons` — constrained union-find and stable person ids (pure);
- :mod:`linker.policy` — joining rules, risk, ALLOW / REVIEW / BLOCK with reasons (pure);
- :mod:`linker.store` — one abstract store, SQLite and PostgreSQL backends, migrations;
- :mod:`linker.settings` — the ``[linker]`` configuration section.
"""
