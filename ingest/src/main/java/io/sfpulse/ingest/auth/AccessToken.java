package io.sfpulse.ingest.auth;

/** An OAuth access token with the instance URL every later call must use, and the org it belongs to. */
public record AccessToken(String value, String instanceUrl, String orgId) {

    /** Never prints the token itself. */
    @Override
    public String toString() {
        return "AccessToken[org=" + orgId + ", instanceUrl=" + instanceUrl + ", value=****]";
    }
}
