package io.sfpulse.streams.detector;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The subject part of dedup keys: a short stable id of a long subject (a signature, an operation, an anomaly key). */
public final class SubjectKeys {

    private SubjectKeys() {}

    /** First 8 bytes of SHA-256, hex. */
    public static String hash(final String subject) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(subject.getBytes(StandardCharsets.UTF_8)),
                            0,
                            8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
