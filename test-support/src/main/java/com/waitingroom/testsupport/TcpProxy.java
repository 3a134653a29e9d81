package com.waitingroom.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP proxy that a test puts between a service and PostgreSQL or RabbitMQ, so it can
 * simulate an outage ({@link #cut()}: every open connection is dropped and new ones are refused)
 * and a recovery ({@link #restore()}) without stopping the shared server other tests use.
 */
public final class TcpProxy implements AutoCloseable {

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean(false);
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private TcpProxy(String upstreamHost, int upstreamPort, int listenPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
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
            try {
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (SocketException expectedOnCut) {
                // a cut or a peer closing: fall through and close both sides
            } catch (IOException e) {
                // same
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump");
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
