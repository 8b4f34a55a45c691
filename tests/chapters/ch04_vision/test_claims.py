"""Chapter 4's claim 19 rule on hand-made results: each of its three verdicts can be reached."""

from chapters.ch04_vision.claims import rule_19


def nets(**val_acc):
    base = dict(lenet=0.88, alexnet=0.87, vgg=0.87, googlenet=0.85, resnet=0.85)
    return {k: {"val_acc": v} for k, v in (base | val_acc).items()}


def test_claim_19_holds_when_resnet_beats_lenet():
    verdict, shown = rule_19(nets(resnet=0.90))
    assert verdict == "held" and shown["resnet"] == 0.90


def test_claim_19_holds_partly_when_only_another_deeper_net_does():
    assert rule_19(nets(vgg=0.89))[0] == "held only partly"
    assert rule_19(nets(googlenet=0.881))[0] == "held only partly"


def test_claim_19_does_not_hold_when_lenet_is_best():
    assert rule_19(nets())[0] == "did not hold"
    assert rule_19(nets(resnet=0.88))[0] == "did not hold"  # a tie is not a win
