#!/usr/bin/env python
from houqin.cli import main

if __name__ == "__main__":
    main()
