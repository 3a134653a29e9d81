package com.waitingroom.projection.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The waiting-room screen page. No token: the page is the same for every queue and holds no data; it
 * reads the queue's stream with the viewer token the screen was given in the URL fragment.
 */
@Path("/display/{queueId}")
@Tag(name = "waiting-room screens")
@PermitAll
public class DisplayPageResource {

    private static final byte[] PAGE = load();

    @GET
    @Produces(MediaType.TEXT_HTML)
    @SecurityRequirements // explicitly none (security: []): the page is public by design
    @Operation(summary = "The screen page for a queue (open it as /display/{queueId}#token=<viewer token>)")
    @APIResponse(responseCode = "200", description = "The page",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type =
                    org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    public Response page(@PathParam("queueId") String queueId) {
        return Response.ok(PAGE, MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline';"
                        + " script-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("Referrer-Policy", "no-referrer").build();
    }

    private static byte[] load() {
        try (InputStream in = DisplayPageResource.class.getResourceAsStream("/display/display.html")) {
            if (in == null) {
                throw new IllegalStateException("display/display.html is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
