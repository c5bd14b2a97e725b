"""Typed configuration of the application workloads of an environment."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs_lib.validation import require, require_dns_label, require_range

__all__ = ["ApplicationSpec"]

_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


@dataclass(frozen=True)
class ApplicationSpec:
    """One application (seed 002's api / admin / worker / monitoring)."""

    #: DNS-1123 label; also the application's namespace and service-account name.
    name: str
    #: Name of a repository in the environment's ``repositories`` that holds its image.
    repository: str
    #: Pinned image tag; ``latest`` is refused because it makes rollouts unrepeatable.
    image_tag: str
    #: Container port the application listens on. Default 8080: unprivileged, no NET_BIND_SERVICE.
    port: int = 8080
    #: Replicas when the autoscaler is not yet active, and the HPA's floor. Default 2: survives a node.
    replicas: int = 2

    def validate(self, path: str) -> None:
        """Check the application's own rules; raises ConfigError."""
        require_dns_label(f"{path}.name", self.name, max_length=40)
        require(
            isinstance(self.image_tag, str) and _IMAGE_TAG.match(self.image_tag) is not None and self.image_tag != "latest",
            f"{path}.image_tag",
            "must be a pinned image tag (not 'latest')",
            self.image_tag,
            "use a release tag such as 'v1.4.2'",
        )
        require_range(f"{path}.port", self.port, 1024, 65535, fix="listen on an unprivileged port such as 8080")
        require_range(f"{path}.replicas", self.replicas, 1, 100)
