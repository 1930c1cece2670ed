"""Keras architectures of the character classifier (training only; TensorFlow imported lazily)."""

from __future__ import annotations

# Fast-moving BN statistics: with a few hundred steps per epoch the Keras
# default (0.99) leaves inference statistics far behind the weights.
BN_MOMENTUM = 0.9
ARCHS = ("conv", "separable", "resnet")


def build_model(num_classes: int, size: int = 28, widths: tuple[int, ...] = (32, 64, 128),
                dense: int = 256, dropout: float = 0.3, arch: str = "conv"):
    """The classifier for ``arch``: ``conv``/``separable`` plain stacks, ``resnet`` residual stages."""
    if arch == "resnet":
        return build_resnet(num_classes, size, widths, dropout)
    return build_plain(num_classes, size, widths, dense, dropout, arch)


def build_plain(num_classes: int, size: int, widths: tuple[int, ...], dense: int, dropout: float, arch: str):
    """Compact CNN: conv/BN/ReLU/pool blocks, a dense layer, softmax.

    ``arch="separable"`` makes every block after the first depthwise-separable:
    a fraction of the multiply-adds, so several times the characters per second on a CPU.
    """
    import keras
    from keras import layers

    inp = keras.Input((size, size, 1), name="image")
    x = inp
    for i, w in enumerate(widths):
        conv = layers.SeparableConv2D if arch == "separable" and i > 0 else layers.Conv2D
        x = _bn_relu(layers, conv(w, 3, padding="same", use_bias=False)(x))
        x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(dropout / 2)(x)
    x = layers.Dense(dense, activation="relu")(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(num_classes, activation="softmax", name="probs")(x)
    return keras.Model(inp, out, name="textrecog_cnn")


def build_resnet(num_classes: int, size: int, widths: tuple[int, ...], dropout: float):
    """Small residual network: a 3×3 stem (``widths[0]``) and pooling, then per further width a stage of
    two separable residual blocks (each stage after the first halves the resolution).

    Separable convolutions keep the multiply-adds near those of the plain
    model while the depth (and the shortcuts that make depth trainable)
    gives the capacity the underfitted plain model lacked.
    """
    import keras
    from keras import layers

    inp = keras.Input((size, size, 1), name="image")
    x = _bn_relu(layers, layers.Conv2D(widths[0], 3, padding="same", use_bias=False)(inp))
    x = layers.MaxPooling2D()(x)  # the stages run at 14×14 and below: most of the speed
    for i, w in enumerate(widths[1:]):
        x = _residual(layers, x, w, 1 if i == 0 else 2)
        x = _residual(layers, x, w, 1)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(num_classes, activation="softmax", name="probs")(x)
    return keras.Model(inp, out, name="textrecog_resnet")


def _residual(layers, x, width: int, stride: int):
    """Two separable 3×3 convolutions with a shortcut (1×1 projection when the shape changes)."""
    y = _bn_relu(layers, layers.SeparableConv2D(width, 3, strides=stride, padding="same", use_bias=False)(x))
    y = layers.BatchNormalization(momentum=BN_MOMENTUM)(
        layers.SeparableConv2D(width, 3, padding="same", use_bias=False)(y))
    if stride != 1 or x.shape[-1] != width:
        x = layers.BatchNormalization(momentum=BN_MOMENTUM)(
            layers.Conv2D(width, 1, strides=stride, use_bias=False)(x))
    return layers.ReLU()(layers.Add()([x, y]))


def _bn_relu(layers, x):
    return layers.ReLU()(layers.BatchNormalization(momentum=BN_MOMENTUM)(x))
