package io.sfpulse.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer: status, content type, body and any further headers. */
public record RouteResponse(
        int status, String contentType, byte[] body, Map<String, String> headers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RouteResponse(final int status, final String contentType, final byte[] body) {
        this(status, contentType, body, Map.of());
    }

    public static RouteResponse json(final int status, final String json) {
        return new RouteResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A value serialized as JSON. */
    public static RouteResponse jsonOf(final int status, final Object value) {
        try {
            return new RouteResponse(status, "application/json", JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "Cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** {@code {"error": message}}: how every sfpulse endpoint refuses a request. */
    public static RouteResponse error(final int status, final String message) {
        return jsonOf(status, Map.of("error", message));
    }

    public static RouteResponse text(
            final int status, final String contentType, final String text) {
        return new RouteResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The same answer with one more header. */
    public RouteResponse withHeader(final String name, final String value) {
        final Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new RouteResponse(status, contentType, body, more);
    }
}
