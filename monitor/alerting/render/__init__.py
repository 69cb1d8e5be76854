"""Alert rendering: a story digest built from store rows, then HTML, Markdown, plain and compact text."""
