"""Pages show a domain error's message with its status instead of a bare 500 (a busy database: the retryable 503);
API answers carry their request id."""

from studio.api import REQUEST_ID_HEADERS, error_page, is_api_path, request_id
from studio.database import database_busy
from studio.exceptions import ApplicationError


class RequestIdMiddleware:
    """Every API answer, error pages included, names its request id in Azure's headers (the log names it too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api_path(request):
            rid = request_id(request)
            for header in REQUEST_ID_HEADERS:
                response[header] = rid
        return response


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        error = database_busy(exception) or exception
        if isinstance(error, ApplicationError):
            return error_page(request, error)
        return None
