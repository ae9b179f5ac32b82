"""Portfolio dependency service: the ASGI app, persistence and command line."""
