"""A stand-in web server for the restart test: a registry with the store, one long run; prints when it has a curve."""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runs.registry import Registry  # noqa: E402
from runs.store import Store  # noqa: E402


def main() -> None:
    project = json.loads(sys.argv[1])
    store = Store()
    reg = Registry(max_active=1)
    reg.attach_store(store)
    reg.ready(timeout=300)
    run = reg.submit("ws_restart", project, label="the long one")
    while True:  # the registry's pump thread writes the curve to the store as it grows
        rows = [r for r in store.load_runs("ws_restart") if r["id"] == run.id]
        if rows and rows[0]["snapshot"].get("epochs", {}).get("epoch"):
            print(json.dumps({"run": run.id, "workers": list(reg.backend.pids().values())}), flush=True)
            break
        time.sleep(0.1)
    time.sleep(600)  # until the test kills this "server"


if __name__ == "__main__":
    main()
