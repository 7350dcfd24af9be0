"""The top floor: settings, platform adapters, renderers and the CLI that wires everything."""
