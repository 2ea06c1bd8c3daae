"""`python -m vpcsite` runs the command line."""

from .cli import entry

entry()
