package com.waitingroom.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that tests start and bind later. A port the kernel hands out for {@code new
 * ServerSocket(0)} comes from the ephemeral range (Linux: 32768–60999), the same range it takes the
 * local ports of outgoing connections from: between choosing it and the server binding it, a
 * connection pool opening (another service starting) can take it, and the server fails with "port
 * in use" (seen in the system tests). These ports come from below that range, are checked free, and
 * are never handed out twice by this JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_000; // exclusive; below the ephemeral range
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port no server listens on now, outside the ephemeral range, not returned before by this JVM. */
    public static int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
            if (HANDED_OUT.contains(port) || !bindable(port)) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + HIGHEST);
    }

    private static boolean bindable(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
