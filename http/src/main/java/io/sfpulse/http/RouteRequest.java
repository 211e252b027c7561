package io.sfpulse.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request as a route sees it: method, decoded and raw path, raw query, headers (names in lower case,
 * first value) and the body, already read and within the endpoint's size limit.
 */
public record RouteRequest(
        String method,
        String path,
        String rawPath,
        String rawQuery,
        Map<String, String> headers,
        byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A header's first value, {@code null} when absent (case-insensitive). */
    public String header(final String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The query parameters, URL-decoded (the first of repeated names); empty when there is no query. */
    public Map<String, String> query() {
        return formOrQuery(rawQuery);
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as a form ({@code application/x-www-form-urlencoded}), URL-decoded. */
    public Map<String, String> form() {
        return formOrQuery(bodyText());
    }

    /** The body as a JSON object; a body that is not one is the client's mistake: 400 with the parser's reason. */
    public JsonNode jsonObject() {
        final JsonNode node;
        try {
            node = body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw HttpError.badRequest("body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw HttpError.badRequest("body must be a JSON object");
        }
        return node;
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "unreadable";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static Map<String, String> formOrQuery(final String raw) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (final String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            final int eq = pair.indexOf('=');
            try {
                final String name =
                        URLDecoder.decode(
                                eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                final String value =
                        eq < 0
                                ? ""
                                : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("malformed percent-encoding in '" + pair + "'");
            }
        }
        return out;
    }
}
