"""The ``isage`` command line: the parser, one function per command, and the reporters that turn
progress into a progress bar (a person) or JSON lines (a program such as the QGIS plugin).
Nothing imports this room."""
