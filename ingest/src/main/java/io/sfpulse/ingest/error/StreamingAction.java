package io.sfpulse.ingest.error;

/** What to do about a failed Bayeux exchange. */
public enum StreamingAction {
    /** Transient: try again after back-off with the same session/token. */
    RETRY,
    /** The server forgot us: handshake again and resubscribe from the committed positions. */
    REHANDSHAKE,
    /** The token is no longer accepted: log in again, then handshake. */
    REAUTHENTICATE,
    /** The replay id was refused: apply the configured invalid-replay policy. */
    INVALID_REPLAY,
    /** The org's 24 h event delivery allocation is used up: surface loudly, retry slowly. */
    DAILY_LIMIT,
    /** Retrying cannot help (permissions, unknown channel, unsupported version). */
    FATAL
}
