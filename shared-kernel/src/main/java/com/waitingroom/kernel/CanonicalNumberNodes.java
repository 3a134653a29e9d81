package com.waitingroom.kernel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ValueNode;

/**
 * Builds the same number node for a value whether it comes from a record ({@code valueToTree}) or
 * from parsed JSON: a {@code long} that fits an {@code int} becomes an int node, as the parser makes
 * it. Without this, a payload with a {@code Long} field is not {@code equals} to itself after an
 * encode/decode round trip (LongNode vs IntNode), although the JSON is identical.
 */
final class CanonicalNumberNodes extends JsonNodeFactory {

    CanonicalNumberNodes() {
        super(false);
    }

    @Override
    public NumericNode numberNode(long value) {
        return value == (int) value ? numberNode((int) value) : super.numberNode(value);
    }

    @Override
    public ValueNode numberNode(Long value) {
        return value == null ? nullNode() : numberNode(value.longValue());
    }
}
