"""Command line: thin Typer wrappers over the library, one module per command group."""
