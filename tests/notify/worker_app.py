"""The Celery app the test workers run: the production app (``create_app`` from the same
environment variables) with timings shortened so that redelivery, the relay and e-mail retries
happen within seconds."""

import datetime as dt

from sepakat.app import create_app
from workers import BEAT_SCHEDULE, BROKER_TRANSPORT_OPTIONS

TEST_SETTINGS = {
    "CELERY": {
        "broker_transport_options": {
            **BROKER_TRANSPORT_OPTIONS,
            # Unacknowledged messages (a killed worker's) come back after 5 s, checked each 1 s.
            "visibility_timeout": 5,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
        # Only the relay, every second; reminders are driven by their own tests.
        "beat_schedule": {"relay-outbox": {**BEAT_SCHEDULE["relay-outbox"], "schedule": 1.0}},
    },
    "EMAIL_MAX_ATTEMPTS": 3,
    "EMAIL_RETRY_BACKOFF": 1,
    "OUTBOX_RELAY": {"grace": dt.timedelta(seconds=1)},
}

celery_app = create_app(TEST_SETTINGS).extensions["celery"]
