package com.waitingroom.projection.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.projection.bench.ClinicDay.ConsultationType;
import com.waitingroom.projection.bench.ClinicDay.Hours;
import com.waitingroom.projection.bench.PredictionErrors.Line;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Accuracy run of the predicted waits (bench/wait-prediction.sh): plays a generated {@link ClinicDay}
 * in compressed time against the real api-service (commands), and samples projection-worker's /queue
 * (fed through outbox-worker and RabbitMQ) every few simulated minutes. For each waiting patient it
 * records the service's estimatedWaitSeconds and two naive estimates, and scores them when the patient
 * is actually called ({@link PredictionErrors}). Staff behave as a clinic would: a free open desk calls
 * the next patient at once, a free active room claims the next one at once.
 * Usage: WaitPredictionDriver apiUrl projectionUrl token queueId seed msPerSimMinute dayMinutes arrivalsPerMinute
 */
public final class WaitPredictionDriver {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double SAMPLE_EVERY_MINUTES = 2;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String api;
    private final String projection;
    private final String token;
    private final String queue;
    private final double msPerMinute;
    private final ClinicDay day;
    private final PredictionErrors errors = new PredictionErrors();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final Map<String, Patient> patients = new HashMap<>();
    private final Map<String, Station> desks = new LinkedHashMap<>();
    private final Map<String, Station> rooms = new LinkedHashMap<>();
    private final List<Double> cashierOccupancies = new ArrayList<>();
    private final List<Double> roomOccupancies = new ArrayList<>();
    private long started;
    private long sequence;
    private int arrivals;
    private int refusals;
    private int cashierWaiting;
    private int consultationWaiting;

    private record Task(double at, long sequence, Runnable action) implements Comparable<Task> {
        public int compareTo(Task other) {
            int byTime = Double.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private static final class Patient {
        final String id;
        final ConsultationType type;
        Line line;
        int stint;

        Patient(String id, ConsultationType type) {
            this.id = id;
            this.type = type;
        }
    }

    private static final class Station {
        final Hours hours;
        boolean open;
        Patient occupant;
        double since;

        Station(Hours hours) {
            this.hours = hours;
        }
    }

    private WaitPredictionDriver(String[] args) {
        api = args[0];
        projection = args[1];
        token = args[2];
        queue = args[3];
        msPerMinute = Double.parseDouble(args[5]);
        day = new ClinicDay(Long.parseLong(args[4]), Double.parseDouble(args[7]), Double.parseDouble(args[6]));
    }

    public static void main(String[] args) throws Exception {
        new WaitPredictionDriver(args).run();
    }

    private void run() throws Exception {
        post("/api/waiting-rooms", "{\"queueId\":\"" + queue + "\",\"maxCapacity\":1000}");
        day.desks.forEach(h -> desks.put(h.id(), new Station(h)));
        day.rooms.forEach(h -> rooms.put(h.id(), new Station(h)));
        started = System.nanoTime();
        for (Station desk : desks.values()) {
            at(desk.hours.opensAt(), () -> { desk.open = true; dispatchDesks(); });
            at(desk.hours.closesAt(), () -> desk.open = false); // its patient finishes; no new call
        }
        for (Station room : rooms.values()) {
            at(room.hours.opensAt(), () -> { put("/rooms/" + room.hours.id() + "/activation"); room.open = true;
                dispatchRooms(); });
            at(room.hours.closesAt(), () -> closeRoomWhenFree(room));
        }
        at(day.nextArrivalGap(), this::arrive);
        at(SAMPLE_EVERY_MINUTES, this::sample);
        while (!tasks.isEmpty()) {
            Task task = tasks.poll();
            long due = started + (long) (task.at() * msPerMinute * 1_000_000);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            task.action().run();
        }
        System.out.printf("RUN patients %d, samples %d, refused commands %d, simulated %.0f min in %.0f s%n",
                arrivals, errors.samplesTaken(), refusals, now(), (System.nanoTime() - started) / 1e9);
        errors.report().forEach(System.out::println);
    }

    private void arrive() {
        Patient p = new Patient(String.format("P%04d", ++arrivals), day.consultationType());
        patients.put(p.id, p);
        post("/check-ins", "{\"patientId\":\"" + p.id + "\",\"patientName\":\"Patient " + arrivals + "\",\"priority\":\""
                + day.priority() + "\",\"consultationType\":\"" + p.type.name() + "\"}");
        enter(p, Line.CASHIER);
        dispatchDesks();
        double next = now() + day.nextArrivalGap();
        if (next < day.dayMinutes) {
            at(next, this::arrive);
        }
    }

    private void enter(Patient p, Line line) {
        p.line = line;
        p.stint++;
        if (line == Line.CASHIER) {
            cashierWaiting++;
        } else {
            consultationWaiting++;
        }
    }

    private void dispatchDesks() {
        for (Station desk : desks.values()) {
            if (cashierWaiting == 0) {
                return;
            }
            if (desk.open && desk.occupant == null) {
                JsonNode called = post("/cashier/next", "{\"deskId\":\"" + desk.hours.id() + "\"}");
                Patient p = called == null ? null : patients.get(called.path("patientId").asText());
                if (p == null) {
                    cashierWaiting = 0; // the aggregate says nobody waits: trust it
                    return;
                }
                take(desk, p, Line.CASHIER);
                cashierWaiting--;
                serveAtDesk(desk, p);
            }
        }
    }

    private void serveAtDesk(Station desk, Patient p) {
        if (day.chance(ClinicDay.CASHIER_ABSENT_SHARE)) {
            later(ClinicDay.ABSENCE_NOTICED_MINUTES, () -> {
                JsonNode absent = post("/patients/" + p.id + "/cashier-absence", null);
                free(desk, cashierOccupancies);
                if (absent != null && "WAITING_FOR_CASHIER".equals(absent.path("status").asText())) {
                    enter(p, Line.CASHIER);
                }
                dispatchDesks();
            });
        } else if (day.chance(ClinicDay.PAYMENT_PENDING_SHARE)) {
            later(day.cashierMinutes(), () -> {
                post("/patients/" + p.id + "/payment/pending", "{\"reason\":\"card declined\"}");
                free(desk, cashierOccupancies);
                dispatchDesks();
                later(day.pendingPaymentMinutes(), () -> validate(p));
            });
        } else {
            later(day.cashierMinutes(), () -> {
                free(desk, cashierOccupancies);
                validate(p);
                dispatchDesks();
            });
        }
    }

    private void validate(Patient p) {
        post("/patients/" + p.id + "/payment", null);
        enter(p, Line.CONSULTATION);
        dispatchRooms();
    }

    private void dispatchRooms() {
        for (Station room : rooms.values()) {
            if (consultationWaiting == 0) {
                return;
            }
            if (room.open && room.occupant == null && now() < room.hours.closesAt()) {
                JsonNode claimed = post("/attention/next", "{\"roomId\":\"" + room.hours.id() + "\"}");
                Patient p = claimed == null ? null : patients.get(claimed.path("patientId").asText());
                if (p == null) {
                    consultationWaiting = 0;
                    return;
                }
                take(room, p, Line.CONSULTATION);
                consultationWaiting--;
                post("/patients/" + p.id + "/call", null);
                attend(room, p);
            }
        }
    }

    private void attend(Station room, Patient p) {
        if (day.chance(ClinicDay.CONSULTATION_ABSENT_SHARE)) {
            later(ClinicDay.ABSENCE_NOTICED_MINUTES, () -> {
                JsonNode absent = post("/patients/" + p.id + "/consultation-absence", null);
                roomFreed(room);
                if (absent != null && "WAITING_FOR_CONSULTATION".equals(absent.path("status").asText())) {
                    enter(p, Line.CONSULTATION);
                }
                dispatchRooms();
            });
            return;
        }
        later(ClinicDay.WALK_MINUTES, () -> {
            post("/patients/" + p.id + "/consultation", null);
            later(day.consultationMinutes(p.type), () -> {
                post("/patients/" + p.id + "/completion", "{\"outcome\":\"Attended\"}");
                roomFreed(room);
                dispatchRooms();
            });
        });
    }

    private void roomFreed(Station room) {
        free(room, roomOccupancies);
        if (now() >= room.hours.closesAt()) {
            closeRoomWhenFree(room);
        }
    }

    private void closeRoomWhenFree(Station room) {
        if (room.open && room.occupant == null) {
            delete("/rooms/" + room.hours.id() + "/activation");
            room.open = false;
        }
    }

    private void take(Station station, Patient p, Line line) {
        station.occupant = p;
        station.since = now();
        p.line = null;
        errors.called(p.id, line, p.stint, now());
    }

    private void free(Station station, List<Double> occupancies) {
        occupancies.add(now() - station.since);
        station.occupant = null;
    }

    /** One /queue response: every waiting patient's estimate, and the two naive ones. */
    private void sample() {
        double at = now();
        JsonNode view = get(projection + "/api/waiting-rooms/" + queue + "/queue");
        if (view != null) {
            sampleLine(view.path("cashierLine"), Line.CASHIER, at, mean(cashierOccupancies, 3), openCount(desks));
            sampleLine(view.path("consultationLine"), Line.CONSULTATION, at, mean(roomOccupancies, 12),
                    openCount(rooms));
        }
        if (!everyoneServed() || at < day.dayMinutes) {
            at(at + SAMPLE_EVERY_MINUTES, this::sample);
        }
    }

    private void sampleLine(JsonNode line, Line which, double at, double average, int open) {
        for (JsonNode entry : line) {
            Patient p = patients.get(entry.path("patientId").asText());
            JsonNode estimate = entry.path("estimatedWaitSeconds");
            if (p == null || p.line != which || estimate.isNull() || estimate.isMissingNode() || open == 0) {
                continue; // already called (the view lags a little), or no estimate
            }
            int ahead = entry.path("position").asInt() - 1;
            errors.sample(new PredictionErrors.Sample(p.id, which, p.stint, at, estimate.asLong() * 1000 / msPerMinute,
                    quantized(ahead * average), quantized(ahead * average / open)));
        }
    }

    /** The naive estimates rounded to whole seconds of real time, as the service's field is. */
    private double quantized(double minutes) {
        return Math.round(minutes * msPerMinute / 1000) * 1000 / msPerMinute;
    }

    private static double mean(List<Double> values, double prior) {
        return values.isEmpty() ? prior : values.stream().mapToDouble(Double::doubleValue).average().orElse(prior);
    }

    private static int openCount(Map<String, Station> stations) {
        return (int) stations.values().stream().filter(s -> s.open).count();
    }

    private boolean everyoneServed() {
        return cashierWaiting == 0 && consultationWaiting == 0 && desks.values().stream().allMatch(s -> s.occupant == null)
                && rooms.values().stream().allMatch(s -> s.occupant == null)
                && patients.values().stream().noneMatch(p -> p.line != null);
    }

    private double now() {
        return (System.nanoTime() - started) / 1e6 / msPerMinute;
    }

    private void at(double minute, Runnable action) {
        if (minute < Double.MAX_VALUE / 2) {
            tasks.add(new Task(minute, sequence++, action));
        }
    }

    private void later(double minutes, Runnable action) {
        at(now() + minutes, action);
    }

    private JsonNode post(String path, String body) {
        String url = path.startsWith("/api/") ? api + path : api + "/api/waiting-rooms/" + queue + path;
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private void put(String path) {
        send(HttpRequest.newBuilder(URI.create(api + "/api/waiting-rooms/" + queue + path)).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    private void delete(String path) {
        send(HttpRequest.newBuilder(URI.create(api + "/api/waiting-rooms/" + queue + path)).DELETE());
    }

    private JsonNode get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** The JSON answer, or null (counted and printed) when the service refused the command. */
    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                refusals++;
                System.out.printf("refused %s %s: %d %s%n", response.request().method(), response.request().uri(),
                        response.statusCode(), response.body());
                return null;
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
