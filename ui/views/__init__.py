"""The parts of the page, one module each with a show() (or the callbacks of that part)."""
