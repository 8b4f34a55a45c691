import numpy as np
import paddle

from paddle_course.models import CBRNet, fold
from paddle_course.models.blocks import BiasAfterPoolNet


def _trained_stats_model():
    paddle.seed(0)
    model = CBRNet()
    model.train()
    with paddle.no_grad():
        for _ in range(20):  # move BN's running mean/var far from their initial 0/1
            model(paddle.randn([32, 1, 28, 28]) * 3 + 1)
        for block in (model.block1, model.block2):  # and gamma/beta away from 1/0
            block.bn.weight.set_value(paddle.rand(block.bn.weight.shape) + 0.5)
            block.bn.bias.set_value(paddle.randn(block.bn.bias.shape))
    return model.eval()


def test_folded_bn_equals_unfolded():
    model = _trained_stats_model()
    assert float(paddle.abs(model.block1.bn._mean).max()) > 0.1  # the stats really moved
    x = paddle.randn([16, 1, 28, 28])
    with paddle.no_grad():
        ref = model(x).numpy()
        for net in (fold(model), BiasAfterPoolNet(model)):
            np.testing.assert_allclose(net(x).numpy(), ref, rtol=1e-4, atol=1e-4)
    folded = fold(model)
    assert not hasattr(folded.block1, "bn") and folded.block1.conv.bias is not None
