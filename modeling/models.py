"""Training jobs, trained models, evaluations and deployments (see the training issue)."""
