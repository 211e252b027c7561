package io.sfpulse.emulator.cometd;

import io.sfpulse.emulator.rest.Json;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rejects CometD requests without an API version in the path, or below 37.0, with Salesforce's errors. */
public final class ApiVersionFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Pattern VERSION = Pattern.compile("^/(\\d+)\\.(\\d+)/?.*");

    @Override
    protected void doFilter(
            final HttpServletRequest req, final HttpServletResponse res, final FilterChain chain)
            throws IOException, ServletException {
        final String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        final Matcher m = VERSION.matcher(path);
        if (!m.matches()) {
            reject(res, SalesforceErrors.VERSION_MANDATORY);
        } else if (Integer.parseInt(m.group(1)) < 37) {
            reject(res, SalesforceErrors.VERSION_UNSUPPORTED);
        } else {
            chain.doFilter(req, res);
        }
    }

    private static void reject(final HttpServletResponse res, final String error)
            throws IOException {
        Json.write(
                res,
                400,
                List.of(Map.of("channel", "/meta/handshake", "successful", false, "error", error)));
    }
}
