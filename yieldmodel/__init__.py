"""The semiconductor yield product: a pass/fail model over parametric tests.

Reading data: csv_reading (CSV bytes -> table), column_names, coercion, labels.
Preparing it: column_rules and preprocessing (features, imputation, scaling fitted on
training rows), validation (checking a new table before scoring).
The model: architecture, training, evaluation, pipeline (preprocessing + network +
threshold), model_io (archives) and onnx_export, experiments (the seed's two tables).
Using it: scoring (in memory), streaming with arrow_cells and csv_writing (files of any
size), drift, overview and seed_data (the generated table), commands (the CLI's work),
messages (DataError and how rows are listed). The page and ``cli.py`` both sit on top of
it; it imports only ``core``.
"""
