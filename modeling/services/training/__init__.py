"""Training jobs: `start` (checks, start, cancel), `worker` (run in the django-q2 worker: train, evaluate,
record the model), `progress` (heartbeat, progress, cancel polling), `split` (the split a job trains on),
`sweeps` (jobs whose worker died), `state` (claim and finish, the only writes of a job's status).

Only these services change a job's state: notStarted -> running -> succeeded | failed | cancelled.
"""
