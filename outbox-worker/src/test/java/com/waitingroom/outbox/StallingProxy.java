package com.waitingroom.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder that can stall: while stalled no byte moves in either direction and new
 * connections are accepted but not served, as when PostgreSQL hangs or the network drops packets.
 * (test-support's TcpProxy simulates the other kind of outage: connections dropped and refused.)
 */
final class StallingProxy implements AutoCloseable {

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean stalled;
    private volatile boolean closed;

    private StallingProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon(this::acceptLoop, "stalling-proxy-accept");
    }

    static StallingProxy start(String upstreamHost, int upstreamPort) throws IOException {
        return new StallingProxy(upstreamHost, upstreamPort);
    }

    int port() {
        return server.getLocalPort();
    }

    void stall() {
        stalled = true;
    }

    /** Bytes held back during the stall are delivered now. */
    void resume() {
        stalled = false;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(StallingProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                daemon(() -> connect(client), "stalling-proxy-connect");
            } catch (IOException e) {
                // closed, or one failed accept: go on until closed
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitFlowing();
            Socket upstream = new Socket(upstreamHost, upstreamPort);
            sockets.add(upstream);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            daemon(() -> pump(client, upstream), "stalling-proxy-pump");
            daemon(() -> pump(upstream, client), "stalling-proxy-pump");
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                awaitFlowing();
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // a peer closed: close both sides
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitFlowing() {
        while (stalled && !closed) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
