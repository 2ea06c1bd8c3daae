"""vpcsite: a static site generator for Value Proposition Canvases."""

__version__ = "0.1.0"
