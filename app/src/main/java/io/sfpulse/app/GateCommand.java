package io.sfpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.id.SalesforceIds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code sfpulse gate}: asks a running sfpulse for a release's verdict and exits with it, for CI/CD
 * promotion steps. Waits (polling the verdict API) until the verdict is final, FAULTY, or accepted at
 * the checkpoint asked for, or until {@code --wait} runs out. Exit codes: 0 HEALTHY, 1 FAULTY,
 * 2 INCONCLUSIVE or timed out (sfpulse unreachable or not ready included), 3 bad input (unknown org, release,
 * commit or label; a refused token; a malformed option). {@code --dry-run} prints what it would
 * have decided and exits 0.
 */
final class GateCommand {

    /** What a refusal the options allow but the command does not (a bad org id, two releases named) points to. */
    static final String USAGE = "Usage: ./sfpulse gate --help shows its options and exit codes.";

    static final int HEALTHY = 0;
    static final int FAULTY = 1;
    static final int INCONCLUSIVE = 2;
    static final int BAD_INPUT = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Map<String, String> env;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final LongSupplier clock;
    private final Sleeper sleeper;

    /** How the gate waits between polls (a test passes one that records instead of sleeping). */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    GateCommand(final PrintStream out, final Map<String, String> env) {
        this(out, env, System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    GateCommand(
            final PrintStream out,
            final Map<String, String> env,
            final LongSupplier nanoClock,
            final Sleeper sleeper) {
        this.out = out;
        this.env = env;
        this.clock = nanoClock;
        this.sleeper = sleeper;
    }

    int run(final CommandOptions parsed) throws InterruptedException {
        final Map<String, String> opts = parsed.values();
        final boolean dryRun = opts.containsKey("dry-run");
        final long named =
                List.of("release", "commit", "label").stream().filter(opts::containsKey).count();
        if (!opts.containsKey("org") || named != 1) {
            return usage("--org and exactly one of --release, --commit, --label are needed");
        }
        if (!SalesforceIds.isId(opts.get("org"))) {
            return usage(
                    "--org must be a 15- or 18-character Salesforce org id, got '"
                            + opts.get("org")
                            + "'");
        }
        final Duration wait;
        final Duration poll;
        final Integer checkpoint;
        try {
            wait = duration(opts.getOrDefault("wait", "0s"));
            poll = duration(opts.getOrDefault("poll", "10s"));
            checkpoint =
                    opts.containsKey("checkpoint") ? Integer.valueOf(opts.get("checkpoint")) : null;
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        final String base = parsed.opsUrl(env);
        final String token = parsed.opsToken(env);
        final URI uri;
        try {
            uri = URI.create(base + verdictPath(SalesforceIds.to18(opts.get("org")), opts));
        } catch (IllegalArgumentException e) {
            return usage("--url '" + base + "' is not a URL");
        }
        final int code = decide(uri, token, wait, poll, checkpoint);
        if (dryRun) {
            out.println(
                    "[sfpulse gate] dry run: the gate would have exited " + code + "; exiting 0");
            return 0;
        }
        return code;
    }

    static String verdictPath(final String org, final Map<String, String> opts) {
        final String o = URLEncoder.encode(org, StandardCharsets.UTF_8);
        if (opts.containsKey("release")) {
            return "/v1/releases/"
                    + o
                    + "/"
                    + URLEncoder.encode(opts.get("release"), StandardCharsets.UTF_8)
                    + "/verdict";
        }
        final String key = opts.containsKey("commit") ? "commit" : "label";
        return "/v1/releases/"
                + o
                + "/verdict?"
                + key
                + "="
                + URLEncoder.encode(opts.get(key), StandardCharsets.UTF_8);
    }

    private int decide(
            final URI uri,
            final String token,
            final Duration wait,
            final Duration poll,
            final Integer checkpoint)
            throws InterruptedException {
        final long deadline = clock.getAsLong() + wait.toNanos();
        String lastProblem = null;
        JsonNode last = null;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                final HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(30))
                                        .header("Authorization", "Bearer " + token)
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                final JsonNode body = parse(r.body());
                if (r.statusCode() == 401 || r.statusCode() == 403) {
                    out.println(
                            "[sfpulse gate] refused by "
                                    + uri.getHost()
                                    + ":"
                                    + uri.getPort()
                                    + " (HTTP "
                                    + r.statusCode()
                                    + "): check --token / $SFPULSE_OPS_TOKEN");
                    return BAD_INPUT;
                }
                if (r.statusCode() == 400
                        || r.statusCode() == 404
                                && body.path("error").asText().startsWith("unknown org")) {
                    out.println(
                            "[sfpulse gate] "
                                    + body.path("error").asText("HTTP " + r.statusCode()));
                    return BAD_INPUT;
                }
                if (r.statusCode() == 404) {
                    // The release may not have reached sfpulse yet (marker in flight, attribution
                    // grace): wait for it.
                    lastProblem = body.path("error").asText("HTTP 404") + recent(body);
                    last = null;
                } else if (r.statusCode() == 200) {
                    last = body;
                    lastProblem = null;
                    final String status = body.path("status").asText();
                    final boolean accepted =
                            body.path("isFinal").asBoolean()
                                    || checkpoint != null
                                            && !body.path("checkpointMinutes").isNull()
                                            && body.path("checkpointMinutes").asInt() >= checkpoint
                                            && !"PENDING".equals(status);
                    if ("FAULTY".equals(status) || accepted) {
                        print(body);
                        return switch (status) {
                            case "HEALTHY" -> HEALTHY;
                            case "FAULTY" -> FAULTY;
                            default -> INCONCLUSIVE;
                        };
                    }
                } else {
                    lastProblem =
                            "HTTP " + r.statusCode() + ": " + body.path("error").asText(r.body());
                }
            } catch (IOException e) {
                lastProblem =
                        "cannot reach "
                                + uri.getHost()
                                + ":"
                                + uri.getPort()
                                + " ("
                                + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage())
                                + ")";
            }
            final long left = deadline - clock.getAsLong();
            if (left <= 0) {
                break;
            }
            if (attempt == 1 || attempt % 6 == 0) {
                out.println(
                        "[sfpulse gate] waiting: "
                                + (last != null
                                        ? "release "
                                                + last.path("releaseId").asText()
                                                + " is "
                                                + last.path("status").asText()
                                                + " "
                                                + String.format(
                                                        Locale.ROOT,
                                                        "%.0f",
                                                        last.path("minutesAfterRelease").asDouble())
                                                + " min after it went live"
                                        : lastProblem));
            }
            sleeper.sleep(Duration.ofNanos(Math.min(poll.toNanos(), left)));
        }
        if (last == null && lastProblem != null && lastProblem.contains(" has no ")) {
            out.println("[sfpulse gate] " + lastProblem);
            return BAD_INPUT;
        }
        if (last != null) {
            print(last);
        }
        out.println(
                "[sfpulse gate] timed out after "
                        + wait.toSeconds()
                        + " s without a final verdict"
                        + (lastProblem != null ? ": " + lastProblem : ""));
        return INCONCLUSIVE;
    }

    private static String recent(final JsonNode body) {
        return body.path("recentReleases").isArray() && !body.path("recentReleases").isEmpty()
                ? " (recent releases: " + body.path("recentReleases").toString() + ")"
                : "";
    }

    private void print(final JsonNode v) {
        out.printf(
                Locale.ROOT,
                "[sfpulse gate] release %s%s%s of org %s: %s%s, %.0f min after it went live%n",
                v.path("releaseId").asText(),
                v.path("label").isNull() ? "" : " (" + v.path("label").asText() + ")",
                v.path("commit").isNull() ? "" : " commit " + v.path("commit").asText(),
                v.path("orgId").asText(),
                v.path("status").asText(),
                v.path("isFinal").asBoolean()
                        ? " (final)"
                        : " (checkpoint " + v.path("checkpointMinutes").asText() + " min)",
                v.path("minutesAfterRelease").asDouble());
        v.path("reasons").forEach(r -> out.println("  - " + r.asText()));
    }

    private static JsonNode parse(final String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static Duration duration(final String text) {
        return Durations.parse(text);
    }

    private int usage(final String problem) {
        out.println("[sfpulse gate] " + problem);
        out.println(USAGE);
        return BAD_INPUT;
    }
}
