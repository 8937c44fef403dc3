# (cacm peer driver: filled in by its author)
