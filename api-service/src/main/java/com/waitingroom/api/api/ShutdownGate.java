package com.waitingroom.api.api;

import com.waitingroom.http.HttpProblems;
import com.waitingroom.http.Problem;

import com.waitingroom.api.config.ApiConfig;
import com.waitingroom.support.shutdown.InFlight;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.vertx.http.runtime.filters.QuarkusRequestWrapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * SIGTERM without a request left unanswered. Quarkus closes the listener as soon as no request is
 * running, so a client answered a moment before (or sending on a kept-alive connection) meets the
 * closing socket: its request is reset and it cannot tell whether the command was recorded. Before
 * that, in Quarkus' pre-shutdown phase ({@code quarkus.shutdown.delay-enabled}: readiness is DOWN,
 * the listener still open), this
 * <ol>
 * <li>takes no new request under {@code /api/}: 503 {@code SHUTTING_DOWN} + Retry-After, nothing
 * recorded (reads too: the instance is going away, and a reader told to back off does not meet the
 * closing listener either; another instance answers the retry);</li>
 * <li>waits until every request taken before is answered (at most {@code api.shutdown.drain-timeout});</li>
 * <li>keeps refusing for {@code api.shutdown.linger}, so the clients just answered learn to back off
 * (Retry-After is longer than the linger) instead of sending their next request into the closing socket.</li>
 * </ol>
 * Meanwhile every HTTP/1.x response closes its connection ({@code Connection: close}), so no kept-alive
 * connection is still in use when the listener closes. Then Quarkus waits for requests still running
 * ({@code quarkus.shutdown.timeout}) and closes the listener; the management interface (health, metrics)
 * is served until then.
 */
@ApplicationScoped
public class ShutdownGate {

    static final String SHUTTING_DOWN = "SHUTTING_DOWN";
    /** Ahead of the REST endpoints (Quarkus' own request set-up and the bearer check run earlier still). */
    private static final int ROUTE_ORDER = -100;
    private static final Logger LOG = Logger.getLogger(ShutdownGate.class);

    private final Duration drainTimeout;
    private final Duration linger;
    private final String retryAfterSeconds;
    /** Requests taken (not refused) and not answered yet. */
    private final InFlight running = new InFlight();
    private volatile boolean stopping;

    public ShutdownGate(ApiConfig config) {
        this.drainTimeout = config.shutdown().drainTimeout();
        this.linger = config.shutdown().linger();
        // a client refused during the linger comes back after the listener has closed: refused, not reset
        this.retryAfterSeconds = Long.toString((linger.toMillis() + 999) / 1000 + 1);
    }

    void register(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(this::handle);
    }

    void onShutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
        LOG.infof("Shutdown: taking no new requests; %d running ones get up to %d s to be answered", running.count(),
                drainTimeout.toSeconds());
        int unanswered = running.awaitNone(drainTimeout);
        if (unanswered > 0) {
            LOG.warnf("Shutdown: %d requests still running after %d s; Quarkus waits for them a little longer",
                    unanswered, drainTimeout.toSeconds());
        } else {
            LOG.infof("Shutdown: every request taken is answered; refusing new ones for %d ms more", linger.toMillis());
        }
        InFlight.pause(linger);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        running.started(); // before reading the flag: a drain starting now either counts it or refuses it
        boolean refused = stopping && isApplicationPath(ctx.normalizedPath());
        if (refused) {
            running.finished();
        }
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        // Quarkus' own "request done" hook: it also fires when the client goes away before its answer
        // (Vert.x Web's end handlers do not: REST replaces the response's close handler on async endpoints)
        QuarkusRequestWrapper.get(request).addRequestDoneHandler(ignored -> {
            if (!refused) {
                running.finished();
            }
            if (stopping && http1) {
                request.connection().close();
            }
        });
        if (http1) {
            ctx.addHeadersEndHandler(ignored -> {
                if (stopping) {
                    ctx.response().putHeader("Connection", "close");
                }
            });
        }
        if (refused) {
            refuse(ctx);
        } else {
            ctx.next();
        }
    }

    private void refuse(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Runnable answer = () -> HttpProblems.send(ctx, Problem.of(503, SHUTTING_DOWN, "Service unavailable",
                "this instance is shutting down and takes no new requests; nothing was recorded, retry after "
                        + retryAfterSeconds + " s (another instance will answer)").retryAfter(Long.parseLong(retryAfterSeconds)));
        // The body is read (and dropped) first: a connection closed with unread bytes is reset by the
        // kernel, and the reset can destroy this answer before the client reads it.
        if (request.isEnded() || "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            answer.run();
        } else {
            request.handler(ignored -> { }).exceptionHandler(ignored -> { }).endHandler(ignored -> answer.run());
            request.resume();
        }
    }

    private static boolean isApplicationPath(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }
}
