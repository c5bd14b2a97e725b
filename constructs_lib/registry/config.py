"""Typed configuration of the registry tier: the ECR repositories of an environment."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from constructs_lib.validation import require

__all__ = ["RepositorySpec", "TagMutability"]

_REPOSITORY_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")


class TagMutability(enum.Enum):
    """Whether a pushed tag may be moved to another image."""

    IMMUTABLE = "IMMUTABLE"
    MUTABLE = "MUTABLE"


@dataclass(frozen=True)
class RepositorySpec:
    """One ECR repository, named ``<project>/<env>/<name>`` in AWS so environments never clash."""

    #: Repository name inside the environment, e.g. ``plant-processor`` or ``apps/api``.
    name: str
    #: Default IMMUTABLE: a tag always means the same image. Prod refuses MUTABLE.
    tag_mutability: TagMutability = TagMutability.IMMUTABLE

    def validate(self, path: str, *, production: bool) -> None:
        """Check the repository's own rules; raises ConfigError."""
        require(
            isinstance(self.name, str) and len(self.name) <= 200 and _REPOSITORY_NAME.match(self.name) is not None,
            f"{path}.name",
            "must be an ECR repository name: lowercase letters, digits, '.', '_', '-' and '/' between parts",
            self.name,
            "use a name such as 'plant-processor' or 'apps/api'",
        )
        require(
            isinstance(self.tag_mutability, TagMutability),
            f"{path}.tag_mutability",
            "must be IMMUTABLE or MUTABLE",
            self.tag_mutability,
            "use TagMutability.IMMUTABLE",
        )
        require(
            not (production and self.tag_mutability is TagMutability.MUTABLE),
            f"{path}.tag_mutability",
            "must be IMMUTABLE in prod, so a deployed tag can never be overwritten",
            self.tag_mutability.value,
            "use TagMutability.IMMUTABLE and push a new tag per build",
        )
