"""`kgtool serve`: the home over HTTP (app: request → response; page: the HTML; server: the socket)."""
