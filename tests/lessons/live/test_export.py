"""lessons.live.export: the weights as a NumPy archive; and the page's default setup learns."""

import io
import json

import numpy as np

from core import data, optimizers
from core.mlp import MLP
from core.training import Trainer
from lessons import datasets
from lessons.live import export


def small_network(output="sigmoid", sizes=(2, 3, 2, 1)):
    return MLP(list(sizes), hidden="tanh", output=output, init="xavier", rng=3)


def test_weights_npz_round_trip_without_pickle():
    model = small_network()
    archive = np.load(io.BytesIO(export.weights_npz(model)), allow_pickle=False)
    for layer in range(model.n_layers):
        np.testing.assert_array_equal(archive[f"W{layer}"], model.weights[layer])
        np.testing.assert_array_equal(archive[f"b{layer}"], model.biases[layer])
    config = json.loads(str(archive["config"]))
    assert config["sizes"] == [2, 3, 2, 1]
    rebuilt = MLP.from_config(config)
    rebuilt.set_params([archive[name] for name in ("W0", "b0", "W1", "b1", "W2", "b2")])
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    np.testing.assert_allclose(rebuilt.forward(X), model.forward(X))


def test_default_circle_tanh_4_2_network_reaches_test_loss_below_0_1_in_300_epochs():
    # The page's defaults: circle, 500 points, noise 0, 50 % training data, features x1 x2,
    # tanh [4, 2], Xavier init, SGD with learning rate 0.03, batch size 10, seed 0.
    X, y = datasets.playground("circle", 500, 0.0, rng=0)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, 0.5, rng=0)
    model = MLP([2, 4, 2, 1], hidden="tanh", output="sigmoid", init="xavier", rng=0)
    trainer = Trainer(
        model,
        optimizers.make("sgd", lr=0.03),
        X_train,
        y_train,
        X_test,
        y_test,
        batch_size=10,
        rng=0,
    )
    trainer.run_epochs(300)
    assert not trainer.diverged
    test_loss = np.array(trainer.history["val_loss"])
    assert test_loss[0] > 0.5  # it starts near chance (ln 2 = 0.69) ...
    assert test_loss.min() < 0.1  # ... and gets below 0.1 within 300 epochs
    assert test_loss[-1] < 0.1
    assert trainer.history["val_accuracy"][-1] > 0.95
