"""DocumentSettings: defaults, validation, and its place in the service configuration."""

import pytest

from idverify.config import Config, load_config
from idverify.documents.settings import DocumentSettings
from idverify.errors import ConfigError
from idverify.settings import build


def test_defaults_are_valid_and_in_the_config():
    s = DocumentSettings()
    s.validate()
    assert Config().documents == s


@pytest.mark.parametrize(("key", "value"), [("min_age_years", -1), ("expiring_within_days", -5), ("max_working_side_px", 100),
                                            ("min_mrz_score", 101), ("viz", "sometimes"), ("document_width_px", 10),
                                            ("viz_min_confidence", 1.5), ("viz_engine", "easyocr"),
                                            ("viz_models", "ppocrv9")])
def test_bad_values(key, value):
    with pytest.raises(ConfigError):
        build(DocumentSettings, {key: value})


def test_environment_override():
    config = load_config(environ={"IDVERIFY_DOCUMENTS__MIN_AGE_YEARS": "21", "IDVERIFY_DOCUMENTS__VIZ": '"never"'})
    assert config.documents.min_age_years == 21 and config.documents.viz == "never"
