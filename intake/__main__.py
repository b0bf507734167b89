import sys

from intake.cli import main

# Guarded: import worker processes (spawned) import this module again as __mp_main__.
if __name__ == "__main__":
    sys.exit(main())
