"""The bundled feature."""
