"""Fast loading of the prebuilt cdktf provider packages.

Why this module exists
----------------------
``import cdktf_cdktf_provider_aws`` runs the package ``__init__``, which imports all 2,214 resource
submodules (each one a large generated Python file); aws + kubernetes + helm cost ~19 s per process.
The resources themselves live in the package's jsii assembly (``<pkg>/_jsii``); a submodule such as
``cdktf_cdktf_provider_aws.vpc`` needs only that assembly and its own file.

What it does
------------
:func:`install` registers, for each provider package, a *light* package object in ``sys.modules``:
the same ``__path__``/``__spec__`` as the real package, but without running its ``__init__``. It
costs a few milliseconds and starts no Node process. After that,
``from cdktf_cdktf_provider_aws.vpc import Vpc`` imports exactly one submodule, and that submodule's
``from .._jsii import *`` loads the package's jsii assembly on first use. Attribute access on
the light package (``cdktf_cdktf_provider_aws.vpc``) imports the submodule on demand (PEP 562), so
code that expects the eager package keeps working.

Robustness
----------
* A package that is already imported (eagerly, by the user) is left alone.
* A package whose layout differs (not a regular package, no ``_jsii`` submodule, not installed from a
  directory) is imported the ordinary, eager way: slower, never wrong.
* ``CONSTRUCTS_LIB_EAGER_PROVIDERS=1`` forces the eager path; the test suite uses it to prove that
  both paths synthesize byte-identical JSON.

``constructs_lib/__init__.py`` calls :func:`install` before any construct module imports a provider.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

__all__ = ["EAGER_ENV_VAR", "PROVIDER_PACKAGES", "install", "loaded_mode", "silence_node_banner"]

#: The provider packages this library uses, in the order their assemblies are loaded.
PROVIDER_PACKAGES: tuple[str, ...] = (
    "cdktf_cdktf_provider_aws",
    "cdktf_cdktf_provider_kubernetes",
    "cdktf_cdktf_provider_helm",
)

#: Set to ``1`` to import the provider packages eagerly (the packages' own behaviour).
EAGER_ENV_VAR = "CONSTRUCTS_LIB_EAGER_PROVIDERS"

#: jsii prints a multi-line "Node 20 is end-of-life" banner on every run unless this is set.
NODE_BANNER_ENV_VAR = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"

_MODES: dict[str, str] = {}


def silence_node_banner() -> None:
    """Silence jsii's Node end-of-life banner for this process and the jsii kernel it starts.

    The kernel (a Node child process) inherits ``os.environ``, so this must run before the first
    jsii assembly is loaded; a value the user already set is kept.
    """
    os.environ.setdefault(NODE_BANNER_ENV_VAR, "20")


def _light_package(name: str) -> types.ModuleType | None:
    """A package object for ``name`` whose ``__init__`` has not run, or None if the layout differs."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations or spec.origin is None:
        return None
    locations = list(spec.submodule_search_locations)
    if not any(os.path.isfile(os.path.join(loc, "_jsii", "__init__.py")) for loc in locations):
        return None
    module = importlib.util.module_from_spec(spec)  # sets __path__, __spec__, __file__, __loader__

    def __getattr__(attribute: str) -> Any:  # PEP 562: load a submodule on first access
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        try:
            return importlib.import_module(f"{name}.{attribute}")
        except ModuleNotFoundError as error:
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}") from error

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    return module


def install(packages: Iterable[str] = PROVIDER_PACKAGES) -> dict[str, str]:
    """Make ``packages`` importable submodule by submodule; return how each one was loaded.

    The result maps package name to ``"light"`` (fast path), ``"eager"`` (full import, by request or
    because the layout differs) or ``"preloaded"`` (already imported before this call).
    """
    silence_node_banner()
    eager = os.environ.get(EAGER_ENV_VAR, "") not in ("", "0")
    for name in packages:
        if name in _MODES:
            continue
        if name in sys.modules:
            _MODES[name] = "preloaded"
            continue
        module = None if eager else _light_package(name)
        if module is None:
            importlib.import_module(name)
            _MODES[name] = "eager"
            continue
        sys.modules[name] = module
        _MODES[name] = "light"
    return dict(_MODES)


def loaded_mode(package: str) -> str | None:
    """How ``package`` was loaded by :func:`install` (``light``, ``eager``, ``preloaded``), if at all."""
    return _MODES.get(package)
