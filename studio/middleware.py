"""Pages show a domain error's message with its status instead of a bare 500."""

from django.shortcuts import render

from studio.exceptions import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApplicationError):
            return render(request, "error.html", {"error": exception}, status=exception.status)
        return None
