"""Pages for training and models: the train form, live job progress, the models list and each model's dashboard.

Each view parses input, checks the user's role through `project_get(..., action=...)`, calls one service or
selector and renders; `presenters` turns stored records into what the templates show.
"""
