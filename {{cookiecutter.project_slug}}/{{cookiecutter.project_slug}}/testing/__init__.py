"""The test harness: everything that starts or drives a process for a test (the project under
uvicorn or gunicorn, task workers, redis-servers, Sentinel deployments and Redis Clusters of a
test's own, a browser) and the clients that talk to them. Apps' tests import it; it imports no
app's tests.
`fixtures` is the pytest plugin that hands these out and marks their tests `system`."""
