"""Simulated time per frame follows the speed, pauses, clamps stalls and stops at the level's end."""

import pytest

from factory_game.game.clock import BASE_RATE, MAX_FRAME_S, SPEEDS, SimClock


def test_speed_scales_simulated_time_per_frame():
    steps = {}
    for speed in SPEEDS:
        clock = SimClock(10**9, speed)
        steps[speed] = clock.target(0, 1 / 60)
    assert steps[1] == int(1000 * BASE_RATE / 60)
    for speed in SPEEDS[1:]:
        assert abs(steps[speed] - speed * steps[1]) <= speed


def test_pause_and_end_stop_time():
    clock = SimClock(5000, 16)
    clock.toggle_pause()
    assert clock.target(100, 0.05) == 100
    clock.toggle_pause()
    assert clock.target(4990, 0.05) == 5000
    assert clock.finished(5000)


def test_a_stall_does_not_fast_forward():
    clock = SimClock(10**9, 1)
    assert clock.target(0, 3.0) == int(MAX_FRAME_S * 1000 * BASE_RATE)
    with pytest.raises(ValueError):
        clock.set_speed(3)


def test_an_endless_clock_never_finishes():
    clock = SimClock(None, 16)
    assert not clock.finished(10**12)
    assert clock.target(10**12, 0.05) > 10**12
