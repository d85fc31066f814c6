"""The ML core: plain dataclasses in, flair models out. No Django imports here, ever.

- `corpus`: documents and labels -> tokens, BIOES tags, sentences (with `tokenization`).
- `training`: `train(config, train_docs, dev_docs, workdir, ...)` -> a saved, reloaded, verified model.
- `inference`: `load_tagger`, `predict_spans` with exact code-point offsets.
- `evaluation`: Azure-shaped exact-match metrics and confusion matrix (pure Python).

torch and flair are imported lazily inside functions so a web process can import this package cheaply.
"""
