"""The generic neural-network engine: pure NumPy building blocks, importing nothing of ours.

activations, losses, initializers, mlp (the network), optimizers, schedules, training
(the Trainer), gradcheck, metrics (scikit-learn wrappers), data (train/test split),
serialization (weights as JSON), validation (argument checks at the public boundary).
"""
