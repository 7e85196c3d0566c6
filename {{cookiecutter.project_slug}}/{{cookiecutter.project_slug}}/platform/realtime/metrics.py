"""The event stream's metrics (docs/metrics.md): streams open, events delivered and dropped."""

from prometheus_client import Counter, Gauge

realtime_streams_open = Gauge(
    "realtime_streams_open",
    "Event streams open now, over the live processes.",
    multiprocess_mode="livesum",
)
realtime_events_delivered = Counter(
    "realtime_events_delivered", "Events written to a client's event stream."
)
realtime_events_dropped = Counter(
    "realtime_events_dropped", "Events a stream could not deliver, by reason.", ["reason"]
)
