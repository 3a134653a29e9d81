package com.waitingroom.ingest.domain;

/** One invalid field; for batches the field is prefixed with the item index, e.g. {@code [3].timestamp}. */
public record FieldError(String field, String message) {
}
