package com.waitingroom.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code http_server_requests_seconds{status="401"}} with one {@code uri} value, {@code UNAUTHENTICATED}.
 * A request without a valid token is refused before routing (service-security's first route), so
 * Quarkus has no route template and tags the raw path: every path anyone sends without a token
 * would add series (unbounded label values), as every unknown path would without Quarkus's own
 * {@code NOT_FOUND}.
 */
@Singleton
public class UnauthenticatedRequestUris {

    static final String UNAUTHENTICATED = "UNAUTHENTICATED";

    @Produces
    @Singleton
    MeterFilter oneUriForUnauthenticatedRequests() {
        return FILTER;
    }

    static final MeterFilter FILTER = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            if (!"http.server.requests".equals(id.getName()) || !"401".equals(id.getTag("status"))
                    || id.getTag("uri") == null || UNAUTHENTICATED.equals(id.getTag("uri"))) {
                return id;
            }
            List<Tag> tags = new ArrayList<>();
            for (Tag tag : id.getTagsAsIterable()) {
                tags.add("uri".equals(tag.getKey()) ? Tag.of("uri", UNAUTHENTICATED) : tag);
            }
            return id.replaceTags(tags);
        }
    };
}
