package io.agnes.web;

import java.util.Map;

/**
 * How an error looks to the caller: JSON {@code {"detail": ...}} under {@code /api/}, a small standalone
 * HTML page everywhere else. Rendered in plain Java on purpose: the error page must not depend on the
 * view engine, which may be what failed.
 */
public final class ErrorResponses {

    public static final String INTERNAL_ERROR_DETAIL = "Internal server error";

    private static final Map<Integer, String> TITLES = Map.of(
            400, "Bad request",
            401, "Sign-in required",
            403, "Forbidden",
            404, "Page not found",
            405, "Method not allowed",
            409, "Conflict",
            500, "Something went wrong",
            503, "Service unavailable");

    private ErrorResponses() {
    }

    /** Whether a path is answered as an API (JSON) rather than as a page (HTML). */
    public static boolean isApiPath(String path) {
        return path != null && (path.equals("/api") || path.startsWith("/api/"));
    }

    public static String json(String detail) {
        return "{\"detail\":" + Json.quote(detail) + "}";
    }

    /** The 500 body: never the stack trace; the message only when the operator turned DEBUG on. */
    public static String internalErrorJson(String requestId, String debugMessage) {
        StringBuilder body = new StringBuilder("{\"detail\":").append(Json.quote(INTERNAL_ERROR_DETAIL))
                .append(",\"request_id\":").append(Json.quote(requestId));
        if (debugMessage != null) {
            body.append(",\"error\":").append(Json.quote(debugMessage));
        }
        return body.append('}').toString();
    }

    public static String title(int status) {
        return TITLES.getOrDefault(status, status >= 500 ? "Something went wrong" : "Request failed");
    }

    /** A complete HTML page; {@code requestId} is shown for server errors so users can quote it. */
    public static String html(int status, String message, String requestId) {
        String title = title(status);
        StringBuilder page = new StringBuilder(1024)
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(status).append(' ').append(escape(title)).append(" · Agnes</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/static/agnes.css\">\n</head>\n")
                .append("<body class=\"error-page\">\n<main class=\"card narrow\">\n")
                .append("<p class=\"status-code\">").append(status).append("</p>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n")
                .append("<p>").append(escape(message)).append("</p>\n");
        if (requestId != null) {
            page.append("<p class=\"muted\">Request id: <code>").append(escape(requestId)).append("</code></p>\n");
        }
        return page.append("<p><a href=\"/\">Back to Agnes</a></p>\n</main>\n</body>\n</html>\n").toString();
    }

    /** A message for users when the code has nothing better to say. */
    public static String defaultMessage(int status) {
        return switch (status) {
            case 401 -> "Please sign in to continue.";
            case 403 -> "You do not have permission to see this page.";
            case 404 -> "There is nothing at this address.";
            case 405 -> "This address does not accept that kind of request.";
            default -> status >= 500
                    ? "Agnes hit an unexpected error. It has been logged; please try again."
                    : "The request could not be processed.";
        };
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
