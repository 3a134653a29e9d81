// CPU per event of event-ingest-service's body parser alone, in-process, on the batch the ingest bench sends
// (500 events, the same shape as bench/event-ingest-service.sh's batch body). Single-file program:
//   java -cp "event-ingest-service/target/quarkus-app/lib/main/*:event-ingest-service/target/quarkus-app/app/*" \
//        bench/lib/IngestParseCost.java [rounds, default 8]
// Prints the parser thread's CPU per event per round of 4,000 bodies (the first rounds include JIT warm-up).
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.waitingroom.ingest.domain.EventParser;

public class IngestParseCost {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        String now = Instant.now().toString();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 1; i <= 500; i++) {
            batch.append(i > 1 ? "," : "").append("{\"timestamp\":\"").append(now)
                    .append("\",\"service\":\"bench-batch\",\"message\":\"queue event ").append(i)
                    .append("\",\"metadata\":{\"n\":").append(i).append("}}");
        }
        byte[] body = batch.append(']').toString().getBytes(StandardCharsets.UTF_8);
        EventParser parser = new EventParser(Clock.systemUTC(), 10_000, 30, Duration.ofHours(24));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= rounds; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long events = 0;
            for (int k = 0; k < 4000; k++) {
                events += parser.parseJson(body).events().size();
            }
            System.out.printf("round %d: %.3f us of CPU per event%n", round, (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / events);
        }
    }
}
