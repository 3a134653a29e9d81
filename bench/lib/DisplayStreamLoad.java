import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load client of bench/display-stream.sh (issue 21): N server-sent-event subscribers on one queue of
 * projection-worker while paced commands flow through api-service. JDK only, run as a single-file
 * program:
 *
 *   java bench/lib/DisplayStreamLoad.java API_URL PROJECTION_URL PROJECTION_MANAGEMENT_URL QUEUE_ID
 *        RECEPTIONIST_TOKEN VIEWER_TOKEN PROJECTION_PID SUBSCRIBERS RATE SECONDS WARMUP_SECONDS CLK_TCK
 *
 * Subscribers: one HttpClient (HTTP/1.1, one connection each, async line subscribers on a 2-thread
 * executor: no thread per connection). Commands: open loop at RATE/s, check-ins and leaves alternating
 * (the queue stays at ~50 patients); the time each 2xx answer arrived and its "version" are recorded.
 * commit->screen latency of a (subscriber, command) pair: from the command's answer to the arrival at
 * that subscriber of the first snapshot whose id (read-model version) >= the command's version (the
 * end of the event, i.e. its blank line). Phases: warm-up without subscribers, memory with 0 then N
 * subscribers (after a GC), fan-out warm-up with N, then paced phases 0, N, 0, N (projection CPU from
 * /proc/PID/stat over each).
 */
public class DisplayStreamLoad {

    static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    static final int PREFILL = 50;

    final String api, projection, management, queue, receptionist, viewer;
    final long pid;
    final int subscribers, rate, seconds, warmupSeconds, hz;
    final HttpClient commands;
    final ArrayDeque<String> waiting = new ArrayDeque<>();
    int nextPatient;

    DisplayStreamLoad(String[] a) {
        api = a[0];
        projection = a[1];
        management = a[2];
        queue = a[3];
        receptionist = a[4];
        viewer = a[5];
        pid = Long.parseLong(a[6]);
        subscribers = Integer.parseInt(a[7]);
        rate = Integer.parseInt(a[8]);
        seconds = Integer.parseInt(a[9]);
        warmupSeconds = Integer.parseInt(a[10]);
        hz = Integer.parseInt(a[11]);
        commands = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2, daemon("commands"))).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 12) {
            System.err.println("usage: DisplayStreamLoad API_URL PROJECTION_URL MANAGEMENT_URL QUEUE RECEPTIONIST_TOKEN"
                    + " VIEWER_TOKEN PROJECTION_PID SUBSCRIBERS RATE SECONDS WARMUP_SECONDS CLK_TCK");
            System.exit(2);
        }
        System.exit(new DisplayStreamLoad(args).run() ? 0 : 1);
    }

    boolean run() throws Exception {
        boolean ok = true;
        for (int i = 0; i < PREFILL; i++) {
            Command c = send(checkIn());
            c.future.join();
            if (c.status / 100 != 2) {
                throw new IllegalStateException("prefill check-in answered " + c.status + ": " + c.body);
            }
        }
        waitApplied(lastVersion());
        System.out.printf("queue %s: %d patients checked in, version %d%n", queue, PREFILL, lastVersion());

        System.out.printf("warm-up: %d s at %d commands/s, no subscriber%n", warmupSeconds, rate);
        paced(warmupSeconds).summary("  warm-up");

        Memory none = memory();
        Subscribers set = open();
        ok &= set.firstSnapshots("memory");
        Memory full = memory();
        System.out.printf("memory (projection-worker, after GC.run): 0 subscribers heap used %.1f MB, RSS %.1f MB;"
                        + " %d subscribers heap used %.1f MB, RSS %.1f MB -> %.1f KB heap, %.1f KB RSS per subscriber%n",
                none.heapKb / 1024.0, none.rssKb / 1024.0, subscribers, full.heapKb / 1024.0, full.rssKb / 1024.0,
                (full.heapKb - none.heapKb) / (double) subscribers, (full.rssKb - none.rssKb) / (double) subscribers);

        System.out.printf("fan-out warm-up: %d s at %d commands/s, %d subscribers%n", Math.min(warmupSeconds, 15), rate,
                subscribers);
        Phase warm = paced(Math.min(warmupSeconds, 15));
        warm.summary("  fan-out warm-up");
        ok &= set.analyse(warm, "  fan-out warm-up");
        set.close();

        double[] cpuNone = new double[2];
        double[] cpuFull = new double[2];
        long[] delivered = new long[2];
        for (int round = 0; round < 2; round++) {
            long ticks = ticks();
            long start = System.nanoTime();
            Phase idle = paced(seconds);
            cpuNone[round] = cpuMsPerSecond(ticks, start);
            idle.summary("round " + (round + 1) + ", 0 subscribers");
            System.out.printf("  projection-worker CPU %.0f ms/s (load average %s)%n", cpuNone[round], loadAverage());

            set = open();
            ok &= set.firstSnapshots("round " + (round + 1));
            Thread.sleep(2000);
            ticks = ticks();
            start = System.nanoTime();
            Phase busy = paced(seconds);
            cpuFull[round] = cpuMsPerSecond(ticks, start);
            double elapsed = (System.nanoTime() - start) / 1e9;
            busy.summary("round " + (round + 1) + ", " + subscribers + " subscribers");
            ok &= set.analyse(busy, "  ");
            delivered[round] = set.deliveredIn(busy);
            Memory open = memory();
            System.out.printf("  projection-worker CPU %.0f ms/s (load average %s); %d snapshots delivered"
                            + " (%.0f/s); fan-out %.0f ms/s over the 0-subscriber round, %.1f µs CPU per delivered snapshot;"
                            + " heap used after GC with the %d streams open %.1f MB, RSS %.1f MB%n",
                    cpuFull[round], loadAverage(), delivered[round], delivered[round] / elapsed,
                    cpuFull[round] - cpuNone[round],
                    (cpuFull[round] - cpuNone[round]) * elapsed * 1000 / delivered[round], subscribers,
                    open.heapKb / 1024.0, open.rssKb / 1024.0);
            set.close();
        }
        System.out.printf("fan-out CPU (1000-subscriber round minus the 0-subscriber round before it): %.0f and %.0f ms/s;"
                        + " %.1f and %.1f µs per delivered snapshot%n",
                cpuFull[0] - cpuNone[0], cpuFull[1] - cpuNone[1],
                (cpuFull[0] - cpuNone[0]) * seconds * 1000 / delivered[0],
                (cpuFull[1] - cpuNone[1]) * seconds * 1000 / delivered[1]);
        return ok;
    }

    // ---- commands ----

    final class Command {
        final boolean isCheckIn;
        volatile int status;
        volatile long answeredAt;
        volatile long version = -1;
        volatile String body;
        CompletableFuture<?> future;

        Command(boolean isCheckIn) {
            this.isCheckIn = isCheckIn;
        }
    }

    long last = -1;

    synchronized long lastVersion() {
        return last;
    }

    HttpRequest checkIn() {
        String id = "P-" + (++nextPatient);
        waiting.addLast(id);
        String body = String.format("{\"patientId\":\"%s\",\"patientName\":\"Bench %d\",\"priority\":\"%s\",\"consultationType\":\"General\"}",
                id, nextPatient, nextPatient % 7 == 0 ? "High" : "Medium");
        return HttpRequest.newBuilder(URI.create(api + "/api/waiting-rooms/" + queue + "/check-ins"))
                .header("Authorization", "Bearer " + receptionist).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build();
    }

    HttpRequest leave() {
        String id = waiting.pollFirst();
        return HttpRequest.newBuilder(URI.create(api + "/api/waiting-rooms/" + queue + "/patients/" + id + "/leave"))
                .header("Authorization", "Bearer " + receptionist).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(30)).build();
    }

    Command send(HttpRequest request) {
        Command c = new Command(request.uri().getPath().endsWith("check-ins"));
        c.future = commands.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            c.answeredAt = System.nanoTime();
            if (failure != null) {
                c.status = -1;
                c.body = failure.toString();
                return null;
            }
            c.status = response.statusCode();
            c.body = response.body();
            Matcher m = VERSION.matcher(response.body());
            if (c.status / 100 == 2 && m.find()) {
                c.version = Long.parseLong(m.group(1));
                synchronized (this) {
                    last = Math.max(last, c.version);
                }
            }
            return null;
        });
        return c;
    }

    final class Phase {
        final List<Command> commands = new ArrayList<>();
        long startedAt, endedAt;
        long versionBefore;

        long finalVersion() {
            return commands.stream().mapToLong(c -> c.version).max().orElse(-1);
        }

        void summary(String label) {
            int ok = 0;
            StringBuilder failures = new StringBuilder();
            long[] ms = new long[commands.size()];
            int n = 0;
            for (Command c : commands) {
                if (c.status / 100 == 2 && c.version >= 0) {
                    ok++;
                } else if (failures.length() < 300) {
                    failures.append(' ').append(c.status).append(' ').append(c.body, 0, Math.min(120, c.body.length()));
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d commands in %.1f s (%.0f/s), %d answered 2xx with a version, version %d -> %d%s%n",
                    label, commands.size(), (endedAt - startedAt) / 1e9, commands.size() / ((endedAt - startedAt) / 1e9), ok,
                    versionBefore, finalVersion(), failures.length() > 0 ? "; not 2xx:" + failures : "");
        }
    }

    /** RATE commands/s for SECONDS, open loop (each sent at its planned time, whatever the answers), then all answered. */
    Phase paced(int durationSeconds) {
        Phase phase = new Phase();
        phase.versionBefore = lastVersion();
        int total = rate * durationSeconds;
        long start = System.nanoTime();
        phase.startedAt = start;
        for (int i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            // keep ~50 patients: a leave after every check-in, of the oldest one (checked in ~PREFILL commands ago)
            phase.commands.add(send(i % 2 == 0 ? checkIn() : leave()));
        }
        phase.endedAt = System.nanoTime();
        CompletableFuture.allOf(phase.commands.stream().map(c -> c.future).toArray(CompletableFuture[]::new)).join();
        return phase;
    }

    void waitApplied(long version) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 600; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(projection + "/api/waiting-rooms/" + queue + "/display"))
                    .header("Authorization", "Bearer " + viewer).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = VERSION.matcher(r.body());
            if (r.statusCode() == 200 && m.find() && Long.parseLong(m.group(1)) >= version) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("projection did not reach version " + version);
    }

    // ---- subscribers ----

    static final class Sub implements Flow.Subscriber<String> {
        volatile Flow.Subscription subscription;
        volatile int status;
        volatile boolean ended;
        volatile String endedBy;
        volatile boolean closing;
        volatile int dataMismatches;
        private long[] at = new long[1024];
        private long[] version = new long[1024];
        private int count;
        private long id = -1;
        private boolean snapshot;
        int heartbeats;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                if (snapshot && id >= 0) {
                    record(System.nanoTime(), id);
                }
                snapshot = false;
                id = -1;
            } else if (line.startsWith("id:")) {
                id = Long.parseLong(line.substring(3).trim());
            } else if (line.startsWith("event:")) {
                snapshot = line.substring(6).trim().equals("snapshot");
            } else if (line.startsWith("data:")) {
                if (count == 0) { // the first snapshot's body says the same version as its id
                    Matcher m = VERSION.matcher(line);
                    if (!m.find() || Long.parseLong(m.group(1)) != id) {
                        dataMismatches++;
                    }
                }
            } else if (line.startsWith(":")) {
                heartbeats++;
            }
        }

        private synchronized void record(long nanos, long v) {
            if (count == at.length) {
                at = Arrays.copyOf(at, count * 2);
                version = Arrays.copyOf(version, count * 2);
            }
            at[count] = nanos;
            version[count] = v;
            count++;
        }

        synchronized int count() {
            return count;
        }

        synchronized long lastVersion() {
            return count == 0 ? -1 : version[count - 1];
        }

        /** Index of the first snapshot with version >= v, or count. */
        synchronized int firstAtLeast(long v) {
            int lo = 0, hi = count;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (version[mid] >= v) hi = mid;
                else lo = mid + 1;
            }
            return lo;
        }

        synchronized long at(int i) {
            return at[i];
        }

        synchronized long version(int i) {
            return version[i];
        }

        @Override
        public void onError(Throwable t) {
            endedBy = t.toString();
            ended = true;
        }

        @Override
        public void onComplete() {
            endedBy = "end of stream";
            ended = true;
        }
    }

    final class Subscribers {
        final HttpClient client;
        final ExecutorService executor = Executors.newFixedThreadPool(2, daemon("subscribers"));
        final List<Sub> subs = new ArrayList<>();
        final long openedAt = System.nanoTime();

        Subscribers() {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                    .connectTimeout(Duration.ofSeconds(20)).build();
        }

        boolean firstSnapshots(String label) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int got;
            do {
                Thread.sleep(100);
                got = (int) subs.stream().filter(s -> s.count() > 0).count();
            } while (got < subs.size() && System.nanoTime() < deadline);
            long mismatches = subs.stream().mapToInt(s -> s.dataMismatches).sum();
            long notOk = subs.stream().filter(s -> s.status != 200).count();
            System.out.printf("%s: %d subscribers opened in %.1f s, %d received their first snapshot, %d not 200, %d first"
                            + " snapshots whose data version differs from their id; projection_stream_subscribers %s%n",
                    label, subs.size(), (System.nanoTime() - openedAt) / 1e9, got, notOk, mismatches, metric("projection_stream_subscribers"));
            return got == subs.size() && notOk == 0 && mismatches == 0;
        }

        long deliveredIn(Phase phase) {
            long n = 0;
            for (Sub s : subs) {
                n += s.count() - s.firstAtLeast(phase.versionBefore + 1);
            }
            return n;
        }

        /** Latencies of every (subscriber, 2xx command) pair of the phase; snapshots per subscriber; misses and drops. */
        boolean analyse(Phase phase, String label) throws Exception {
            long finalVersion = phase.finalVersion();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && subs.stream().anyMatch(s -> !s.ended && s.lastVersion() < finalVersion)) {
                Thread.sleep(50);
            }
            List<Command> ok = phase.commands.stream().filter(c -> c.status / 100 == 2 && c.version >= 0).toList();
            long[] latencies = new long[ok.size() * subs.size()];
            int n = 0, missing = 0, early = 0, missedFinal = 0, dropped = 0;
            int minSnapshots = Integer.MAX_VALUE, maxSnapshots = 0;
            long snapshots = 0;
            for (Sub s : subs) {
                int first = s.firstAtLeast(phase.versionBefore + 1);
                int received = s.count() - first;
                snapshots += received;
                minSnapshots = Math.min(minSnapshots, received);
                maxSnapshots = Math.max(maxSnapshots, received);
                if (s.lastVersion() < finalVersion) {
                    missedFinal++;
                }
                if (s.ended) {
                    dropped++;
                }
                for (Command c : ok) {
                    int i = s.firstAtLeast(c.version);
                    if (i == s.count()) {
                        missing++;
                        continue;
                    }
                    long micros = (s.at(i) - c.answeredAt) / 1000;
                    if (micros < 0) {
                        early++; // the snapshot arrived before the command's answer did
                    }
                    latencies[n++] = micros;
                }
            }
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%s commit->screen over %d (subscriber, command) pairs: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms"
                            + " (%d pairs with the snapshot before the answer, counted as negative; %d pairs never served)%n",
                    label, n, pct(sorted, 0.50), pct(sorted, 0.95), pct(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1000.0, early, missing);
            System.out.printf(Locale.ROOT, "%s snapshots per subscriber: min %d, mean %.1f, max %d for %d commands (coalescing %.1f commands per snapshot);"
                            + " subscribers that missed the final version %d: %d; dropped or ended %d%s; projection_stream_dropped_total %s%n",
                    label, minSnapshots, snapshots / (double) subs.size(), maxSnapshots, ok.size(),
                    ok.size() / (snapshots / (double) subs.size()), finalVersion, missedFinal, dropped,
                    dropped > 0 ? " (e.g. " + subs.stream().filter(s -> s.ended).findFirst().get().endedBy + ")" : "",
                    metric("projection_stream_dropped_total"));
            return missedFinal == 0 && dropped == 0 && missing == 0;
        }

        void close() throws Exception {
            subs.forEach(s -> s.closing = true);
            for (Sub s : subs) {
                Flow.Subscription subscription = s.subscription;
                if (subscription != null) {
                    subscription.cancel();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String open;
            while (!(open = metric("projection_stream_subscribers")).equals("0.0") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            executor.shutdown();
            System.out.printf("  closed the %d streams: projection_stream_subscribers %s%n", subs.size(), open);
        }
    }

    Subscribers open() {
        Subscribers set = new Subscribers();
        HttpRequest request = HttpRequest.newBuilder(URI.create(projection + "/api/waiting-rooms/" + queue + "/stream"))
                .header("Authorization", "Bearer " + viewer).header("Accept", "text/event-stream").build();
        for (int i = 0; i < subscribers; i++) {
            Sub sub = new Sub();
            set.subs.add(sub);
            set.client.sendAsync(request, info -> {
                sub.status = info.statusCode();
                return HttpResponse.BodySubscribers.fromLineSubscriber(sub);
            }).whenComplete((r, failure) -> {
                if (failure != null && !sub.ended) {
                    sub.endedBy = failure.toString();
                    sub.ended = true;
                }
            });
        }
        return set;
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }

    // ---- projection-worker process ----

    record Memory(long heapKb, long rssKb) {
    }

    Memory memory() throws Exception {
        exec("jcmd", Long.toString(pid), "GC.run");
        String info = exec("jcmd", Long.toString(pid), "GC.heap_info");
        long heap = -1;
        Matcher m = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        if (m.find()) {
            heap = Long.parseLong(m.group(1));
        } else { // serial/parallel: the generations
            Matcher g = Pattern.compile("(generation|PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K").matcher(info);
            heap = 0;
            while (g.find()) heap += Long.parseLong(g.group(2));
        }
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
        }
        return new Memory(heap, rss);
    }

    long ticks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    double cpuMsPerSecond(long ticksBefore, long startNanos) throws IOException {
        long ticks = ticks() - ticksBefore;
        return ticks * 1000.0 / hz / ((System.nanoTime() - startNanos) / 1e9);
    }

    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1];
    }

    String metric(String name) {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(management + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return line.substring(line.lastIndexOf(' ') + 1);
                }
            }
            return "absent";
        } catch (Exception e) {
            return "? (" + e + ")";
        }
    }

    static String exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
