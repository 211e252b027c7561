package io.sfpulse.ingest;

/** The sfpulse version, from the jar manifest. */
public final class Version {
    private Version() {}

    public static String get() {
        final String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
