package io.sfpulse.ingest.auth;

/** Login failed. {@link #permanent()} is true when retrying cannot help (bad client or credentials). */
public final class AuthenticationException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final boolean permanent;

    public AuthenticationException(
            final String message, final boolean permanent, final Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
