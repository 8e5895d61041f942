from factory_game.cli import main

raise SystemExit(main())
