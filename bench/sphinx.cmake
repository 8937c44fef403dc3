# (sphinx peer driver: filled in by its author)
