package io.sfpulse.sink.action;

import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.channel.HttpJsonPoster;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** One configured action as an HTTP request: templates rendered with a trigger's variables, one attempt per call. Thread-safe. */
public final class HttpAction {

    private final ActionConfig config;
    private final HttpJsonPoster http;

    public HttpAction(final ActionConfig config, final HttpJsonPoster http) {
        this.config = config;
        this.http = http;
    }

    public ActionConfig config() {
        return config;
    }

    /** The request the action would send for {@code variables}. */
    public record Request(URI url, String body, Map<String, String> headers) {}

    public Request request(final Map<String, String> variables) {
        final Map<String, String> values = new HashMap<>(variables);
        if (config.secret() != null) {
            values.put("secret", config.secret());
        }
        final UnaryOperator<String> escape =
                ActionConfig.JSON.equals(config.contentType())
                        ? ActionTemplate::json
                        : ActionTemplate::form;
        final Map<String, String> headers = new LinkedHashMap<>();
        config.headers()
                .forEach(
                        (name, t) ->
                                headers.put(
                                        name,
                                        t.render(values, v -> v.replaceAll("[\\r\\n]", " "))));
        if (config.authValue() != null) {
            headers.put(config.authHeader(), config.authValue());
        }
        headers.putIfAbsent("Idempotency-Key", values.getOrDefault("idempotencyKey", ""));
        return new Request(
                URI.create(config.url().render(values, ActionTemplate::form)),
                config.body().render(values, escape),
                headers);
    }

    /** One attempt. */
    public DeliveryResult run(final Map<String, String> variables) {
        final Request r = request(variables);
        return http.send(config.method(), r.url(), config.contentType(), r.body(), r.headers());
    }
}
