package io.sfpulse.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.id.SalesforceIds;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code sfpulse mark}: announces a release to a running sfpulse through its marker API (for CI/CD pipelines). */
final class MarkCommand {

    /** What a refusal the options allow but the command does not (a bad org id, two releases named) points to. */
    static final String USAGE = "Usage: ./sfpulse mark --help shows its options and exit codes.";

    private final PrintStream out;
    private final Map<String, String> env;

    MarkCommand(final PrintStream out, final Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int run(final CommandOptions options) throws Exception {
        final Map<String, String> opts = options.values();
        if (!opts.containsKey("org") || !opts.containsKey("label")) {
            out.println(USAGE);
            return 2;
        }
        final String url =
                opts.getOrDefault(
                        "url", env.getOrDefault("SFPULSE_MARKER_URL", "http://127.0.0.1:8787"));
        final String token =
                opts.getOrDefault("token", env.getOrDefault("SFPULSE_MARKER_TOKEN", ""));
        final Map<String, Object> body = new LinkedHashMap<>();
        if (!SalesforceIds.isId(opts.get("org"))) {
            out.println(
                    "--org must be a 15- or 18-character Salesforce org id, got '"
                            + opts.get("org")
                            + "'");
            return 2;
        }
        body.put("orgId", SalesforceIds.to18(opts.get("org")));
        body.put("label", opts.get("label"));
        if (opts.containsKey("commit")) {
            body.put("commit", opts.get("commit"));
        }
        if (opts.containsKey("commit-time")) {
            body.put("commitTime", opts.get("commit-time"));
        }
        if (opts.containsKey("components")) {
            body.put(
                    "components",
                    Arrays.stream(opts.get("components").split(","))
                            .map(String::trim)
                            .filter(s -> !s.isEmpty())
                            .toList());
        }
        if (opts.containsKey("time")) {
            body.put("time", opts.get("time"));
        }
        if (opts.containsKey("deploy-id")) {
            body.put("deployId", opts.get("deploy-id"));
        }
        final HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        url.replaceAll("/+$", "") + "/v1/markers"))
                                        .timeout(Duration.ofSeconds(30))
                                        .header("Content-Type", "application/json")
                                        .header("Authorization", "Bearer " + token)
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        new ObjectMapper()
                                                                .writeValueAsString(body)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        out.println(
                "[sfpulse] marker API answered " + response.statusCode() + ": " + response.body());
        return response.statusCode() == 202 ? 0 : 1;
    }
}
