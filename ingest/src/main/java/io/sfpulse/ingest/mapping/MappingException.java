package io.sfpulse.ingest.mapping;

/** An event could not be mapped; the message names channel and replay id. */
public final class MappingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MappingException(final String message) {
        super(message);
    }

    public MappingException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
