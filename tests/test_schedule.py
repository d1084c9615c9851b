"""The optimiser's schedules on real frames: converging rounds, gradient clipping, checkpoint selection."""

import torch

from isage_core.loop.train import train_iteration
from isage_core.model.checkpoint import load_checkpoint
from isage_core.training.optimiser import StepPlan, optimise
from isage_core.training.sampling import ClickPatchSampler
from tests.test_train import TINY, fast, make_workspace


def test_converge_trains_past_the_floor_until_the_clicks_fit_and_stops_before_the_cap(
    tmp_path, bsb_train_frames
):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_101"], per_class=3)
    settings = fast(
        steps=10, schedule="converge", max_steps=300, check_steps=5, fit_target=0.8, plateau=0.0,
        batch_size=4, learning_rate=3e-3, warm_start=False, lr_schedule="constant",
    )  # fmt: skip
    result = train_iteration(ws, TINY, settings)
    metrics = ws.record.runs()[-1].metrics
    assert 10 < result.steps < 300
    assert metrics["steps"] == result.steps and metrics["schedule"] == "converge"
    assert metrics["stopped_by"] == "fit" and result.stopped_by == "fit"
    assert len(metrics["fit_rates"]) == -(-result.steps // 5)  # a check every 5 steps and at the last
    assert min(metrics["fit_rates"]) < 0.8  # unfit at first: it trained on until the clicks fit
    assert result.click_accuracy >= 0.5


def test_converge_stops_at_the_cap_when_the_clicks_never_fit_enough(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_101"], per_class=3)
    settings = fast(steps=2, schedule="converge", max_steps=12, check_steps=5, fit_target=1.0, plateau=0.0)
    result = train_iteration(ws, TINY, settings)
    assert result.steps == 12
    assert len(ws.record.runs()[-1].metrics["fit_rates"]) == 3  # checks at 5, 10 and the last step


def test_the_converge_plan_holds_the_rate_until_converged_then_decays_a_quarter_of_the_run():
    ts = fast(schedule="converge", max_steps=100, check_steps=10, fit_target=0.9, plateau=0.1)
    plan = StepPlan(ts, steps=20)
    for done, fit, loss in ((10, 0.95, 1.0), (20, 0.5, 0.8), (30, 0.6, 0.5), (40, 0.95, 0.3)):
        assert plan.rate(done - 1) == ts.learning_rate and not plan.finished(done)
        plan.checked(done, fit, loss)  # below the floor, unfit and falling twice, then the clicks fit
    assert plan.end == 50 and plan.decay_from == 40  # a quarter of 40 steps, at least one check
    rates = [plan.rate(s) for s in range(40, 50)]
    assert rates[0] == ts.learning_rate and rates == sorted(rates, reverse=True)
    assert abs(rates[-1] - ts.learning_rate * ts.final_lr_fraction) < 1e-12
    assert plan.finished(50) and not plan.finished(49)
    assert plan.stopped_by == "fit"
    ts = fast(schedule="converge", max_steps=400, check_steps=10, fit_target=0.9, plateau=0.1)
    settling = StepPlan(ts, steps=20)
    losses = [1.0, 0.8, 0.7, 0.6, 0.55, 0.5, 0.49, 0.5, 0.49, 0.5, 0.49]  # a check each 10 steps
    for check, loss in enumerate(losses[:10], 1):  # unfit all along; 80-100 are 3 % below 50-70, not 10 %
        settling.checked(10 * check, 0.5, loss)
        assert (settling.decay_from is None) == (check < 10)
    assert settling.decay_from == 100 and settling.stopped_by == "settled"
    fitting = StepPlan(ts, steps=20)  # the same losses while the clicks still get fit: not settled
    for check, loss in enumerate(losses, 1):
        fitting.checked(10 * check, 0.3 + check / 50, loss)
    assert fitting.decay_from is None
    fixed = StepPlan(fast(steps=7), steps=7)
    assert fixed.end == 7 and fixed.rate(0) > fixed.rate(6)


def test_the_latest_steps_fit_starts_the_decay_between_checks_but_not_below_the_floor():
    from isage_core.settings import TrainSettings
    from isage_core.training.optimiser import recent_steps

    ts = TrainSettings(check_steps=10, fit_target=0.98, max_steps=600, time_budget_s=None)
    assert recent_steps(ts) == 5 and recent_steps(TrainSettings(check_steps=1)) == 1
    plan = StepPlan(ts, steps=10)
    plan.fitted(9, 1.0)  # below the floor (a warm round's one check)
    plan.fitted(11, 0.97)  # past it, short of the target
    assert plan.end is None and plan.rate(11) == ts.learning_rate
    plan.checked(10, 0.86, 1.0)  # the check's whole window lags behind: no decay either
    assert plan.end is None
    plan.fitted(12, 0.98)
    assert (plan.decay_from, plan.end, plan.stopped_by) == (12, 22, "fit")  # one check of decay
    plan.fitted(15, 1.0)  # decaying already: nothing moves
    assert plan.end == 22 and plan.finished(22) and not plan.finished(21)
    fixed = StepPlan(TrainSettings(steps=30, check_steps=10), steps=30)
    fixed.fitted(12, 1.0)
    assert fixed.end == 30 and fixed.stopped_by == "steps"  # a fixed schedule runs its steps


def _sampler_and_network(ws, seed=3):
    result = train_iteration(ws, TINY, fast(steps=0, warm_start=False))
    network, meta = load_checkpoint(result.model_path)
    frames = {f.name: f.path for f in ws.record.frames()}
    patches = ClickPatchSampler(
        frames, ws.record.clicks(), meta.class_ids, meta.bands, meta.mean, meta.std, 64, seed=seed
    )
    return network, patches


def _grad_norm(network) -> float:
    grads = [p.grad.norm() for p in network.parameters() if p.grad is not None]
    return float(torch.linalg.vector_norm(torch.stack(grads)))


def test_gradient_clipping_bounds_the_norm_of_every_step(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_101"], per_class=3)
    norms = {}
    for clip in (None, 0.05):
        network, patches = _sampler_and_network(ws)
        with patches:
            optimise(
                network, fast(grad_clip=clip), patches, 3, torch.device("cpu"), lambda *a: None, lambda: None
            )
        norms[clip] = _grad_norm(network)  # the last step's gradients stay on the parameters
    assert norms[None] > 0.1 and norms[0.05] <= 0.05 * 1.001


def test_a_monitor_keeps_the_weights_of_its_best_check(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_101"], per_class=3)
    network, patches = _sampler_and_network(ws)
    scores, snapshots = iter([0.2, 0.9, 0.4]), []

    def monitor(net):
        assert not net.training  # scored in eval mode
        snapshots.append({k: v.clone() for k, v in net.state_dict().items()})
        return next(scores)

    with patches:
        run = optimise(
            network, fast(check_steps=2), patches, 6, torch.device("cpu"), lambda *a: None, lambda: None,
            monitor,
        )  # fmt: skip
    assert run.steps == 6 and run.selected_step == 4 and len(snapshots) == 3
    state = network.state_dict()
    assert all(torch.equal(state[k], snapshots[1][k]) for k in state)
    assert not all(torch.equal(state[k], snapshots[2][k]) for k in state)


def test_step_counts_follow_steps_then_click_epochs_then_frame_epochs_then_the_default():
    from isage_core.settings import TrainSettings
    from isage_core.training.optimiser import schedule_steps

    assert schedule_steps(TrainSettings(steps=7, epochs=3), 50, warm=True, frames=9) == 7
    assert schedule_steps(TrainSettings(epochs=3, batch_size=4), 50, warm=True) == 3 * 13  # a patch per click
    frames = TrainSettings(frame_epochs=20, batch_size=10)
    assert [schedule_steps(frames, 50, warm=True, frames=n) for n in (1, 5, 30, 31)] == [2, 10, 60, 62]
    assert schedule_steps(TrainSettings(frame_epochs=1, batch_size=10), 5, warm=True, frames=1) == 1
    # the default converges: its floors are the steps of a new model and converge_floor when warm
    assert TrainSettings().step_schedule == "converge" and TrainSettings(steps=5).step_schedule == "fixed"
    assert [schedule_steps(TrainSettings(), 50, warm=w) for w in (False, True)] == [120, 10]
    fixed = TrainSettings(schedule="fixed")
    assert [schedule_steps(fixed, 50, warm=w) for w in (False, True)] == [120, 60]


def test_cpu_steps_run_channels_last_and_bf16_only_where_the_cpu_computes_it(
    tmp_path, bsb_train_frames, monkeypatch
):
    from isage_core.training import optimiser

    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_101"], per_class=2)
    monkeypatch.setattr(optimiser, "cpu_has_native_bf16", lambda: False)
    train_iteration(ws, TINY, fast(steps=2, device="cpu"))
    metrics = ws.record.runs()[-1].metrics
    assert (metrics["precision"], metrics["memory_format"]) == ("fp32", "channels_last")
    monkeypatch.setattr(optimiser, "cpu_has_native_bf16", lambda: True)  # as on AVX-512 BF16 or AMX
    result = train_iteration(ws, TINY, fast(steps=2, device="cpu"))
    metrics = ws.record.runs()[-1].metrics
    assert metrics["precision"] == "bf16" and metrics["final_loss"] > 0  # finite: the run completed
    from safetensors.torch import load_file

    saved = load_file(str(result.model_path))  # float32 weights whatever the steps computed in
    assert all(t.dtype == torch.float32 for t in saved.values() if t.is_floating_point())
    train_iteration(ws, TINY, fast(steps=2, device="cpu", amp=False))  # --no-amp: fp32 whatever the CPU
    assert ws.record.runs()[-1].metrics["precision"] == "fp32"


def test_the_time_budget_starts_the_decay_at_80_percent_and_ends_the_run_at_the_budget():
    from isage_core.settings import TrainSettings

    now = [0.0]
    ts = TrainSettings(time_budget_s=10.0, check_steps=10, fit_target=1.0, max_steps=1000)
    plan = StepPlan(ts, steps=20, clock=lambda: now[0])
    now[0] = 5.0
    plan.checked(10, 0.5, 1.0)
    assert plan.end is None and not plan.finished(10)  # half the budget: on at the constant rate
    now[0] = 8.0
    plan.checked(20, 0.5, 0.9)  # 80 %: the decay starts, sized to the 2 s left at 0.4 s a step
    assert plan.decay_from == 20 and plan.end == 25 and plan.stopped_by == "time_budget"
    assert plan.rate(20) == ts.learning_rate > plan.rate(24)
    now[0] = 10.5
    assert plan.finished(23)  # past the budget: it stops even inside the decay
