package io.sfpulse.http;

/**
 * A request refused with a 4xx status and a message for the client (never a stack trace): thrown
 * by routes, answered by {@link HttpEndpoint} as {@code {"error": message}}.
 */
public final class HttpError extends RuntimeException {

    private final int status;

    public HttpError(final int status, final String message) {
        super(message, null, false, false);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("HttpError is for 4xx answers, not " + status);
        }
        this.status = status;
    }

    public static HttpError badRequest(final String message) {
        return new HttpError(400, message);
    }

    public static HttpError notFound(final String message) {
        return new HttpError(404, message);
    }

    public int status() {
        return status;
    }
}
