"""BAG intent generator: intent YAML -> validated vendor-neutral models -> vendor configs."""

__version__ = "0.1.0"
