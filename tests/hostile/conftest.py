"""Every hostile test runs with a private NEUROCANVAS_DATA and no local-path permission."""
import pytest


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("NEUROCANVAS_DATA", str(folder))
    from trainers.datasets.bounds import allow_local_paths
    allow_local_paths(False)  # as the web server: no path from any input
    return folder
