package com.waitingroom.projection;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.waitingroom.kernel.Priority;
import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.messaging.ApplyListener;
import com.waitingroom.projection.messaging.ConsumerLifecycle;
import com.waitingroom.projection.messaging.ProjectionConsumer;
import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.LiveProjection;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static com.waitingroom.projection.Api.viewer;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outages while messages arrive, simulated with TcpProxy (the shared servers keep running).
 * PostgreSQL: a consumer whose database connection goes through a proxy keeps the messages
 * unacknowledged, dead-letters nothing, and applies all of them once the database is back.
 * RabbitMQ outages: BrokerRecoveryTest, TopologyRecoveryRaceTest; health probes during both: HealthDuringOutageTest.
 */
@QuarkusTest
class OutageTest {

    private static final String EXCHANGE = "projection-test.outage-events";
    private static final String QUEUE = "projection-test.outage-read-models";

    @Inject
    ProjectionConfig config;

    @Test
    void databaseOutageLosesNothingAndDeadLettersNothing() throws Exception {
        try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
            channel.queueDelete(QUEUE);
            channel.queueDelete(QUEUE + ".dlq");
        }
        AtomicInteger deadLettered = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ApplyListener listener = new ApplyListener() {
            @Override
            public void batchCommitted(BatchOutcome outcome, Instant committedAt) {
            }

            @Override
            public void deadLettered(String reason) {
                deadLettered.incrementAndGet();
            }

            @Override
            public void failed(String error) {
                failures.incrementAndGet();
            }
        };
        try (TcpProxy postgres = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
             TestEvents events = new TestEvents()) {
            PGSimpleDataSource viaProxy = new PGSimpleDataSource();
            viaProxy.setURL("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + ProjectionTestInfra.DATABASE);
            viaProxy.setUser(LocalInfra.pgUser());
            viaProxy.setPassword(LocalInfra.pgPassword());
            viaProxy.setConnectTimeout(2);
            LiveProjection projection = new LiveProjection(viaProxy);
            ProjectionConsumer.Settings main = ConsumerLifecycle.settings(config);
            ProjectionConsumer.Settings settings = new ProjectionConsumer.Settings(main.host(), main.port(),
                    main.username(), main.password(), EXCHANGE, QUEUE, main.deadLetterExchange(), 50, 20,
                    main.maxAttempts());
            try (ProjectionConsumer consumer = new ProjectionConsumer(settings, projection::apply, projection::park,
                    listener)) {
                consumer.start();
                await().atMost(Duration.ofSeconds(10)).until(consumer::isConsuming);

                TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("outage")).created();
                for (int p = 1; p <= 80; p++) {
                    stream.checkIn("P-" + p, "Patient " + p, Priority.values()[p % 4]);
                }
                postgres.cut();
                for (var envelope : stream.events) {
                    long now = System.currentTimeMillis();
                    events.publishTo(EXCHANGE, envelope, now, now);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> failures.get() > 0);
                Thread.sleep(1000);
                viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(404);

                postgres.restore();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                                .body("cashierLine", hasSize(80)));
                assertEquals(0, deadLettered.get(), "an outage is not a poison message");
                try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> channel.queueDeclarePassive(QUEUE)
                            .getMessageCount() == 0);
                    assertEquals(0, channel.queueDeclarePassive(QUEUE + ".dlq").getMessageCount());
                }
                assertTrue(failures.get() > 0);
            }
        } finally {
            try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
                channel.queueDelete(QUEUE);
                channel.queueDelete(QUEUE + ".dlq");
                channel.exchangeDelete(EXCHANGE);
            }
        }
    }
}
