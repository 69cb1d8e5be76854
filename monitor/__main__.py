"""`python -m monitor` is the `remon` command."""

from monitor.cli.main import main

raise SystemExit(main())
