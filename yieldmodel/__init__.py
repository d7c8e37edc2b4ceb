"""The semiconductor yield product: a pass/fail model over parametric tests.

tabular (CSV reading, validation, preprocessing), experiments (training the pipeline, the
seed's experiments, scoring a frame), model_io (pipeline archives and ONNX), streaming
(scoring files of any size), drift, seed_data (the seed's synthetic table). The page and
``cli.py`` both sit on top of it; it imports only ``core``.
"""
