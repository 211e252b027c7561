package io.sfpulse.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.ingest.auth.AccessToken;
import io.sfpulse.ingest.auth.OAuthClient;
import io.sfpulse.ingest.progress.ServerDates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * Authenticated GETs against the org's REST API; logs in again once on 401; an error answer is a
 * {@link SalesforceApiException} (status, errorCode, permanent or not). Thread-safe.
 */
public final class SalesforceRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OAuthClient oauth;
    private final String apiVersion;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    /** Per polling thread: the org's clock (Date header) of the last successful answer this thread received. */
    private final ThreadLocal<Instant> lastServerDate = new ThreadLocal<>();

    public SalesforceRestClient(final OAuthClient oauth, final String apiVersion) {
        this.oauth = oauth;
        this.apiVersion = apiVersion;
    }

    /** GET {@code /services/data/v<version><pathAndQuery>} and parse the JSON answer. */
    public JsonNode get(final String pathAndQuery) throws IOException {
        return JSON.readTree(getText(pathAndQuery));
    }

    /** GET {@code /services/data/v<version><pathAndQuery>} as text (e.g. an EventLogFile CSV). */
    public String getText(final String pathAndQuery) throws IOException {
        AccessToken token = oauth.token();
        HttpResponse<String> response = send(token, pathAndQuery);
        if (response.statusCode() == 401) {
            token = oauth.refresh(token);
            response = send(token, pathAndQuery);
        }
        if (response.statusCode() / 100 == 2) {
            response.headers()
                    .firstValue("Date")
                    .map(ServerDates::parse)
                    .ifPresent(lastServerDate::set);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SalesforceApiException(
                    "GET " + pathAndQuery, response.statusCode(), response.body());
        }
        return response.body();
    }

    /**
     * The org's time (Date header) of the last successful answer received on this thread, or null:
     * a poller that asked for everything since its cursor has everything up to about then.
     */
    public Instant lastServerDate() {
        return lastServerDate.get();
    }

    private HttpResponse<String> send(final AccessToken token, final String pathAndQuery)
            throws IOException {
        final HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        token.instanceUrl()
                                                + "/services/data/v"
                                                + apiVersion
                                                + pathAndQuery))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + token.value())
                        .header("Accept", "application/json")
                        .GET()
                        .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }
}
