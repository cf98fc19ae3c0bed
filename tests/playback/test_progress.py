"""The pure resume rules and clamping."""
from app.playback.progress import Resume, ResumeRules, clamp, percent, resume

RULES = ResumeRules(min_percent=5, complete_percent=90, end_margin=10, min_duration=300)


def test_clamp():
    assert clamp(-3, 100) == 0
    assert clamp(150, 100) == 100
    assert clamp(150, 0) == 150  # unknown length: no upper bound


def test_before_five_percent_keeps_no_resume_point():
    assert resume(200, 6000, RULES) == Resume(0.0, False)
    assert resume(400, 6000, RULES) == Resume(400.0, False)


def test_ninety_percent_or_the_last_seconds_complete_the_item():
    assert resume(5400, 6000, RULES) == Resume(0.0, True)
    assert resume(5395, 6000, RULES) == Resume(5395.0, False)
    assert resume(1795, 1800, RULES) == Resume(0.0, True)
    assert resume(6500, 6000, RULES) == Resume(0.0, True)


def test_short_items_keep_no_resume_point_but_complete():
    assert resume(120, 240, RULES) == Resume(0.0, False)
    assert resume(235, 240, RULES) == Resume(0.0, True)


def test_unknown_duration_keeps_the_point():
    assert resume(700, 0, RULES) == Resume(700.0, False)
    assert percent(30, 0) == 0.0 and percent(30, 60) == 50.0
