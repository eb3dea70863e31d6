"""`python -m desktop_app` starts Inference Navigator."""

from desktop_app.app import main

raise SystemExit(main())
