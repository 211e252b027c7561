package io.sfpulse.ingest.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.ingest.rest.SalesforceApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollerErrorsTest {

    private static SalesforceApiException answered(final int status, final String code) {
        return new SalesforceApiException(
                "GET /query", status, "[{\"message\":\"m\",\"errorCode\":\"" + code + "\"}]");
    }

    @Test
    void errorsThatAskingAgainCannotFixArePermanent() {
        assertThat(answered(400, "MALFORMED_QUERY").permanent()).isTrue();
        assertThat(answered(400, "MALFORMED_QUERY").errorCode()).isEqualTo("MALFORMED_QUERY");
        assertThat(answered(401, "INVALID_SESSION_ID").permanent())
                .as("401 after the client's own re-login")
                .isTrue();
        assertThat(answered(403, "INSUFFICIENT_ACCESS").permanent()).isTrue();
        assertThat(answered(404, "NOT_FOUND").permanent()).isTrue();
    }

    @Test
    void limitsServerErrorsAndThrottlingPass() {
        assertThat(answered(403, "REQUEST_LIMIT_EXCEEDED").permanent()).isFalse();
        assertThat(answered(503, "SERVER_UNAVAILABLE").permanent()).isFalse();
        assertThat(answered(500, "UNKNOWN_EXCEPTION").permanent()).isFalse();
        assertThat(answered(429, "").permanent()).isFalse();
        assertThat(
                        new SalesforceApiException("GET /x", 502, "<html>bad gateway</html>")
                                .errorCode())
                .isEmpty();
    }

    @Test
    void backOffDoublesPerFailureWithinACapAndJitter() {
        final Duration interval = Duration.ofSeconds(10);
        assertThat(PollerScheduler.delay(interval, 0)).isEqualTo(interval);
        for (int failed = 1; failed < 40; failed++) {
            final long cap =
                    interval.toMillis()
                            * Math.min(
                                    PollerScheduler.MAX_BACKOFF_FACTOR,
                                    1L << Math.min(failed - 1, 30));
            assertThat(PollerScheduler.delay(interval, failed).toMillis()).isBetween(cap / 2, cap);
        }
    }
}
