package io.sfpulse.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;

/**
 * A REST call Salesforce answered with an error: the HTTP status and the {@code errorCode} of its
 * standard error body ({@code [{"message":...,"errorCode":...}]}). {@link #permanent()} says whether
 * asking again can help: a malformed query, a missing permission or object, a session refused after
 * logging in again cannot; limits, 5xx and timeouts can.
 */
public final class SalesforceApiException extends IOException {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 403 codes that pass: the org's API allocation or concurrency limits reset. */
    private static final Set<String> TRANSIENT_403 =
            Set.of("REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE");

    private final int status;
    private final String errorCode;

    public SalesforceApiException(final String what, final int status, final String body) {
        super(
                what
                        + " answered "
                        + status
                        + ": "
                        + (body.length() > 512 ? body.substring(0, 512) + "..." : body));
        this.status = status;
        this.errorCode = errorCode(body);
    }

    public int status() {
        return status;
    }

    /** Salesforce's errorCode, or empty when the body had none. */
    public String errorCode() {
        return errorCode;
    }

    public boolean permanent() {
        if (status == 429 || status == 408 || status >= 500) {
            return false;
        }
        if (status == 403) {
            return !TRANSIENT_403.contains(errorCode);
        }
        return status == 400 || status == 401 || status == 404 || status == 405;
    }

    private static String errorCode(final String body) {
        try {
            final JsonNode node = JSON.readTree(body);
            final JsonNode first = node.isArray() && !node.isEmpty() ? node.get(0) : node;
            return first.path("errorCode").asText("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
