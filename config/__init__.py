"""Settings classes, chosen by name (``FLASK_CONFIG`` / ``APP_ENV``)."""
from config.settings import CONFIGS, BaseConfig, DevelopmentConfig, ProductionConfig, TestingConfig, get_config

__all__ = ["CONFIGS", "BaseConfig", "DevelopmentConfig", "ProductionConfig", "TestingConfig", "get_config"]
