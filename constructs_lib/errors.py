"""The one error type a bad configuration raises.

Every rule in the library reports through :class:`ConfigError`, so callers (``main.py``, tests,
platform teams composing the constructs) catch a single ``ValueError`` subclass and print it in one
line. The message always names the field path, the rule, the bad value and the fix.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ConfigError"]


class ConfigError(ValueError):
    """A configuration value breaks a rule; raised before any resource is created.

    The message reads::

        `prod.network.vpc_cidr`: must lie inside an RFC 1918 private range (got '8.8.0.0/16');
        fix: use a private range such as '10.40.0.0/16'

    (on one line; :meth:`one_line` folds any line breaks a long value may carry).
    """

    def __init__(self, path: str, rule: str, value: Any, fix: str) -> None:
        self.path = path
        self.rule = rule
        self.value = value
        self.fix = fix
        super().__init__(f"`{path}`: {rule} (got {value!r}); fix: {fix}")

    def one_line(self) -> str:
        """The message folded onto a single line, as ``main.py`` prints it."""
        return " ".join(str(self).split())
