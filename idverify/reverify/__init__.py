"""Re-verification: which accounts are due, leasing them to workers, re-running their checks.

    schedule.py   pure rules: when an account is next due, why it is due, retry backoff
    settings.py   ReverifySettings ([reverify] in the configuration)
    store.py      verification history and leases (SQLite and PostgreSQL, shared with the linker)
    checks.py     re-running the checks for one account, in-process or against a server
    worker.py     the `idverify reverify` loop: lease, check, record, release
"""
