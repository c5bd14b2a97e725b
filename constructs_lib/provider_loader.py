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
the light package (``cdktf_cdktf_provider_aws.vpc``) imports the submodule on demand (PEP 562), and
its ``__all__`` lists the same submodules as the real package's, so code that expects the eager
package (``from cdktf_cdktf_provider_aws import *`` included) keeps working.

The same waste exists in the jsii kernel (the Node process): loading a provider's assembly makes it
``require()`` the package's ``lib/index.js``, which requires every resource module (267 MB of
JavaScript for aws). Compiling them is most of a process's start-up time and memory. So
:func:`install` also arranges that, right before the first provider assembly is loaded, the kernel
loads ``provider_loader.js`` (packed on the fly as a minimal jsii assembly, through the public
``jsii.load``); that script makes those indexes lazy, and the kernel compiles only the resource
modules a stack uses. See the script's header for what it rewrites and why that is safe. The
trigger is a finder at the front of ``sys.meta_path`` that watches for the first
``cdktf_cdktf_provider_*._jsii`` import; it finds nothing itself, and after that import it stays in
place, inert (it never edits ``sys.meta_path`` while the import system walks it).

Robustness
----------
* A package that is already imported (eagerly, by the user) is left alone.
* A package whose layout differs (not a regular package, no ``_jsii`` submodule, not installed from a
  directory) is imported the ordinary, eager way: slower, never wrong.
* The kernel side works whatever the import order (``cdktf`` may be imported first), as long as
  ``constructs_lib`` is imported before the provider assemblies load. If the kernel refuses the
  script, a warning says so and providers load as shipped.
* ``CONSTRUCTS_LIB_EAGER_PROVIDERS=1`` forces the eager path on both sides; the test suite uses it to
  prove that both paths synthesize byte-identical JSON.

``constructs_lib/__init__.py`` calls :func:`install` before any construct module imports a provider.
"""

from __future__ import annotations

import gzip
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import os
import sys
import tarfile
import tempfile
import types
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "EAGER_ENV_VAR",
    "NODE_LOADER_ASSEMBLY",
    "NODE_LOADER_SCRIPT",
    "PROVIDER_PACKAGES",
    "PROVIDER_PREFIX",
    "install",
    "loaded_mode",
    "node_loader_mode",
    "node_loader_tarball",
    "silence_node_banner",
]

#: The provider packages this library uses, in the order their assemblies are loaded.
PROVIDER_PACKAGES: tuple[str, ...] = (
    "cdktf_cdktf_provider_aws",
    "cdktf_cdktf_provider_kubernetes",
    "cdktf_cdktf_provider_helm",
)

#: The Python package prefix of every prebuilt cdktf provider.
PROVIDER_PREFIX = "cdktf_cdktf_provider_"

#: Set to ``1`` to import the provider packages eagerly (the packages' own behaviour).
EAGER_ENV_VAR = "CONSTRUCTS_LIB_EAGER_PROVIDERS"

#: jsii prints a multi-line "Node 20 is end-of-life" banner on every run unless this is set.
NODE_BANNER_ENV_VAR = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"

#: The kernel half of this module; loaded into the jsii kernel before the first provider assembly.
NODE_LOADER_SCRIPT = Path(__file__).with_name("provider_loader.js")

#: The name and version the script is loaded under (it declares no types).
NODE_LOADER_ASSEMBLY = ("constructs-lib-provider-loader", "1.0.0")

_MODES: dict[str, str] = {}
_NODE_MODE: list[str] = []  # "lazy" or "eager", once decided


def silence_node_banner() -> None:
    """Silence jsii's Node end-of-life banner for this process and the jsii kernel it starts.

    The kernel (a Node child process) inherits ``os.environ``, so this must run before the first
    jsii assembly is loaded; a value the user already set is kept.
    """
    os.environ.setdefault(NODE_BANNER_ENV_VAR, "20")


def node_loader_tarball(script: Path = NODE_LOADER_SCRIPT) -> bytes:
    """``script`` packed as a minimal jsii assembly (npm tarball layout), byte-for-byte reproducible.

    The kernel needs a ``.jsii`` manifest and a ``package.json`` whose ``main`` it ``require()``s; the
    assembly declares no types. Fixed timestamps and owners make the bytes, and so the jsii package
    cache entry (keyed by the tarball's hash), the same on every run.
    """
    name, version = NODE_LOADER_ASSEMBLY
    manifest = {
        "schema": "jsii/0.10.0",
        "name": name,
        "version": version,
        "description": "Loads only the cdktf provider modules a stack uses (constructs_lib.provider_loader)",
        "license": "Apache-2.0",
        # Required by the jsii schema (checked when JSII_VALIDATE_ASSEMBLIES is set); the assembly is
        # generated here and published nowhere, so these name the Python package that ships it.
        "homepage": "python package eks-platform-constructs (constructs_lib.provider_loader)",
        "repository": {"type": "python-package", "url": "eks-platform-constructs"},
        "author": {"name": "eks-platform-constructs", "roles": ["author"]},
        "jsiiVersion": "1.142.0",
        "fingerprint": "constructs-lib-provider-loader",
        "targets": {"js": {"npm": name}},
        "types": {},
    }
    package = {"name": name, "version": version, "main": "lib/index.js", "license": "Apache-2.0"}
    files = {
        "package/.jsii": json.dumps(manifest, indent=2, sort_keys=True).encode(),
        "package/lib/index.js": script.read_bytes(),
        "package/package.json": json.dumps(package, indent=2, sort_keys=True).encode(),
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, content in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(content), 0o644, 0
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


def _load_node_loader() -> None:
    """Load the kernel half into the jsii kernel (starting it if needed); warn and carry on on failure."""
    if _NODE_MODE:
        return
    import jsii  # the jsii runtime, not a provider: cheap, and starts no Node process by itself

    try:
        with tempfile.TemporaryDirectory(prefix="constructs-lib-") as tmp:
            tarball = Path(tmp) / "provider-loader.jsii.tgz"
            tarball.write_bytes(node_loader_tarball())
            jsii.load(*NODE_LOADER_ASSEMBLY, str(tarball))
    except Exception as error:
        _NODE_MODE.append("eager")
        warnings.warn(
            f"constructs_lib could not load its provider loader into the jsii kernel ({error}); "
            "provider modules load as shipped, which is slower but synthesizes the same JSON",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    _NODE_MODE.append("lazy")


class _BeforeProviderAssemblies(importlib.abc.MetaPathFinder):
    """Loads the kernel half just before the first prebuilt provider's assembly module is imported.

    Every prebuilt provider package (``cdktf_cdktf_provider_*``) loads its assembly in its ``_jsii``
    module. This finder finds nothing itself: it returns None, and the import goes on as usual.

    It stays in ``sys.meta_path`` once its work is done, and from then on only returns None: removing
    itself from inside ``find_spec`` would shorten the list the import system is iterating, so the
    finder after it would be skipped for that one import.
    """

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if _NODE_MODE:
            return None
        if fullname.startswith(PROVIDER_PREFIX) and fullname.endswith("._jsii") and fullname.count(".") == 1:
            _load_node_loader()
        return None


def _install_node_loader() -> None:
    if _NODE_MODE or any(isinstance(finder, _BeforeProviderAssemblies) for finder in sys.meta_path):
        return
    if os.environ.get(EAGER_ENV_VAR, "") not in ("", "0"):
        _NODE_MODE.append("eager")
        return
    sys.meta_path.insert(0, _BeforeProviderAssemblies())


def node_loader_mode() -> str | None:
    """How the jsii kernel loads provider modules: ``lazy``, ``eager``, or None until a provider loads."""
    return _NODE_MODE[0] if _NODE_MODE else None


def _submodule_names(locations: Iterable[str]) -> list[str]:
    """The public subpackages under ``locations``, sorted: what a provider package's ``__all__`` lists."""
    return sorted(
        {
            entry
            for location in locations
            for entry in os.listdir(location)
            if not entry.startswith("_") and os.path.isfile(os.path.join(location, entry, "__init__.py"))
        }
    )


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
        if attribute == "__all__":
            # The real package's `__all__` names its submodules: computed on first use (`import *`,
            # documentation tools), so installing stays a few milliseconds.
            names = module.__dict__["__all__"] = _submodule_names(locations)
            return names
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
    _install_node_loader()
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
