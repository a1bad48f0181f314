"""The watch (issue 11): sweeps of every license, compared with the last one, told to support.

- `bot.sweep.compare`: what changed since the previous sweep (pure);
- `bot.sweep.run`: one sweep under the store's lease, its results stored and compared;
- `bot.sweep.digest`: the support channel's digest, its thread of details, and the
  announcements in watched customer channels;
- `bot.sweep.schedule`: the cron schedule `rosterbot run` keeps (ROSTERBOT_SWEEP_CRON).

The sweep itself (concurrency, one `/applications` read, Retry-After) is `checks.sweep`.
"""
