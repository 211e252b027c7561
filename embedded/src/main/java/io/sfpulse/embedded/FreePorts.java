package io.sfpulse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds free loopback ports. */
public final class FreePorts {

    private FreePorts() {}

    /** {@code n} distinct free ports, probed while all are held open (so the OS cannot hand out one twice). */
    public static int[] distinct(final int n, final java.util.Set<Integer> avoid) {
        final java.util.List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            final int[] ports = new int[n];
            int found = 0;
            while (found < n) {
                final ServerSocket socket =
                        new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                if (!avoid.contains(socket.getLocalPort())) {
                    ports[found++] = socket.getLocalPort();
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("No free ports", e);
        } finally {
            for (final ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // best effort
                }
            }
        }
    }

    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}
