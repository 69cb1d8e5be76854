"""sources: see DESIGN.md."""
