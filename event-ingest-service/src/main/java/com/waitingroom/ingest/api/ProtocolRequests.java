package com.waitingroom.ingest.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import jakarta.enterprise.context.ApplicationScoped;

import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.protocol.BodyTooLargeException;
import com.waitingroom.ingest.protocol.MalformedPayloadException;
import com.waitingroom.ingest.protocol.TooManyRecordsException;
import com.waitingroom.ingest.store.EventWriter;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * What the OTLP and Loki routes share before the write path: the (gzip) body within the size limit,
 * decoding off the event loop, and 400/413/415 problems for what cannot be read.
 */
@ApplicationScoped
public class ProtocolRequests {

    private static final Logger LOG = Logger.getLogger(ProtocolRequests.class);

    private final EventWriter writer;
    private final int maxBodyBytes;

    public ProtocolRequests(EventWriter writer, IngestConfig config) {
        this.writer = writer;
        this.maxBodyBytes = config.limits().maxBodyBytes();
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Decodes the body with {@code decoder} (after gunzip when sent so) and hands the result to {@code next}. */
    public <T> void decode(RoutingContext ctx, DecoderFunction<T> decoder, Consumer<T> next) {
        byte[] raw = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String encoding = ctx.request().getHeader("Content-Encoding");
        boolean gzip = encoding != null && encoding.trim().toLowerCase(Locale.ROOT).equals("gzip");
        if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
            unsupported(ctx, "Content-Encoding " + encoding + " is not supported; send gzip or none");
            return;
        }
        Callable<T> work = () -> decoder.decode(gzip ? gunzip(raw, maxBodyBytes) : raw);
        // Always off the event loop: a small body can carry thousands of records (or expand ~20x from
        // snappy), and converting them costs far more than the worker hop.
        Vertx.currentContext().<T> executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                next.accept(result.result());
            } else {
                refuse(ctx, result.cause());
            }
        });
    }

    public void unsupported(RoutingContext ctx, String detail) {
        writer.countRejected("unsupported_media_type", 1);
        Problems.send(ctx, 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type", detail);
    }

    /** Counts records refused one by one (the rest of their request was stored). */
    public void countRefusedRecords(int records) {
        if (records > 0) {
            writer.countRejected("invalid", records);
        }
    }

    private void refuse(RoutingContext ctx, Throwable cause) {
        if (cause instanceof MalformedPayloadException) {
            writer.countRejected("invalid", 1);
            Problems.send(ctx, 400, "MALFORMED_PAYLOAD", "Malformed payload", cause.getMessage() + "; nothing was stored");
        } else if (cause instanceof TooManyRecordsException || cause instanceof BodyTooLargeException) {
            writer.countRejected("too_large", 1);
            Problems.send(ctx, 413, "PAYLOAD_TOO_LARGE", "Payload too large", cause.getMessage() + "; nothing was stored");
        } else if (cause instanceof IndexOutOfBoundsException || cause instanceof IllegalArgumentException
                || cause instanceof ArithmeticException) {
            // a decoder tripped over input it did not expect: the body is at fault, not the service
            LOG.debugf(cause, "undecodable protocol body");
            writer.countRejected("invalid", 1);
            Problems.send(ctx, 400, "MALFORMED_PAYLOAD", "Malformed payload", "The body could not be decoded; nothing was stored");
        } else {
            ctx.fail(cause);
        }
    }

    /** Bounded: a small gzip body must not expand beyond the body limit (a "zip bomb"). */
    static byte[] gunzip(byte[] body, int maxBytes) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, body.length * 4 + 64));
            byte[] chunk = new byte[16 * 1024];
            int read;
            while ((read = in.read(chunk)) > 0) {
                if (out.size() + read > maxBytes) {
                    throw new BodyTooLargeException("the gzip body expands beyond " + maxBytes + " bytes");
                }
                out.write(chunk, 0, read);
            }
            return out.toByteArray();
        } catch (ZipException | java.io.EOFException e) {
            throw new MalformedPayloadException("corrupt gzip body: " + e.getMessage());
        } catch (IOException e) {
            throw new MalformedPayloadException("unreadable gzip body: " + e.getMessage());
        }
    }

    /** A decoder that may throw the protocol exceptions above. */
    @FunctionalInterface
    public interface DecoderFunction<T> {
        T decode(byte[] body);
    }

}
