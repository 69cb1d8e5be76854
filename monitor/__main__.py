"""`python -m monitor` is the `remon` command."""

from monitor.cli import main

raise SystemExit(main())
