"""Real-time events (display boards, wait status, office status): publish after commit, fan out to listeners.

One interface, three backends chosen by `MADOGUCHI_BROADCAST_URL`:

- `memory://` (default): in this process only. Enough for `make run` and one app server.
- `redis://host:6379/0`: Redis PUBLISH/PSUBSCRIBE, for several app servers.
- `postgres://`: PostgreSQL NOTIFY/LISTEN on the default database, for several app servers without Redis.

Every process keeps one `Hub` that fans a message out to its own listeners (boards, phones); with a broker
each process holds a single broker subscription, however many listeners it serves.
"""
