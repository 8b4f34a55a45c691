"""Deploying a trained network: export a static program and run it with Paddle Inference."""

import numpy as np
import paddle
from paddle import inference
from paddle.static import InputSpec


def export(model, path, input_shape=(None, 1, 28, 28)):
    """``paddle.jit.save`` of ``model`` (in eval mode) for inputs of ``input_shape``; Paddle 3.x
    writes ``path.json`` (the program) and ``path.pdiparams`` (the weights)."""
    model.eval()
    static = paddle.jit.to_static(model, input_spec=[InputSpec(list(input_shape), "float32", "x")],
                                  full_graph=True)
    paddle.jit.save(static, path)
    return path


class Predictor:
    """A Paddle Inference predictor on CPU, one thread: its optimisation passes (conv-BN
    folding, oneDNN kernels) apply. Call it with a float32 numpy batch, get numpy logits."""

    def __init__(self, path):
        config = inference.Config(f"{path}.json", f"{path}.pdiparams")
        config.disable_gpu()
        config.set_cpu_math_library_num_threads(1)
        config.disable_glog_info()
        self.predictor = inference.create_predictor(config)
        self.input = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        self.output = self.predictor.get_output_handle(self.predictor.get_output_names()[0])

    def __call__(self, images):
        self.input.copy_from_cpu(np.ascontiguousarray(images, dtype=np.float32))
        self.predictor.run()
        return self.output.copy_to_cpu()
