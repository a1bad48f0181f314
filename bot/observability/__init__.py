"""Metrics, logs and request ids: what an operator watches rosterbot by (issue 10).

    metrics.py  Prometheus metrics of one app instance (GET /metrics)
    logs.py     LOG_LEVEL, LOG_FORMAT=json, request and job ids, secrets masked
    slack.py    Slack requests timed and counted, diagnoses counted, identifiers kept from logs
"""
