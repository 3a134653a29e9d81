package com.waitingroom.projection;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.Routing;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientAbsentAtConsultation;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;
import com.waitingroom.testsupport.EventStoreRows;
import com.waitingroom.testsupport.LocalInfra;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds one queue's event stream and publishes it the way outbox-worker does (wire contract). */
public final class TestEvents implements AutoCloseable {

    private static final EventCodec CODEC = EventCodec.standard();

    private final Connection connection;
    private final Channel channel;

    public TestEvents() throws Exception {
        connection = rabbit();
        channel = connection.createChannel();
        channel.exchangeDeclare(ProjectionTestInfra.EXCHANGE, "topic", true);
        channel.confirmSelect();
    }

    public static Connection rabbit() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(LocalInfra.rabbitHost());
        factory.setPort(LocalInfra.rabbitPort());
        factory.setUsername(LocalInfra.rabbitUser());
        factory.setPassword(LocalInfra.rabbitPassword());
        return factory.newConnection("projection-worker-tests");
    }

    public static String newQueueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A stream under construction: versions are assigned in call order. The line-entering helpers
     * carry line sequences and visits as the aggregate hands them out (one counter per queue, from 1).
     */
    public static final class Stream {
        public final String queueId;
        public final List<EventEnvelope> events = new ArrayList<>();
        private final Map<String, Integer> visits = new HashMap<>();
        private long nextLineSequence = 1;
        private Instant clock;
        private String actor = "test";
        private String actorRole;

        public Stream(String queueId, Instant start) {
            this.queueId = queueId;
            this.clock = start.truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // PostgreSQL keeps microseconds
        }

        public Stream(String queueId) {
            this(queueId, Instant.now());
        }

        private int ticketsIssued;

        public Stream created() {
            return add(new WaitingQueueCreated(queueId, "Queue " + queueId, 50));
        }

        public Stream checkIn(String patientId, String name, Priority priority) {
            int visit = visits.merge(patientId, 1, Integer::sum);
            return add(new PatientCheckedIn(queueId, patientId, name, priority, priority, "General", null, 40,
                    false, events.size(), nextLineSequence++, visit, String.format("%03d", ++ticketsIssued)));
        }

        public Stream paymentValidated(String patientId, String reference) {
            return add(new PatientPaymentValidated(queueId, patientId, reference, nextLineSequence++));
        }

        public Stream absentAtCashier(String patientId, int retry) {
            return add(new PatientAbsentAtCashier(queueId, patientId, retry, nextLineSequence++));
        }

        public Stream absentAtConsultation(String patientId, String roomId, int retry) {
            return add(new PatientAbsentAtConsultation(queueId, patientId, roomId, retry, nextLineSequence++));
        }

        /** The next event occurs at {@code at} (then 1 ms apart again). */
        public Stream at(Instant at) {
            clock = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusMillis(1);
            return this;
        }

        /** The events added from now on are caused by {@code actor} under {@code role} (null: none recorded). */
        public Stream by(String actor, String role) {
            this.actor = actor;
            this.actorRole = role;
            return this;
        }

        public Stream add(DomainEvent event) {
            clock = clock.plusMillis(1);
            events.add(CODEC.wrap(event, UUID.randomUUID(), events.size() + 1, clock, "corr-" + queueId, null, actor,
                    actorRole));
            return this;
        }

        public EventEnvelope version(long version) {
            return events.get((int) version - 1);
        }
    }

    public void publish(EventEnvelope envelope) throws Exception {
        publish(envelope, envelope.occurredAt().toEpochMilli(), System.currentTimeMillis());
    }

    public void publish(EventEnvelope envelope, long occurredAtMillis, long publishedAtMillis) throws Exception {
        publishTo(ProjectionTestInfra.EXCHANGE, envelope, occurredAtMillis, publishedAtMillis);
    }

    public void publishTo(String exchange, EventEnvelope envelope, long occurredAtMillis, long publishedAtMillis)
            throws Exception {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Routing.Headers.AGGREGATE_ID, envelope.aggregateId());
        headers.put(Routing.Headers.AGGREGATE_VERSION, envelope.version());
        headers.put(Routing.Headers.EVENT_TYPE, envelope.eventType());
        headers.put(Routing.Headers.SCHEMA_VERSION, envelope.schemaVersion());
        headers.put(Routing.Headers.OCCURRED_AT, occurredAtMillis);
        headers.put(Routing.Headers.PUBLISHED_AT, publishedAtMillis);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(Routing.CONTENT_TYPE).deliveryMode(2).messageId(envelope.eventId().toString())
                .correlationId(envelope.correlationId()).type(envelope.eventType())
                .timestamp(new java.util.Date(publishedAtMillis)).headers(headers).build();
        channel.exchangeDeclare(exchange, "topic", true);
        channel.basicPublish(exchange, Routing.routingKey(envelope.eventType()), properties, CODEC.encode(envelope));
        channel.waitForConfirmsOrDie(10_000);
    }

    public void publishAll(List<EventEnvelope> envelopes) throws Exception {
        for (EventEnvelope envelope : envelopes) {
            publish(envelope);
        }
    }

    public void publishRaw(String routingKey, AMQP.BasicProperties properties, byte[] body) throws Exception {
        channel.basicPublish(ProjectionTestInfra.EXCHANGE, routingKey, properties, body);
        channel.waitForConfirmsOrDie(10_000);
    }

    /** Appends envelopes to public.events as api-service would (actor_role included, event store V3). */
    public static void store(List<EventEnvelope> envelopes) throws Exception {
        try (java.sql.Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             PreparedStatement insert = c.prepareStatement(EventStoreRows.INSERT_EVENT);
             PreparedStatement role = c.prepareStatement("UPDATE public.events SET actor_role = ? WHERE event_id = ?")) {
            c.setAutoCommit(false);
            for (EventEnvelope e : envelopes) {
                EventStoreRows.bind(insert, e);
                insert.addBatch();
                if (e.actorRole() != null) {
                    role.setString(1, e.actorRole());
                    role.setObject(2, e.eventId());
                    role.addBatch();
                }
            }
            insert.executeBatch();
            role.executeBatch();
            c.commit();
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
