"""Province plugins shipped with Sepakat. Each registers under ``sepakat.provinces``."""
