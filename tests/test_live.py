"""Live training on real frames: clicks join and leave the replay as the record changes, the learning rate
decays within a round and restarts on new clicks, the press draws the unseen clicks and anneals within its
budget and closes the round with an exact audit, and nothing is written until then."""

import time

import numpy as np
import pytest
import torch

from isage_core.cancel import CancelToken
from isage_core.errors import Cancelled
from isage_core.live.replay import ReplaySampler
from isage_core.live.trainer import LiveTrainer
from isage_core.live.watch import RecordWatcher
from isage_core.settings import TrainSettings
from isage_core.training.optimiser import LiveSchedule
from tests.test_train import TINY, add_clicks, make_workspace


def live_settings(**kw) -> TrainSettings:
    base = dict(batch_size=2, patch_size=64, stats_samples=4, device="cpu", check_steps=3, max_steps=60)
    return TrainSettings(**{**base, **kw})


def wait_for(condition, timeout=60.0, what="the condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def click_on(ws, name: str, mask: np.ndarray, class_id: int, seed: int):
    rows, cols = np.nonzero(mask == class_id)
    i = np.random.default_rng(seed).integers(len(rows))
    return ws.record.add_click(name, class_id, row=int(rows[i]), col=int(cols[i]), enforce_budget=False)


def test_the_watcher_sees_another_connection_commit(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    watcher = RecordWatcher(ws.record.path)
    assert not watcher.changed()
    ws.record.retract_click(ws.record.clicks()[0].uid, reason="test")
    assert watcher.changed() and not watcher.changed()
    watcher.close()


def test_the_replay_draws_new_clicks_first_and_drops_a_retracted_one_at_once(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=2)
    frames = {"bsb_1": ws.record.frame("bsb_1").path}
    clicks = ws.record.clicks()
    sampler = ReplaySampler(range(5), [1, 2, 3], [0.0] * 3, [1.0] * 3, 64, seed=0, fresh_draws=2)
    assert sampler.update(clicks[:4], frames) == (4, 0) and sampler.pending == 8
    first = [sampler.anchor(sampler.choose())[1:] for _ in range(8)]
    assert sorted(set(first)) == sorted({(c.row, c.col) for c in clicks[:4]})  # each new one, twice
    sampler.update(clicks, frames)
    due = {(c.row, c.col) for c in clicks[4:]}
    assert {sampler.anchor(sampler.choose())[1:] for _ in range(sampler.pending)} == due
    more = ReplaySampler(range(5), [1, 2, 3], [0.0] * 3, [1.0] * 3, 64, seed=0, fresh_draws=2)
    more.update(clicks, frames)  # 10 new clicks, 20 draws due: a batch of 4 takes one, replays three
    for due in (19, 18, 17):
        more.batch(4)
        assert more.pending == due
    more.close()
    gone = clicks[0]
    assert sampler.update(clicks[1:], frames) == (0, 1)
    anchors = {sampler.anchor(sampler.choose())[1:] for _ in range(300)}
    assert (gone.row, gone.col) not in anchors and len(anchors) == len(clicks) - 1
    sampler.seen.clear()
    for _ in range(20):
        sampler.batch(2)
    assert sampler.seen and gone.uid not in sampler.seen and sampler.seen <= {c.uid for c in clicks[1:]}
    sampler.close()


def test_live_training_follows_the_record_and_the_press_writes_an_exact_audit(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    path, mask = bsb_train_frames["bsb_1"]
    events: list[dict] = []
    trainer = LiveTrainer(ws.folder, TINY, live_settings(), events.append, poll_s=0.05, status_every_s=0)
    trainer.start()
    try:
        wait_for(lambda: trainer.state == "training" and len(trainer.losses) >= 2, what="training")
        assert not list(ws.models_dir.glob("*.safetensors")) and not ws.record.runs()  # nothing written
        late = click_on(ws, "bsb_1", mask, 2, seed=5)
        wait_for(lambda: late.uid in trainer.sampler.seen, what="the new click drawn")
        doomed = click_on(ws, "bsb_1", mask, 4, seed=6)
        wait_for(lambda: doomed.uid in trainer.sampler.seen, what="the second click drawn")
        ws.record.retract_click(doomed.uid, reason="wrong class")
        wait_for(lambda: doomed.uid not in {c.uid for c in trainer.sampler.clicks}, what="the retraction")
        with trainer.paused():
            steps = len(trainer.losses)
            time.sleep(0.3)
            assert len(trainer.losses) == steps  # held at a step boundary
            result = trainer.close()
        run = ws.record.runs()[-1]
        alive = ws.record.clicks()
        assert result.iteration == 0 and run.clicks_hash == ws.record.clicks_hash(0)
        assert run.clicks_used == len(alive) == 6 and run.metrics["mode"] == "live"
        assert run.metrics["stopped_by"] == "live" and run.metrics["steps"] >= steps
        assert run.metrics["clicks_seen_retracted"] == [doomed.uid]
        assert set(run.metrics["clicks_seen"]) == {c.uid for c in alive} | {doomed.uid}
        assert run.metrics["clicks_unseen"] == []
        # the next round opens on iteration 1, warm from the model just written, and idles once fit
        click_on(ws, "bsb_1", mask, 1, seed=9)
        wait_for(lambda: trainer.round is not None and trainer.round.iteration == 1, what="round 1")
        assert trainer.round.origin.startswith("warm-start:models/iteration_000")
        assert trainer.sampler.pending <= trainer.fresh_draws  # round 0's clicks are replayed, not due
    finally:
        trainer.stop()
    states = {e["state"] for e in events}
    assert {"training", "paused", "stopped"} <= states and all(e["event"] == "live" for e in events)


def test_a_class_without_clicks_waits_and_a_cancelled_press_writes_nothing(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    first = ws.record.clicks()[0]
    ws.record.retract_click(first.uid, reason="test")
    path, mask = bsb_train_frames["bsb_1"]
    trainer = LiveTrainer(ws.folder, TINY, live_settings(), lambda e: None, poll_s=0.05)
    trainer.start()
    try:
        wait_for(lambda: trainer.state == "waiting" and "has no clicks" in trainer.message, what="waiting")
        add_clicks(ws, "bsb_1", mask, 1, np.random.default_rng(3))
        wait_for(lambda: trainer.state == "training", what="training once every class has a click")
        click_on(ws, "bsb_1", mask, 3, seed=11)
        token = CancelToken()
        token.cancel("stopped by test")
        with trainer.paused(), pytest.raises(Cancelled):
            trainer.close(cancel=token)
        assert not ws.record.runs() and not list(ws.models_dir.glob("*.safetensors"))
        wait_for(lambda: trainer.state == "training" and trainer.sampler.pending == 0, what="going on")
        assert trainer.schedule.pace > 0  # the rate decays again after the cancelled press
    finally:
        trainer.stop()
    assert trainer.state == "stopped"


def test_the_live_preview_maps_the_window_around_the_newest_click(tmp_path, bsb_train_frames):
    import rasterio

    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    path, mask = bsb_train_frames["bsb_1"]
    events: list[dict] = []
    trainer = LiveTrainer(ws.folder, TINY, live_settings(), events.append, poll_s=0.05, preview_every_s=0.0)
    trainer.start()
    try:
        wait_for(lambda: any("preview" in e for e in events), what="the first preview")
        newest = click_on(ws, "bsb_1", mask, 3, seed=21)
        wait_for(lambda: any(e.get("preview") and e["clicks"] == 6 for e in events), what="the next preview")
    finally:
        trainer.stop()
    preview = next(e for e in events if e.get("preview") and e["clicks"] == 6)
    assert preview["frame"] == "bsb_1" and preview["iteration"] == 0
    with rasterio.open(preview["preview"]) as out, rasterio.open(path) as frame:
        classes = out.read(1)
        assert out.crs == frame.crs and out.res == frame.res and out.dtypes[0] == "uint8"
        assert out.height == min(768, frame.height) and out.width == min(768, frame.width)
        row, col = rasterio.transform.rowcol(out.transform, *frame.xy(newest.row, newest.col))
        assert 0 <= row < out.height and 0 <= col < out.width  # the window holds the newest click
    assert set(np.unique(classes)) <= {0, 1, 2, 3, 4, 255}
    assert ws.folder / "live" == type(ws.folder)(preview["preview"]).parent and not ws.record.runs()


def test_the_live_schedule_restarts_and_anneals_in_the_steps_given():
    ts = live_settings(steps_per_run=5)
    plan, floor = LiveSchedule(ts), ts.learning_rate * ts.final_lr_fraction
    rates = []
    while not plan.annealed:
        rates.append(plan.rate())
        plan.advance()
    assert len(rates) == 5 and rates[0] == ts.learning_rate and rates == sorted(rates, reverse=True)
    assert rates[-1] == pytest.approx(floor) and plan.steps_left == 0
    plan.restart()
    plan.advance()
    decayed = plan.rate()
    assert decayed < ts.learning_rate and plan.steps_left == 4
    plan.anneal(3)
    assert plan.steps_left == 3
    rates = []
    while not plan.annealed:
        rates.append(plan.rate())
        plan.advance()
    assert rates[0] == decayed and len(rates) == 3 and rates[-1] == pytest.approx(floor)
    assert LiveSchedule(live_settings(lr_schedule="constant")).annealed


def test_the_rate_decays_between_clicks_restarts_on_a_new_one_and_idles_at_the_floor(
    tmp_path, bsb_train_frames
):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    path, mask = bsb_train_frames["bsb_1"]
    ts = live_settings(steps_per_run=6, fit_target=0.01)
    trainer = LiveTrainer(ws.folder, TINY, ts, lambda e: None)
    peak, floor = ts.learning_rate, ts.learning_rate * ts.final_lr_fraction
    try:
        assert trainer.train_for(4) == 4  # the clicks may fit at the check of step 3, the rate is not low yet
        assert trainer.rates[0] == peak and trainer.rates == sorted(trainer.rates, reverse=True)
        assert len(set(trainer.rates)) == 4 and not trainer.settled
        click_on(ws, "bsb_1", mask, 2, seed=5)
        done = trainer.train_for(60)
        rates = trainer.rates[4:]
        assert rates[0] == peak and trainer.status()["learning_rate"] == pytest.approx(floor, rel=1e-3)
        first_floor = next(i for i, r in enumerate(rates) if r == pytest.approx(floor))
        assert rates[: first_floor + 1] == sorted(rates[: first_floor + 1], reverse=True) and first_floor == 5
        assert done < 60 and trainer.settled and rates[-1] == pytest.approx(floor)  # fit, at the floor: idle
        assert trainer.train_for(5) == 0
    finally:
        trainer.stop()


def _closed(trainer, ws) -> dict:
    with trainer.paused():  # no thread: returns at once
        trainer.close()
    return ws.record.runs()[-1].metrics


def test_the_press_draws_a_late_click_then_anneals_what_is_left_of_the_cycle(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    path, mask = bsb_train_frames["bsb_1"]
    ts = live_settings(steps_per_run=8, fit_target=0.2, press_budget_s=None)
    trainer = LiveTrainer(ws.folder, TINY, ts, lambda e: None)
    trainer.train_for(2)
    late = click_on(ws, "bsb_1", mask, 3, seed=7)  # the press right after a click, which restarts the cycle
    metrics = _closed(trainer, ws)
    close, rates = metrics["timings"]["close_steps"], trainer.rates[2:]
    assert close == 8 and late.uid in metrics["clicks_seen"] and metrics["clicks_unseen"] == []
    assert rates[0] == ts.learning_rate and rates == sorted(rates, reverse=True) and len(set(rates)) == 8
    assert metrics["final_learning_rate"] == pytest.approx(ts.learning_rate * ts.final_lr_fraction)
    assert metrics["close_stopped_by"] == ("fit" if metrics["fit_rates"][-1] >= ts.fit_target else "unfit")
    assert metrics["stopped_by"] == "live" and metrics["steps"] == 2 + close
    trainer.stop()


def test_the_press_anneals_within_its_budget_and_says_whether_the_clicks_fit(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=2)
    ts = live_settings(steps_per_run=1000, fit_target=1.0, max_steps=100_000, press_budget_s=1.5)
    trainer = LiveTrainer(ws.folder, TINY, ts, lambda e: None)
    trainer.train_for(20)  # the new clicks drawn, the rate still near its peak
    assert trainer.sampler.pending == 0 and trainer.schedule.steps_left > 950
    metrics = _closed(trainer, ws)
    fit = metrics["fit_rates"][-1] >= ts.fit_target  # the last check: every labelled pixel fit, or not
    assert metrics["close_stopped_by"] == ("fit" if fit else "unfit")
    assert metrics["timings"]["steps_s"] < 1.5 + 1.5  # the budget, and a slow step or two
    assert 1 <= metrics["timings"]["close_steps"] < 100
    assert metrics["final_learning_rate"] == pytest.approx(ts.learning_rate * ts.final_lr_fraction)
    trainer.stop()


@pytest.mark.parametrize("decay", [0.5, None])
def test_the_press_writes_the_moving_average_of_the_weights_or_the_last_step(
    tmp_path, bsb_train_frames, decay
):
    from safetensors.torch import load_file

    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    ts = live_settings(steps_per_run=6, fit_target=1.0, press_budget_s=None)
    trainer = LiveTrainer(ws.folder, TINY, ts, lambda e: None, average_decay=decay)
    trainer.train_for(4)
    network, average = trainer.stepper.network, trainer.average
    metrics = _closed(trainer, ws)
    written = load_file(str(ws.model_path(0)))
    last = {k: v.detach().contiguous() for k, v in network.state_dict().items()}
    weights = [k for k, v in written.items() if v.is_floating_point() and v.numel() > 100]
    same_as_last = all(torch.equal(written[k], last[k]) for k in weights)
    if decay is None:
        assert average is None and same_as_last and metrics["closed_weights"] == "last step"
    else:
        averaged = {k: v.detach().contiguous() for k, v in average.module.state_dict().items()}
        assert all(torch.equal(written[k], averaged[k]) for k in written) and not same_as_last
        assert metrics["closed_weights"] == "moving average" and int(average.n_averaged) == metrics["steps"]
    trainer.stop()


def test_a_round_opened_on_the_model_just_closed_idles_until_a_new_click(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    path, mask = bsb_train_frames["bsb_1"]
    ts = live_settings(steps_per_run=4, fit_target=1e-9)
    trainer = LiveTrainer(ws.folder, TINY, ts, lambda e: None)
    trainer.train_for(3)
    _closed(trainer, ws)
    try:
        assert trainer.train_for(5) == 0 and trainer.settled  # opens the next iteration's round, warm: idle
        assert trainer.status()["rests"] == "closed"
        assert trainer.round.iteration == 1 and trainer.status()["learning_rate"] == pytest.approx(
            ts.learning_rate * ts.final_lr_fraction, rel=1e-3
        )
        click_on(ws, "bsb_1", mask, 2, seed=11)
        assert trainer.train_for(2) == 2 and trainer.rates[0] == ts.learning_rate  # a new click: the peak
        assert trainer.status()["rests"] is None
    finally:
        trainer.stop()
