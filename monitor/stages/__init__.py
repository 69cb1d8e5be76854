"""stages: see DESIGN.md."""
