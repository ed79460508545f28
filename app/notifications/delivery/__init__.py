"""Notifications beyond the console: email, signed webhooks and Slack-compatible webhooks.

- ``preferences``: each user's channels per kind, addresses and digest choice (the rules);
- ``queue``: what the notification producer writes, in its own transaction, for each new
  notification: one ``notification_deliveries`` row per chosen channel;
- ``urls``: which user-given URLs are accepted and reachable;
- ``message``: what a delivery says (one notification, or a digest of several);
- ``email``, ``webhook``, ``slack``: one module per channel, each sending one message;
- ``sender``: the leader job that sends due deliveries, retries with exponential backoff,
  forms digests and keeps the Prometheus figures (``gauges``).
"""
