"""Server-rendered pages for projects, schema, documents and datasets. Each view parses input, checks the
user's role through `project_get(..., action=...)`, calls one service or selector and renders."""
