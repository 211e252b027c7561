package io.sfpulse.ingest.stream;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Where a subscription (re)starts: the preset {@link #EARLIEST} (every retained event) or
 * {@link #LATEST} (only new ones), or the position of one event, after which delivery resumes.
 * Positions are opaque bytes as Pub/Sub sends them (stored and sent back unchanged, whatever their
 * length); a CometD replay id is the 8-byte big-endian form of its {@code long}. Immutable.
 */
public final class ReplayId {

    /** Every event the org still retains (CometD {@code -2}, Pub/Sub {@code EARLIEST}). */
    public static final ReplayId EARLIEST = new ReplayId(null, "EARLIEST");

    /** Only events published from now on (CometD {@code -1}, Pub/Sub {@code LATEST}). */
    public static final ReplayId LATEST = new ReplayId(null, "LATEST");

    private final byte[] bytes;
    private final String preset;

    private ReplayId(final byte[] bytes, final String preset) {
        this.bytes = bytes;
        this.preset = preset;
    }

    /** A CometD replay id (a {@code long}); never a preset value. */
    public static ReplayId of(final long replayId) {
        if (replayId < 0) {
            throw new IllegalArgumentException(
                    "Replay id "
                            + replayId
                            + " is not an event's position (use EARLIEST or LATEST)");
        }
        return new ReplayId(ByteBuffer.allocate(8).putLong(replayId).array(), null);
    }

    /** A Pub/Sub replay id, kept byte for byte. */
    public static ReplayId ofBytes(final byte[] replayId) {
        if (replayId == null || replayId.length == 0) {
            throw new IllegalArgumentException("An empty replay id is not an event's position");
        }
        return new ReplayId(replayId.clone(), null);
    }

    /** The form stored in Connect offsets for Pub/Sub positions (base64). */
    public static ReplayId ofBase64(final String encoded) {
        return ofBytes(Base64.getDecoder().decode(encoded));
    }

    public boolean isPreset() {
        return bytes == null;
    }

    public boolean isEarliest() {
        return this == EARLIEST;
    }

    /** The position's bytes (a copy). */
    public byte[] bytes() {
        if (bytes == null) {
            throw new IllegalStateException(preset + " is a preset, not a position");
        }
        return bytes.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes());
    }

    /** Whether this position is a {@code long} (8 bytes), as every CometD replay id and Salesforce's usual Pub/Sub ids are. */
    public boolean isLong() {
        return bytes != null && bytes.length == 8;
    }

    /** The position as a {@code long}; only when {@link #isLong()}. */
    public long asLong() {
        if (!isLong()) {
            throw new IllegalStateException("Replay id " + this + " is not an 8-byte value");
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    /** The value CometD's replay extension sends: the id, or -2 / -1 for the presets. */
    public long cometdValue() {
        return this == EARLIEST ? -2L : this == LATEST ? -1L : asLong();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof ReplayId r
                && Arrays.equals(bytes, r.bytes)
                && java.util.Objects.equals(preset, r.preset);
    }

    @Override
    public int hashCode() {
        return bytes == null ? preset.hashCode() : Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes == null
                ? preset
                : isLong() ? String.valueOf(asLong()) : "0x" + HexFormat.of().formatHex(bytes);
    }
}
