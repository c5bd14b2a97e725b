"""The reference app: one platform stack per environment, wired from ``stacks.environments``."""
