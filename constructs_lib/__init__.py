"""eks-platform-constructs: a typed description of an environment, synthesized to a production AWS platform.

Importing the package registers the fast provider loading (see :mod:`constructs_lib.provider_loader`)
before any construct module imports a provider package; it loads no jsii assembly by itself, so
configuration can be validated without starting Node.
"""

from constructs_lib import provider_loader

provider_loader.install()

from constructs_lib.config import EnvironmentConfig, Stage, StateBackend, load_environments  # noqa: E402
from constructs_lib.errors import ConfigError  # noqa: E402

__all__ = ["ConfigError", "EnvironmentConfig", "Stage", "StateBackend", "load_environments"]
__version__ = "0.1.0"
