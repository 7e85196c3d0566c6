"""What production sees of the project: structured logs with request ids, traces, metrics."""
