package com.waitingroom.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP proxy that a test puts between a service and PostgreSQL or RabbitMQ, so it can
 * simulate an outage without stopping the shared server other tests use. Two kinds of outage:
 * <ul>
 * <li>{@link #cut()} / {@link #restore()}: the server is down: every open connection is dropped and
 * new ones are refused;</li>
 * <li>{@link #stall()} / {@link #resume()}: the server hangs (or the network drops packets): no byte
 * moves in either direction and new connections are accepted but not served; what was held back is
 * delivered on resume.</li>
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {

    private static final long STALL_POLL_MILLIS = 5;

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean(false);
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean stalled;

    private TcpProxy(String upstreamHost, int upstreamPort, int listenPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        daemon(this::acceptLoop, "tcp-proxy-accept-" + port());
    }

    /** Starts a proxy on an ephemeral loopback port. */
    public static TcpProxy start(String upstreamHost, int upstreamPort) throws IOException {
        return new TcpProxy(upstreamHost, upstreamPort, 0);
    }

    /** Starts a proxy on a given loopback port (0 = ephemeral). */
    public static TcpProxy start(String upstreamHost, int upstreamPort, int listenPort) throws IOException {
        return new TcpProxy(upstreamHost, upstreamPort, listenPort);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Simulates the upstream going down: drops every connection and refuses new ones. */
    public void cut() {
        open.set(false);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /** Simulates the upstream coming back. */
    public void restore() {
        open.set(true);
    }

    public boolean isOpen() {
        return open.get();
    }

    /** Simulates the upstream hanging: connections stay open, but nothing moves until {@link #resume()}. */
    public void stall() {
        stalled = true;
    }

    /** Ends a stall: the bytes held back are delivered now, and waiting connections are served. */
    public void resume() {
        stalled = false;
    }

    @Override
    public void close() {
        closed.set(true);
        cut();
        closeQuietly(server);
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed.get()) {
                    return;
                }
                continue;
            }
            if (!open.get()) {
                closeQuietly(client);
                continue;
            }
            sockets.add(client);
            daemon(() -> connect(client), "tcp-proxy-connect");
        }
    }

    /** On its own thread, so a stall holds only this connection back, never the accept loop. */
    private void connect(Socket client) {
        awaitFlowing(client);
        if (!open.get() || client.isClosed()) {
            dropped(client);
            return;
        }
        try {
            Socket upstream = new Socket(upstreamHost, upstreamPort);
            sockets.add(upstream);
            if (!open.get() || client.isClosed()) { // cut while connecting
                dropped(client);
                dropped(upstream);
                return;
            }
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            daemon(() -> pump(client, upstream), "tcp-proxy-pump");
            daemon(() -> pump(upstream, client), "tcp-proxy-pump");
        } catch (IOException e) {
            dropped(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                awaitFlowing(from);
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException expectedOnCut) {
            // a cut or a peer closing: close both sides
        } finally {
            dropped(from);
            dropped(to);
        }
    }

    /** Holds the calling connection's thread while stalled, unless the connection or proxy goes away. */
    private void awaitFlowing(Socket socket) {
        while (stalled && !closed.get() && !socket.isClosed()) {
            try {
                Thread.sleep(STALL_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void dropped(Socket socket) {
        closeQuietly(socket);
        sockets.remove(socket);
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
            // closing is best effort
        }
    }
}
