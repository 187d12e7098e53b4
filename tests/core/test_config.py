import pytest

from haard.core.config import ConfigError, env_bool, env_choice, env_int, env_list, env_str


def test_defaults_apply_when_unset_or_blank() -> None:
    assert env_str("X", "d", env={}) == "d"
    assert env_int("X", 3, env={"X": "  "}) == 3
    assert env_bool("X", True, env={}) is True
    assert env_list("X", ["a"], env={}) == ["a"]


def test_values_are_converted() -> None:
    assert env_int("X", 0, env={"X": "42"}) == 42
    assert env_bool("X", False, env={"X": "Yes"}) is True
    assert env_bool("X", True, env={"X": "off"}) is False
    assert env_list("X", env={"X": "a.nl, b.nl,,"}) == ["a.nl", "b.nl"]
    assert env_choice("X", "a", ("a", "b"), env={"X": "b"}) == "b"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: env_int("HAARD_N", 1, env={"HAARD_N": "ten"}), "HAARD_N must be a whole number"),
        (lambda: env_int("HAARD_N", 1, minimum=1, env={"HAARD_N": "0"}), "HAARD_N must be at least 1"),
        (lambda: env_int("HAARD_N", 1, maximum=5, env={"HAARD_N": "9"}), "HAARD_N must be at most 5"),
        (lambda: env_bool("HAARD_B", False, env={"HAARD_B": "maybe"}), "HAARD_B must be one of"),
        (
            lambda: env_choice("HAARD_ENV", "a", ("a", "b"), env={"HAARD_ENV": "c"}),
            "HAARD_ENV must be one of a, b",
        ),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(call, message) -> None:
    with pytest.raises(ConfigError, match=message):
        call()
