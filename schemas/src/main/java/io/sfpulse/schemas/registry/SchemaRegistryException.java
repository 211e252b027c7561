package io.sfpulse.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/** A registry call failed; carries the HTTP status and the registry's error code when there was one. */
public class SchemaRegistryException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int errorCode;

    public SchemaRegistryException(final String message, final int status, final int errorCode) {
        super(message + " (HTTP " + status + ", error_code " + errorCode + ")");
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(final String message, final Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errorCode = -1;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }
}
