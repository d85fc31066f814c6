"""Pages for training, models and deployments: the train form, live job progress, the models list, each model's
dashboard, and the deployments page with its test panel.

Each view parses input, checks the user's role through `project_get(..., action=...)`, calls one service or
selector and renders; `presenters` turns stored records into what the templates show.
"""
