package com.waitingroom.ingest.api;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.store.EventWriter;
import com.waitingroom.support.shutdown.InFlight;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * SIGTERM without cutting a request: Quarkus closes the listener as soon as no request is running,
 * and a request accepted at that moment would be reset although its events get committed, so the
 * client could not tell. Before that happens, in Quarkus's pre-shutdown phase
 * ({@code quarkus.shutdown.delay-enabled}; the listener is still open), this
 * <ol>
 * <li>stops taking events: new POSTs get 503 SHUTTING_DOWN + Retry-After (nothing stored);</li>
 * <li>waits until every accepted request is answered: 201 after its commit, or 503 NOT_YET_DURABLE at
 * the ack timeout, which bounds the wait;</li>
 * <li>keeps answering 503 for {@code ingest.shutdown.linger}, so a client answered a moment ago meets a
 * 503 + Retry-After rather than the closing socket.</li>
 * </ol>
 * Meanwhile every response closes its HTTP/1.x connection, so no idle keep-alive connection is
 * reused just as the listener closes. Then Quarkus waits for other running requests
 * ({@code quarkus.shutdown.timeout}), closes the listener, and {@link EventWriter} commits what is
 * still queued.
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final EventWriter writer;
    private final Duration ackTimeout;
    private final Duration linger;
    private final InFlight awaitingCommit = new InFlight();
    private volatile boolean stopping;

    public ShutdownDrain(EventWriter writer, IngestConfig config) {
        this.writer = writer;
        this.ackTimeout = config.writer().ackTimeout();
        this.linger = config.shutdown().linger();
    }

    /** A request's events are being queued; its response will wait for their commit. */
    void accepted() {
        awaitingCommit.started();
    }

    /** That request has been answered (whatever the answer, the writer's refusal included). */
    void answered() {
        awaitingCommit.finished();
    }

    /** Route handler for every request: while stopping, a response is the last one on its connection. */
    void closeConnectionsWhileStopping(RoutingContext ctx) {
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            ctx.addHeadersEndHandler(ignored -> {
                if (stopping) {
                    ctx.response().putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
            });
            ctx.addEndHandler(ignored -> {
                if (stopping) {
                    ctx.request().connection().close();
                }
            });
        }
        ctx.next();
    }

    void onShutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
        writer.stopAccepting();
        LOG.infof("Shutdown: taking no new events; %d accepted requests wait for their commit", awaitingCommit.count());
        // Every accepted request is answered by the ack timeout at the latest; the margin covers the answer itself.
        int unanswered = awaitingCommit.awaitNone(ackTimeout.plusSeconds(1));
        if (unanswered > 0) {
            LOG.errorf("Shutdown: %d accepted requests still unanswered after %s", unanswered, ackTimeout);
        } else {
            LOG.infof("Shutdown: every accepted request is answered; refusing new ones for %d ms more",
                    linger.toMillis());
        }
        InFlight.pause(linger);
    }

}
