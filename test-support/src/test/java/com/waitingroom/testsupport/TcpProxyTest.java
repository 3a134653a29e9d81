package com.waitingroom.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The proxy against a local echo server: pass-through, cut/restore and stall/resume. */
class TcpProxyTest {

    /** How long a read waits before "nothing arrived" is concluded; only bounds negative checks. */
    private static final int QUIET_MILLIS = 300;
    private static final int ANSWER_MILLIS = 5_000;

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::echoLoop, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start(InetAddress.getLoopbackAddress().getHostAddress(), echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void passesBytesBothWays() throws IOException {
        try (Socket client = connect()) {
            assertEquals('a', roundTrip(client, 'a'));
            assertEquals('b', roundTrip(client, 'b'));
        }
    }

    @Test
    void aStallHoldsBytesAndNewConnectionsUntilResumed() throws IOException {
        try (Socket open = connect()) {
            assertEquals('a', roundTrip(open, 'a'));
            proxy.stall();
            try (Socket newcomer = connect()) { // accepted, but not served
                send(open, 'b');
                send(newcomer, 'c');
                open.setSoTimeout(QUIET_MILLIS);
                newcomer.setSoTimeout(QUIET_MILLIS);
                assertThrows(SocketTimeoutException.class, () -> open.getInputStream().read());
                assertThrows(SocketTimeoutException.class, () -> newcomer.getInputStream().read());

                proxy.resume();
                open.setSoTimeout(ANSWER_MILLIS);
                newcomer.setSoTimeout(ANSWER_MILLIS);
                assertEquals('b', open.getInputStream().read(), "held bytes delivered on resume");
                assertEquals('c', newcomer.getInputStream().read(), "waiting connection served on resume");
            }
        }
    }

    @Test
    void aCutDropsOpenConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
        try (Socket open = connect()) {
            assertEquals('a', roundTrip(open, 'a'));
            proxy.cut();
            assertClosedByProxy(open);
            try (Socket refused = connect()) {
                assertClosedByProxy(refused);
            }
        }
        proxy.restore();
        try (Socket client = connect()) {
            assertEquals('d', roundTrip(client, 'd'));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), ANSWER_MILLIS);
        socket.setSoTimeout(ANSWER_MILLIS);
        return socket;
    }

    private static int roundTrip(Socket socket, char character) throws IOException {
        send(socket, character);
        return socket.getInputStream().read();
    }

    private static void send(Socket socket, char character) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(character);
        out.flush();
    }

    /** End of stream or a reset: either way the proxy let go of the connection. */
    private static void assertClosedByProxy(Socket socket) {
        try {
            assertEquals(-1, socket.getInputStream().read());
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after the cut", e);
        } catch (IOException reset) {
            // connection reset: closed as well
        }
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket socket = echo.accept();
                Thread pump = new Thread(() -> echoBack(socket), "echo");
                pump.setDaemon(true);
                pump.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echoBack(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int read;
            while ((read = in.read()) >= 0) {
                out.write(read);
                out.flush();
            }
        } catch (IOException e) {
            // the proxy closed: done
        }
    }
}
