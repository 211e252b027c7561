package io.sfpulse.app.ops;

import io.sfpulse.http.RouteRequest;
import io.sfpulse.http.RouteResponse;
import io.sfpulse.sink.AlertSinkService;
import io.sfpulse.sink.action.ActionLinks;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Serves action links ({@code /v1/actions/<token>}; the token is the capability, so no bearer token):
 * GET shows what the action will do and asks who approves it - a GET never runs anything, so chat
 * link previews are harmless -; POST (the form, {@code by=NAME}) runs it once through the sink. An
 * unknown link answers 404, an expired or used one 410.
 */
public final class ActionLinkApi {

    static final String PATH = "/v1/actions/";
    private final AlertSinkService sink;

    public ActionLinkApi(final AlertSinkService sink) {
        this.sink = sink;
    }

    public void register(final OpsServer server) {
        server.route(PATH, true, Set.of("GET", "POST"), this::handle);
    }

    private RouteResponse handle(final RouteRequest exchange) throws IOException {
        final String token = exchange.path().substring(PATH.length());
        if ("POST".equals(exchange.method())) {
            final String form = new String(exchange.body(), StandardCharsets.UTF_8);
            String by = "";
            for (final String pair : form.split("&")) {
                if (pair.startsWith("by=")) {
                    by = URLDecoder.decode(pair.substring(3), StandardCharsets.UTF_8).trim();
                }
            }
            if (by.isEmpty()) {
                return page(400, "Who approves?", "Give your name: it is recorded with the run.");
            }
            try {
                final var result = sink.approve(token, by);
                return page(
                        result.httpStatus(),
                        result.httpStatus() == 200 ? "Done" : "Not run",
                        result.message());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return page(503, "Interrupted", "sfpulse is stopping; nothing ran.");
            }
        }
        final ActionLinks.Claim claim;
        try {
            claim = sink.inspect(token);
        } catch (ActionLinks.Refused e) {
            return page(
                    e.expired() ? 410 : 404,
                    e.expired() ? "Link expired" : "Unknown link",
                    e.getMessage());
        }
        final String what =
                "Run <b>"
                        + esc(claim.action())
                        + "</b> for "
                        + esc(claim.trigger().trigger())
                        + " of <code>"
                        + esc(claim.trigger().dedupKey())
                        + "</code> (org "
                        + esc(claim.trigger().org())
                        + ")";
        final String details =
                claim.trigger().variables().entrySet().stream()
                        .filter(e -> !e.getKey().equals("secret"))
                        .map(
                                e ->
                                        "<tr><td>"
                                                + esc(e.getKey())
                                                + "</td><td>"
                                                + esc(e.getValue())
                                                + "</td></tr>")
                        .reduce("", String::concat);
        final String html =
                "<p>"
                        + what
                        + ".</p><table>"
                        + details
                        + "</table><p>Valid until "
                        + claim.expiresAt()
                        + "; it runs once.</p>"
                        + "<form method=\"post\"><label>Your name <input name=\"by\" required></label> <button type=\"submit\">Run it</button></form>";
        return new RouteResponse(
                200,
                "text/html; charset=utf-8",
                wrap("Approve an action", html).getBytes(StandardCharsets.UTF_8));
    }

    private static RouteResponse page(final int status, final String title, final String message) {
        return new RouteResponse(
                status,
                "text/html; charset=utf-8",
                wrap(title, "<p>" + esc(message) + "</p>").getBytes(StandardCharsets.UTF_8));
    }

    private static String wrap(final String title, final String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>sfpulse - "
                + esc(title)
                + "</title></head><body><h1>"
                + esc(title)
                + "</h1>"
                + body
                + "</body></html>";
    }

    private static String esc(final String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
