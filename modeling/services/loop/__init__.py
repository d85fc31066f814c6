"""Model-in-the-loop jobs: one job infrastructure (`jobs`) and a runner per kind (`prelabel`, `uncertainty`,
`label_errors`, `learning_curve`), plus the suggestions that pre-labeling offers in the labeling view."""
