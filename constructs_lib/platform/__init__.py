"""The platform tier: providers, Helm add-ons with their IAM roles, custom resources, and the Kubernetes baseline.

* :mod:`constructs_lib.platform.config`: ``AddonsConfig`` and its settings (``MonitoringConfig``, ...),
  ``ResourceQuotaSpec``, the add-on namespaces and quantity parsing (no provider import, so configuration is validated
  without starting jsii).
* :mod:`constructs_lib.platform.providers`: ``KubernetesProviders`` / ``KubernetesProvidersProps`` /
  ``ClusterConnection``.
* :mod:`constructs_lib.platform.helm`: ``HelmAddon`` / ``HelmAddonProps`` / ``ChartSource``.
* :mod:`constructs_lib.platform.addon`: the ``Addon`` contract (chart pin, namespace and PSS level,
  service account, permissions, values, custom resources, what it waits for) and its contexts.
* :mod:`constructs_lib.platform.addons`: one module per built-in add-on, ``BUILTIN_ADDONS``, and
  ``PlatformAddons`` / ``PlatformAddonsProps`` (``add_addon`` plugs in an add-on of one's own).
* :mod:`constructs_lib.platform.catalog`: ``CATALOG`` (the built-in add-ons as a table), ``control_plane_ports``.
* :mod:`constructs_lib.platform.chart_facts`: ``CHART_FACTS`` (what we verified about each pinned chart).
* :mod:`constructs_lib.platform.resources`: ``PlatformResources`` / ``PlatformResourcesProps`` (the package's own
  chart for CRs).
* :mod:`constructs_lib.platform.backup`: ``BackupBucket`` / ``BackupBucketProps`` (velero's S3 bucket).
* :mod:`constructs_lib.platform.baseline`: ``ClusterBaseline`` / ``ClusterBaselineProps`` (priority classes, gp3
  StorageClass).
* :mod:`constructs_lib.platform.namespace`: ``ApplicationNamespace`` (PSS, network policies, quota).

This package file imports nothing on purpose: ``constructs_lib.config`` imports the config module,
and must not pull the provider bindings in with it.
"""
