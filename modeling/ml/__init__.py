"""The ML core: plain dataclasses in, flair models out. No Django imports here, ever (`modeling.config` is pure).

- `corpus`: documents and labels -> tokens, BIOES tags, sentences (with `studio.tokenization`, the studio's one
  tokenizer).
- `training`: `train(config, train_docs, dev_docs, workdir, ...)` -> a saved, reloaded, verified model.
- `plugins`: the flair trainer plugins `train` attaches, one per concern (progress, cancel, safety limit, linear
  LR schedule, weight averaging), sharing one `plugins.run.TrainingRun`.
- `callbacks`: what callers pass to `train` (progress and cancel callbacks), `TrainingCancelled`
  and `TrainingTimedOut`.
- `inference`: `load_tagger`, `predict_spans` with exact code-point offsets.
- `evaluation`: Azure's scoring rule (`match_spans`), exact-match metrics and confusion matrix (pure Python).
- `span_probabilities`: a CRF tagger's exact (forward-backward) probability of each predicted entity and given label.
- `cross_validation`: k folds, each document predicted by a model that never saw it (for `label_errors`).
- `label_errors`: likely labeling mistakes from out-of-fold predictions, ranked (pure Python).
- `learning_curve`: nested, seeded shares of the training documents and the last step's gain (pure Python).

torch and flair are imported lazily inside functions so a web process can import this package cheaply.
"""
