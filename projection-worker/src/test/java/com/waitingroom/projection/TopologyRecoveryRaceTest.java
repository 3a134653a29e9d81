package com.waitingroom.projection;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.waitingroom.projection.messaging.ProjectionConsumer;
import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19, item 5, the race behind "Caught an exception when recovering topology … connection is
 * already closed": the worker re-subscribes by itself after a batch fails (closing its consume
 * channel so the broker redelivers), and if that happens while the connection is down, the
 * client's own topology recovery (when it was on) later re-declared what had been recorded on the
 * aborted channel, through that dead channel. Here a test-owned consumer (fake applier and parker,
 * no database) fails a batch while its TcpProxy is cut; after the restore it must be subscribed
 * once, get the redelivery, and nothing may log a topology recovery failure.
 */
class TopologyRecoveryRaceTest {

    private static final String EXCHANGE = "projection-test.race-events";
    private static final String QUEUE = "projection-test.race-read-models";

    @Test
    void aBatchFailingDuringABrokerCutLeavesNothingForTheClientToRecover() throws Exception {
        deleteQueues();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean failing = new AtomicBoolean(true);
        AtomicInteger applied = new AtomicInteger();
        ProjectionConsumer.BatchApplier applier = batch -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing.get()) {
                throw new IllegalStateException("injected projector failure");
            }
            applied.addAndGet(batch.size());
            return new BatchOutcome(List.of(), 0, 0, 0);
        };
        ProjectionConsumer.QueueParker parker = (failure, attempts, delivered) -> {
            failing.set(false); // the redelivery will apply
            throw new IllegalStateException("injected parking failure: the batch is aborted without ack");
        };
        ProjectionConsumer.Settings settings = new ProjectionConsumer.Settings("127.0.0.1", 0, LocalInfra.rabbitUser(),
                LocalInfra.rabbitPassword(), EXCHANGE, QUEUE, EXCHANGE + ".dlx", 10, 10, 3);
        try (TcpProxy broker = TcpProxy.start(LocalInfra.rabbitHost(), LocalInfra.rabbitPort());
             CapturedLog log = CapturedLog.atOrAbove(Level.WARNING);
             TestEvents events = new TestEvents();
             ProjectionConsumer consumer = new ProjectionConsumer(withPort(settings, broker.port()), applier, parker,
                     (outcome, at) -> { })) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(consumer::isConsuming);
            TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("race")).created();
            long now = System.currentTimeMillis();
            events.publishTo(EXCHANGE, stream.version(1), now, now);
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the batch never reached the applier");

            broker.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.isConsuming());
            release.countDown(); // the batch fails now, with the connection down
            Thread.sleep(2_500); // re-subscribe attempts while the broker is away
            broker.restore();
            await().atMost(Duration.ofSeconds(20)).until(consumer::isConsuming);
            await().atMost(Duration.ofSeconds(20)).until(() -> applied.get() == 1);
            Thread.sleep(1_000); // a topology recovery running after the re-subscribe would log by now

            List<CapturedLog.Line> lines = log.lines();
            lines.forEach(line -> System.out.println("RACE   " + line));
            assertTrue(lines.stream().noneMatch(line -> line.text().contains("recovering topology")),
                    "topology recovery failed: " + lines);
            try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
                assertEquals(1, channel.queueDeclarePassive(QUEUE).getConsumerCount(), "exactly one consumer");
                await().atMost(Duration.ofSeconds(10)).until(() -> channel.queueDeclarePassive(QUEUE).getMessageCount() == 0);
            }
        } finally {
            deleteQueues();
        }
    }

    private static ProjectionConsumer.Settings withPort(ProjectionConsumer.Settings s, int port) {
        return new ProjectionConsumer.Settings(s.host(), port, s.username(), s.password(), s.exchange(), s.queue(),
                s.deadLetterExchange(), s.prefetch(), s.batchSize(), s.maxAttempts());
    }

    private static void deleteQueues() throws Exception {
        try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
            channel.queueDelete(QUEUE);
            channel.queueDelete(QUEUE + ".dlq");
            channel.exchangeDelete(EXCHANGE);
            channel.exchangeDelete(EXCHANGE + ".dlx");
        }
    }
}
