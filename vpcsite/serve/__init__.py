"""`vpcsite serve`: build into a private folder, serve it, rebuild on every save and
reload the browser (DESIGN §12). The server, the watcher and the reload channel are
thin layers over the same incremental build `vpcsite build` runs.
"""
