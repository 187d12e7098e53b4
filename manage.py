#!/usr/bin/env python
from haard.__main__ import main

if __name__ == "__main__":
    main()
