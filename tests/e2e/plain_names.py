"""Names a student might type that Markdown, HTML, LaTeX, Streamlit's directives or autolinks would read."""
NAMES = ["[x](http://e)", "**b**", "<img src=x>", "$x$", ":red[x]", ":material/home: ok", "www.e.com",
         "a_b_ *c* `d` ~~e~~", "# h", "1. a", "&lt;", "\\*", "> q", ":smile:", "http://e.com/x",
         "ana@e.com", "https://e.com"]
