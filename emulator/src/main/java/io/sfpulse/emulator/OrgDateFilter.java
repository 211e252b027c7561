package io.sfpulse.emulator;

import io.sfpulse.emulator.org.EmulatorClock;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Sends the HTTP {@code Date} header from the org's clock, as Salesforce's servers send theirs:
 * set when the request arrives (for a held /meta/connect, when the hold began - a lower bound of
 * the reply's time).
 */
final class OrgDateFilter implements Filter {

    private final EmulatorClock clock;

    OrgDateFilter(final EmulatorClock clock) {
        this.clock = clock;
    }

    @Override
    public void doFilter(
            final ServletRequest request, final ServletResponse response, final FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            http.setHeader(
                    "Date",
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            clock.instant().atOffset(ZoneOffset.UTC)));
        }
        chain.doFilter(request, response);
    }
}
