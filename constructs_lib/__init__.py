"""eks-platform-constructs: a typed description of an environment, synthesized to a production AWS platform.

What importing this package changes
-----------------------------------
``import constructs_lib`` calls :func:`constructs_lib.provider_loader.install`, which makes the
prebuilt provider bindings load submodule by submodule (seconds and hundreds of MB less per process).
It loads no jsii assembly and starts no Node process, so configuration can be validated without
Node. Exactly these process-wide changes, and nothing else:

* ``os.environ``: ``JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20`` unless already set (it hides
  jsii's multi-line Node end-of-life banner; the jsii kernel inherits the environment).
* ``sys.modules``: a *light* package object for ``cdktf_cdktf_provider_aws``,
  ``cdktf_cdktf_provider_kubernetes`` and ``cdktf_cdktf_provider_helm`` (each not yet imported): the
  real package's path and spec without running its ``__init__``; submodules load on first access,
  and ``__all__`` lists them as the real package does.
* ``sys.meta_path``: one finder inserted at the front. It never finds a module; on the first
  ``cdktf_cdktf_provider_*._jsii`` import it loads a small script into the jsii kernel (starting the
  kernel, as that import would anyway), then stays in place and does nothing.
* The jsii kernel: that script (``provider_loader.js``, loaded as the jsii assembly
  ``constructs-lib-provider-loader``) makes the provider packages' JavaScript indexes lazy, so the
  kernel compiles only the resource modules a stack uses.

The switch: ``CONSTRUCTS_LIB_EAGER_PROVIDERS=1`` in the environment before the import turns all of it
off except the environment variable: the three provider packages are imported as shipped during
the import (which loads their assemblies and starts the jsii kernel), no finder is added and the
kernel loads no script. Both ways synthesize byte-identical JSON (a test proves it).
"""

from constructs_lib import provider_loader

provider_loader.install()

from constructs_lib.config import ConfigTier, EnvironmentConfig, Stage, StateBackend, load_environments  # noqa: E402
from constructs_lib.errors import ConfigError  # noqa: E402
from constructs_lib.protections import Protections  # noqa: E402

__all__ = [
    "ConfigError",
    "ConfigTier",
    "EnvironmentConfig",
    "Protections",
    "Stage",
    "StateBackend",
    "load_environments",
]
#: The package version; pyproject.toml reads it from here (the one place it is written). Keep it a
#: plain string literal: setuptools reads it without importing the package.
__version__ = "0.1.0"
