from pathbib.cli import main

raise SystemExit(main())
