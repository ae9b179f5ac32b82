"""The HTTP layer's pages and the assets they need, all served by the service itself."""
