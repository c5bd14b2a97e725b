"""Typed ECR lifecycle rules: rendering, automatic priorities, and every rule ECR or we impose."""

from __future__ import annotations

import json
from typing import Any

import pytest

from constructs_lib.errors import ConfigError
from constructs_lib.registry.config import (
    DEFAULT_LIFECYCLE_RULES,
    LifecycleRule,
    TagStatus,
    default_lifecycle_rules,
    render_lifecycle_policy,
)


def _render(*rules: LifecycleRule) -> dict[str, Any]:
    return dict(json.loads(render_lifecycle_policy("rules", rules)))


def test_default_rules_render_seed_000_keep_last_5_tagged_v() -> None:
    assert _render(*DEFAULT_LIFECYCLE_RULES)["rules"][0] == {
        "rulePriority": 1,
        "description": "keep the last 5 images tagged v*",
        "selection": {
            "tagStatus": "tagged",
            "tagPrefixList": ["v"],
            "countType": "imageCountMoreThan",
            "countNumber": 5,
        },
        "action": {"type": "expire"},
    }


def test_default_rules_expire_untagged_after_14_days() -> None:
    assert _render(*DEFAULT_LIFECYCLE_RULES)["rules"][1] == {
        "rulePriority": 2,
        "description": "expire untagged images after 14 days",
        "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
        "action": {"type": "expire"},
    }


def test_default_rules_are_configurable() -> None:
    rules = default_lifecycle_rules(keep_releases=10, release_prefixes=("v", "release-"), untagged_expiry_days=3)
    rendered = _render(*rules)["rules"]
    assert [r["selection"]["countNumber"] for r in rendered] == [10, 3]


def test_priorities_follow_tuple_order() -> None:
    rules = (
        LifecycleRule(description="untagged", tag_status=TagStatus.UNTAGGED, max_age_days=1),
        LifecycleRule(description="releases", tag_status=TagStatus.TAGGED, tag_prefixes=("v",), keep_count=3),
        LifecycleRule(description="everything else", tag_status=TagStatus.ANY, max_age_days=90),
    )
    assert [r["rulePriority"] for r in _render(*rules)["rules"]] == [1, 2, 3]


def test_any_rule_renders_without_prefixes() -> None:
    rule = LifecycleRule(description="cap", tag_status=TagStatus.ANY, keep_count=100)
    assert _render(rule)["rules"][0]["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": 100,
    }


def test_rendering_is_compact_and_deterministic() -> None:
    first = render_lifecycle_policy("r", DEFAULT_LIFECYCLE_RULES)
    assert first == render_lifecycle_policy("r", DEFAULT_LIFECYCLE_RULES)
    assert first.startswith('{"rules":[{"rulePriority":1,"description":')


def test_empty_rules_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"`rules`: must hold at least one rule"):
        render_lifecycle_policy("rules", ())


def test_count_and_age_together_are_refused() -> None:
    rule = LifecycleRule(description="both", tag_status=TagStatus.UNTAGGED, keep_count=1, max_age_days=1)
    with pytest.raises(ConfigError, match=r"`rules\[0\]`: supply exactly one of `keep_count` or `max_age_days`"):
        _render(rule)


def test_neither_count_nor_age_is_refused() -> None:
    rule = LifecycleRule(description="neither", tag_status=TagStatus.UNTAGGED)
    with pytest.raises(ConfigError, match=r"supply exactly one of `keep_count` or `max_age_days`"):
        _render(rule)


def test_count_below_one_is_refused() -> None:
    rule = LifecycleRule(description="zero", tag_status=TagStatus.TAGGED, tag_prefixes=("v",), keep_count=0)
    with pytest.raises(ConfigError, match=r"`rules\[0\].keep_count`: must be a whole number from 1 .*keep at least 1"):
        _render(rule)


def test_age_below_one_day_is_refused() -> None:
    rule = LifecycleRule(description="zero", tag_status=TagStatus.UNTAGGED, max_age_days=0)
    with pytest.raises(ConfigError, match=r"`rules\[0\].max_age_days`: must be a whole number from 1 to 3650"):
        _render(rule)


def test_tagged_without_prefixes_is_refused() -> None:
    rule = LifecycleRule(description="no prefix", tag_status=TagStatus.TAGGED, keep_count=5)
    with pytest.raises(ConfigError, match=r"`rules\[0\].tag_prefixes`: a TAGGED rule must list the tag prefixes"):
        _render(rule)


def test_prefixes_on_untagged_are_refused() -> None:
    rule = LifecycleRule(description="prefix", tag_status=TagStatus.UNTAGGED, tag_prefixes=("v",), max_age_days=5)
    with pytest.raises(ConfigError, match=r"only TAGGED rules select by tag prefix; a UNTAGGED rule must not"):
        _render(rule)


def test_prefixes_on_any_are_refused() -> None:
    rule = LifecycleRule(description="prefix", tag_status=TagStatus.ANY, tag_prefixes=("v",), max_age_days=5)
    with pytest.raises(ConfigError, match=r"a ANY rule must not list any"):
        _render(rule)


def test_invalid_tag_prefix_is_refused() -> None:
    rule = LifecycleRule(description="bad", tag_status=TagStatus.TAGGED, tag_prefixes=("v*",), keep_count=5)
    with pytest.raises(ConfigError, match=r"`rules\[0\].tag_prefixes\[0\]`: must be the start of an image tag"):
        _render(rule)


def test_duplicate_tag_prefix_is_refused() -> None:
    rule = LifecycleRule(description="dup", tag_status=TagStatus.TAGGED, tag_prefixes=("v", "v"), keep_count=5)
    with pytest.raises(ConfigError, match=r"`rules\[0\].tag_prefixes`: tag prefix must be unique"):
        _render(rule)


def test_empty_description_is_refused() -> None:
    rule = LifecycleRule(description=" ", tag_status=TagStatus.UNTAGGED, max_age_days=5)
    with pytest.raises(ConfigError, match=r"`rules\[0\].description`: must be a non-empty text"):
        _render(rule)


def test_tag_status_must_be_the_enum() -> None:
    rule = LifecycleRule(description="str", tag_status="tagged", tag_prefixes=("v",), keep_count=5)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"`rules\[0\].tag_status`: must be TAGGED, UNTAGGED or ANY"):
        _render(rule)


def test_any_rule_not_last_is_refused() -> None:
    rules = (
        LifecycleRule(description="cap", tag_status=TagStatus.ANY, keep_count=100),
        LifecycleRule(description="untagged", tag_status=TagStatus.UNTAGGED, max_age_days=1),
    )
    with pytest.raises(ConfigError, match=r"`rules\[0\].tag_status`: an ANY rule must be the last rule"):
        _render(*rules)


def test_duplicate_selection_is_refused() -> None:
    rules = (
        LifecycleRule(description="first", tag_status=TagStatus.UNTAGGED, max_age_days=1),
        LifecycleRule(description="second", tag_status=TagStatus.UNTAGGED, max_age_days=30),
    )
    with pytest.raises(ConfigError, match=r"`rules\[1\]`: selects the same images as rule 0"):
        _render(*rules)


def test_same_prefixes_in_another_order_are_a_duplicate_selection() -> None:
    rules = (
        LifecycleRule(description="a", tag_status=TagStatus.TAGGED, tag_prefixes=("v", "r"), keep_count=1),
        LifecycleRule(description="b", tag_status=TagStatus.TAGGED, tag_prefixes=("r", "v"), keep_count=2),
    )
    with pytest.raises(ConfigError, match=r"selects the same images as rule 0"):
        _render(*rules)
