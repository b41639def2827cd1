"""Where runs live: the registry and its queue, worker backends (local pool, Ray), the SQLite store, saved runs."""
