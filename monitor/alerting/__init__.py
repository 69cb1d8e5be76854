"""alerting: see DESIGN.md."""
