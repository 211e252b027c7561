package io.sfpulse.app;

/** Entry point of {@code ./sfpulse}: the command line ({@link Cli}) with this process's streams and environment. */
public final class Launcher {

    private Launcher() {}

    public static void main(final String[] args) {
        System.exit(new Cli(System.out, System.err, System.getenv()).execute(args));
    }
}
