"""Line model architectures (Keras), one builder per architecture, chosen by name.

Every architecture maps a (height, width, 1) line image to (width / 4)
frames of class scores over the alphabet + the CTC blank, and takes any
width, so one exported graph serves every line:

* ``crnn``: conv/BN/ReLU/pool blocks, bidirectional LSTMs (the first design);
* ``conv``: a strided conv stem down to 2 rows, then residual dilated
  depthwise-separable 1-D blocks: no recurrence, so it runs as a few large
  matrix products and exports directly to LiteRT.

The layer names and shapes depend only on the architecture's parameters,
never on the width, so weights move between a training model and an
export model of any width.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from textrecog.imaging.normalize import LineSpec

BN_MOMENTUM = 0.9
POOLS = ((2, 2), (2, 2), (2, 1), (2, 1))  # 4x fewer columns (frames), height 32 → 2


@dataclass(frozen=True)
class LineArch:
    """An architecture and its sizes, as the manifest records them."""

    name: str = "crnn"
    convs: tuple[int, ...] = (32, 64, 96, 128)
    rnn: int = 128  # crnn: LSTM units a direction
    layers: int = 2  # crnn: BiLSTM layers; conv: residual 1-D blocks
    channels: int = 256  # conv: channels of the 1-D blocks
    kernel: int = 5  # conv: kernel of the 1-D blocks
    dilations: tuple[int, ...] = field(default=(1, 2, 4))  # conv: cycled over the blocks
    dropout: float = 0.25
    separable_stem: bool = False  # stem convs after the first depthwise-separable (several times fewer FLOPs)

    def describe(self) -> str:
        """One line for the manifest and the card."""
        kind = "separable conv" if self.separable_stem else "conv"
        stem = f"{kind} {','.join(map(str, self.convs))}, pools 2x2,2x2,2x1,2x1"
        if self.name == "crnn":
            return f"{stem}, {self.layers} x BiLSTM {self.rnn}"
        return (f"{stem}, {self.layers} residual separable Conv1D-{self.channels} blocks (kernel {self.kernel}, "
                f"dilations {','.join(map(str, self.dilations))} cycled)")

    def to_json(self) -> dict:
        """The manifest's ``architecture_params``."""
        return asdict(self)

    @staticmethod
    def from_json(d: dict) -> LineArch:
        """Inverse of :meth:`to_json` (lists back to tuples)."""
        return LineArch(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def _stem(x, arch: LineArch, layers):
    for i, w in enumerate(arch.convs):
        conv = layers.SeparableConv2D if arch.separable_stem and i else layers.Conv2D
        x = conv(w, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"conv{i}_bn")(x)
        x = layers.ReLU(name=f"conv{i}_relu")(x)
        x = layers.MaxPooling2D(POOLS[min(i, len(POOLS) - 1)], name=f"pool{i}")(x)
    rows = x.shape[1]
    x = layers.Permute((2, 1, 3), name="frames")(x)  # (frames, rows, channels)
    return layers.Reshape((-1, rows * arch.convs[-1]), name="flatten_rows")(x)


def _crnn_head(x, arch: LineArch, layers, unroll: bool):
    x = layers.Dropout(arch.dropout / 2)(x)
    for i in range(arch.layers):
        x = layers.Bidirectional(layers.LSTM(arch.rnn, return_sequences=True, unroll=unroll), name=f"bilstm{i}")(x)
        x = layers.Dropout(arch.dropout)(x)
    return x


def _conv_head(x, arch: LineArch, layers):
    x = layers.Conv1D(arch.channels, 1, use_bias=False, name="project")(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="project_bn")(x)
    x = layers.ReLU(name="project_relu")(x)
    for i in range(arch.layers):
        d = arch.dilations[i % len(arch.dilations)]
        y = layers.SeparableConv1D(arch.channels, arch.kernel, padding="same", dilation_rate=d, use_bias=False,
                                   name=f"block{i}")(x)
        y = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"block{i}_bn")(y)
        y = layers.ReLU(name=f"block{i}_relu")(y)
        y = layers.Dropout(arch.dropout / 2, name=f"block{i}_drop")(y)
        x = layers.Add(name=f"block{i}_add")([x, y])
    return layers.Dropout(arch.dropout, name="head_drop")(x)


def build_line_model(num_classes: int, spec: LineSpec, arch: LineArch = LineArch(), width: int | None = None,
                     softmax: bool = False, unroll: bool = False, lib=None):
    """The line model: image (height, width, 1) → (width / 4, num_classes + 1) scores, blank last.

    ``lib`` is the Keras to build with: Keras 3 (default) for training, ``tf_keras`` for the export of
    a crnn, whose LSTMs only it marks for the converter's fused LSTM kernel.
    """
    if lib is None:
        import keras as lib
    layers = lib.layers
    inp = lib.Input((spec.height, width, 1), name="line")
    x = _stem(inp, arch, layers)
    if arch.name == "crnn":
        x = _crnn_head(x, arch, layers, unroll)
    elif arch.name == "conv":
        x = _conv_head(x, arch, layers)
    else:
        raise ValueError(f"unknown line architecture {arch.name!r} (crnn, conv)")
    x = layers.Dense(num_classes + 1, name="logits", dtype="float32")(x)
    if softmax:
        x = layers.Softmax(name="probs", dtype="float32")(x)
    return lib.Model(inp, x, name=f"textrecog_{arch.name}")
