from __future__ import annotations

from pathlib import Path

import pytest

from opexflow.settings import EngineSettings, Settings, WebSettings, get_settings


@pytest.mark.parametrize("model", [Settings, EngineSettings, WebSettings])
def test_every_setting_is_described(model: type) -> None:
    missing = [n for n, f in model.model_fields.items() if not f.description]  # type: ignore[attr-defined]
    assert missing == []


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEXFLOW_DATA_DIR", "/tmp/x")
    monkeypatch.setenv("OPEXFLOW_TZ", "UTC")
    monkeypatch.setenv("OPEXFLOW_ENGINE_MEMORY_LIMIT", "1GB")
    get_settings.cache_clear()
    s = get_settings()
    assert (s.data_dir, s.tz, s.engine.memory_limit) == (Path("/tmp/x"), "UTC", "1GB")
