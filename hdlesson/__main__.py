import sys

from hdlesson.cli import main

sys.exit(main())
