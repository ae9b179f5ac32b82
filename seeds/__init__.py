"""The seed portfolio (data files and their loader) and a synthetic portfolio generator."""
