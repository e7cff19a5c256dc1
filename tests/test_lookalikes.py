"""The look-alike set (bench/data/lookalikes_fi.json) and its scoring (bench/lookalikes.py): the
shipped file is valid, validation names the case and the field, scores agree with hand counts."""

from __future__ import annotations

import copy
import doctest
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bench.lookalikes as lk
from bench.lookalikes import CEILING, K, build_event, load, render, run, score, theme_check

N_CASES = 20


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return json.loads(lk.PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def event() -> lk.LookalikeEvent:
    return build_event(load())


def test_the_shipped_file_loads_with_the_promised_counts() -> None:
    cases = load()
    assert len(cases) == N_CASES
    assert len({c.code for c in cases}) == N_CASES
    for c in cases:
        assert len(c.providers) == 3 and len(c.distractors) == 2, c.code
        assert len(c.seeker.needs) == 1 and len(c.seeker.offers) == 1, c.code
        assert all(len(o.offers) == 1 and len(o.needs) <= 1 for o in (*c.providers, *c.distractors)), c.code


def test_the_file_says_what_it_is(raw: dict[str, Any]) -> None:
    assert "hand" in raw["about"] and "distractor" in raw["about"]


def test_answers_are_other_organisations_of_other_sectors(event: lk.LookalikeEvent) -> None:
    ps = event.profiles
    for s in event.seekers:
        others = event.good[s] | event.distractors[s]
        assert not event.good[s] & event.distractors[s]
        assert len(others) == 5 and s not in others
        for j in others:
            assert ps[j].organisation != ps[s].organisation
            assert ps[j].sector != ps[s].sector, (ps[s].id, ps[j].id)
    assert len({p.organisation for p in ps}) == len(ps), "every organisation name is unique"
    assert len({p.id for p in ps}) == len(ps)


def test_no_statement_appears_twice(event: lk.LookalikeEvent) -> None:
    statements = [s for p in event.profiles for s in (*p.offers, *p.needs)]
    assert (
        len(statements)
        == len(set(statements))
        == N_CASES * (2 + 5) + sum(len(p.needs) for p in event.profiles if not p.id.endswith("-seeker"))
    )
    assert all(4 <= len(s.split()) <= 20 for s in statements)


def test_profiles_follow_the_file_order(event: lk.LookalikeEvent) -> None:
    assert event.seekers == tuple(range(0, 6 * N_CASES, 6))
    first = event.profiles[:6]
    assert [p.id.split("-")[-1] for p in first] == ["seeker", "p1", "p2", "p3", "d1", "d2"]
    assert all(p.language == "fi" and p.region is None for p in event.profiles)
    assert build_event(load()).profiles == event.profiles, "deterministic"


def test_sector_mix_of_providers_and_distractors_is_alike(event: lk.LookalikeEvent) -> None:
    ps = event.profiles

    def shares(groups: dict[int, frozenset[int]]) -> dict[str, float]:
        c = Counter(ps[j].sector for s in event.seekers for j in groups[s])
        return {k: v / sum(c.values()) for k, v in c.items()}

    good, bad = shares(event.good), shares(event.distractors)
    assert all(abs(good.get(k, 0) - bad.get(k, 0)) <= 0.1 for k in {*good, *bad})


def test_themes_do_not_give_the_answer_away(event: lk.LookalikeEvent) -> None:
    providers, distractors = theme_check(event)
    assert 0 < providers < 1 and 0 < distractors < 1
    assert abs(providers - distractors) < 0.1


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _bad(raw: dict[str, Any], edit: str) -> tuple[dict[str, Any], str, str]:
    """A copy of the first two cases with one fault, and the case code and field the error must name."""
    data = copy.deepcopy({"about": raw["about"], "cases": raw["cases"][:2]})
    case = data["cases"][0]
    code = case["code"]
    if edit == "sector":
        case["providers"][0]["sector"] = "government"
    elif edit == "themes":
        case["distractors"][1]["themes"] = ["no_such_theme"]
    elif edit == "providers":
        case["providers"] = case["providers"][:2]
    elif edit == "distractors":
        case["distractors"].append(copy.deepcopy(data["cases"][1]["distractors"][0]))
    elif edit == "needs":
        case["seeker"]["needs"] = []
    elif edit == "offers":
        data["cases"][1]["providers"][2]["offers"] = list(case["providers"][1]["offers"])
        code = data["cases"][1]["code"]
    elif edit == "name":
        data["cases"][1]["seeker"]["name"] = case["distractors"][0]["name"]
        code = data["cases"][1]["code"]
    elif edit == "cross-sector":
        case["providers"][1]["sector"] = case["seeker"]["sector"]
        edit = "sector"
    return data, code, edit


@pytest.mark.parametrize(
    "edit", ["sector", "themes", "providers", "distractors", "needs", "offers", "name", "cross-sector"]
)
def test_validation_errors_name_the_case_and_the_field(
    raw: dict[str, Any], tmp_path: Path, edit: str
) -> None:
    data, code, field = _bad(raw, edit)
    with pytest.raises(ValueError) as err:
        load(_write(tmp_path, data))
    assert f"case {code!r}" in str(err.value)
    assert f"field {field!r}" in str(err.value)


def test_a_statement_too_short_or_a_bad_code_is_an_error(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy({"about": raw["about"], "cases": raw["cases"][:1]})
    data["cases"][0]["seeker"]["needs"] = ["Tulkkeja"]
    with pytest.raises(ValueError, match=r"'needs'.*1 words"):
        load(_write(tmp_path, data))
    data["cases"][0]["code"] = "Not Snake"
    with pytest.raises(ValueError, match="field 'code'"):
        load(_write(tmp_path, data))


def test_a_copy_of_the_shipped_file_loads(raw: dict[str, Any], tmp_path: Path) -> None:
    assert len(load(_write(tmp_path, raw))) == N_CASES


def _empty(event: lk.LookalikeEvent) -> list[list[int]]:
    return [[] for _ in event.profiles]


def test_score_on_hand_made_lists(event: lk.LookalikeEvent) -> None:
    lists = _empty(event)
    s0, s1 = event.seekers[:2]
    p = sorted(event.good[s0])
    d = sorted(event.distractors[s0])
    lists[s0] = [d[0], p[0], s1, p[1], s1 + 1]  # 2 providers (ranks 2 and 4), 1 distractor
    lists[s1] = sorted(event.distractors[s1])  # both distractors, no provider
    lists[p[2]] = [s0]  # not a seeker: not scored
    s = score(lists, event)
    assert s.precision[:2] == [0.4, 0.0] and s.precision[2:] == [0.0] * (N_CASES - 2)
    assert s.recall[0] == pytest.approx(2 / 3)
    assert s.rr[:2] == [0.5, 0.0]
    assert s.distractor_hits[:2] == [1, 2]
    assert s.distractors_first[:2] == [1, 2]  # seeker 0's distractor is 1st; seeker 1's are 1st and 2nd
    assert s.distractor_share() == pytest.approx(3 / (2 * N_CASES))
    mean, low, high = s.interval("precision")
    assert mean == pytest.approx(0.4 / N_CASES) and low <= mean <= high
    assert s.interval("distractor_share")[0] == pytest.approx((0.5 + 1.0) / N_CASES)
    assert s.interval("first_share")[0] == pytest.approx((0.5 + 1.0) / N_CASES)


def test_the_ceiling_is_three_fifths(event: lk.LookalikeEvent) -> None:
    lists = _empty(event)
    for s in event.seekers:
        answers = event.good[s] | event.distractors[s]
        lists[s] = sorted(event.good[s]) + [j for j in range(len(lists)) if j != s and j not in answers][:2]
    s = score(lists, event)
    assert s.precision == [CEILING] * N_CASES and CEILING == 3 / K
    assert s.recall == [1.0] * N_CASES and s.rr == [1.0] * N_CASES


def test_score_only_looks_at_the_first_k(event: lk.LookalikeEvent) -> None:
    lists = _empty(event)
    s0 = event.seekers[0]
    lists[s0] = [s0 + 6, s0 + 7, s0 + 8, s0 + 9, s0 + 10, *sorted(event.good[s0])]
    assert score(lists, event).precision[0] == 0.0


def test_a_repeated_suggestion_counts_once(event: lk.LookalikeEvent) -> None:
    lists = _empty(event)
    s0 = event.seekers[0]
    p1, d1 = min(event.good[s0]), min(event.distractors[s0])
    lists[s0] = [p1, p1, p1, d1, d1]
    s = score(lists, event)
    assert s.precision[0] == 0.2 and s.distractor_hits[0] == 1
    assert s.distractors_first[0] == 1  # [p1, d1] after the repeats go: d1 is 2nd


def test_a_distractor_after_the_third_place_is_not_counted_first(event: lk.LookalikeEvent) -> None:
    lists = _empty(event)
    s0 = event.seekers[0]
    lists[s0] = [*sorted(event.good[s0]), *sorted(event.distractors[s0])]
    s = score(lists, event)
    assert s.distractor_hits[0] == 2 and s.distractors_first[0] == 0


def test_score_wants_one_list_per_profile(event: lk.LookalikeEvent) -> None:
    with pytest.raises(ValueError, match="lists"):
        score([[]], event)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_precision_is_at_most_the_ceiling_and_shares_are_shares(
    event: lk.LookalikeEvent, data: st.DataObject
) -> None:
    n = len(event.profiles)
    lists = [
        data.draw(st.lists(st.integers(0, n - 1).filter(lambda j, i=i: j != i), max_size=K, unique=True))
        for i in range(n)
    ]
    s = score(lists, event)
    assert all(0 <= p <= CEILING for p in s.precision)
    assert all(0 <= r <= 1 for r in s.recall) and all(0 <= r <= 1 for r in s.rr)
    assert 0 <= s.distractor_share() <= 1
    for name in ("precision", "recall", "rr", "distractor_share"):
        mean, low, high = s.interval(name)
        assert low - 1e-12 <= mean <= high + 1e-12


def test_run_and_render_give_one_row_per_method(event: lk.LookalikeEvent) -> None:
    def oracle(ps: list[Any]) -> list[list[int]]:
        lists = _empty(event)
        for s in event.seekers:
            lists[s] = sorted(event.good[s])
        return lists

    results = run({"oracle": oracle, "nothing": lambda ps: _empty(event)}, event)
    assert results["oracle"].precision == [CEILING] * N_CASES
    table = render(results, event)
    assert "| oracle | 0.600 (0.600-0.600) | 1.000 | 1.000 | 0 / 40 (0 %, 0-0) | 0 / 40 (0 %, 0-0) |" in table
    assert "| nothing |" in table and "3/5 = 0.6" in table and "distractors" in table


def test_docstring_examples_run() -> None:
    result = doctest.testmod(lk, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.slow
def test_the_engine_runs_on_the_set_with_the_hashing_encoder(event: lk.LookalikeEvent) -> None:
    from matcher.embed import Embedder
    from matcher.suggest import SuggestConfig, suggest

    embedder = Embedder("hashing")
    config = SuggestConfig(max_per_organisation=None)

    def engine(ps: list[Any]) -> list[list[int]]:
        index = {p.id: i for i, p in enumerate(ps)}
        return [[index[x.target_id] for x in lst] for lst in suggest(ps, K, config=config, embedder=embedder)]

    s = run({"engine": engine}, event)["engine"]
    assert len(s.precision) == N_CASES
    assert 0 <= s.distractor_share() <= 1
