package io.sfpulse.emulator.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** JSON responses for the emulator's REST endpoints. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    private static final java.time.format.DateTimeFormatter SF_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx")
                    .withZone(java.time.ZoneOffset.UTC);

    /** A date-time as Salesforce's REST API writes it: millisecond precision, {@code +0000}. */
    public static String sfTime(final java.time.Instant t) {
        return SF_TIME.format(t);
    }

    /** Salesforce's REST error body: {@code [{"message": ..., "errorCode": ...}]}, in that order. */
    public static java.util.List<java.util.Map<String, Object>> error(
            final String message, final String errorCode) {
        final java.util.Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("message", message);
        e.put("errorCode", errorCode);
        return java.util.List.of(e);
    }

    public static void write(final HttpServletResponse resp, final int status, final Object body)
            throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json;charset=UTF-8");
        MAPPER.writeValue(resp.getOutputStream(), body);
    }
}
