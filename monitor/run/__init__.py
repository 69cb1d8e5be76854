"""run: see DESIGN.md."""
