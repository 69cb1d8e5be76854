"""glue: see DESIGN.md."""
