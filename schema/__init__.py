"""The GraphQL schema: types built from repository rows, loaders, queries and mutations."""
