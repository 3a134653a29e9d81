package com.waitingroom.api.api;

import com.waitingroom.api.domain.FieldError;
import com.waitingroom.api.domain.InvalidCommandException;
import com.waitingroom.api.domain.NotFoundException;
import com.waitingroom.api.domain.RuleViolationException;
import com.waitingroom.api.store.CommitOutcomeUnknownException;
import com.waitingroom.api.store.StoreFailures;
import com.waitingroom.api.store.StoreUnavailableException;
import com.waitingroom.http.Problem;
import com.waitingroom.http.jaxrs.ProblemResponses;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Duration;
import java.util.List;

/** Every failure leaves as application/problem+json with a stable code; only real faults are 5xx. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final String STORE_UNAVAILABLE = "STORE_UNAVAILABLE";
    static final String COMMIT_OUTCOME_UNKNOWN = "COMMIT_OUTCOME_UNKNOWN";
    private static final StoreFailureLog STORE_FAILURES =
            new StoreFailureLog(LOG, Duration.ofSeconds(10).toNanos(), System::nanoTime);

    @ServerExceptionMapper
    public Response invalid(InvalidCommandException e) {
        return ProblemResponses.of(problem(400, "Invalid request", e.code(), e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return ProblemResponses.of(problem(404, "Not found", e.code(), e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response ruleViolation(RuleViolationException e) {
        return ProblemResponses.of(problem(422, "Business rule violated", e.code(), e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return ProblemResponses.of(problem(e.status(), e.title(), e.code(), e.getMessage(), null));
    }

    /** The append was sent and its answer lost: it may have committed; a replay with its key is safe. */
    @ServerExceptionMapper
    public Response outcomeUnknown(CommitOutcomeUnknownException e) {
        STORE_FAILURES.record(COMMIT_OUTCOME_UNKNOWN, e.getCause());
        return retryLater(problem(503, "Service unavailable", COMMIT_OUTCOME_UNKNOWN,
                "the connection to the event store was lost after the command was sent: it may or may not have"
                        + " been recorded. Retry with the same Idempotency-Key: if it was recorded, its response is"
                        + " replayed, otherwise it is recorded once (without a key, read the queue before retrying)",
                null));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (StoreFailures.isUnavailable(e)) {
            STORE_FAILURES.record(STORE_UNAVAILABLE, e instanceof StoreUnavailableException ? e.getCause() : e);
            return retryLater(problem(503, "Service unavailable", STORE_UNAVAILABLE,
                    "the event store cannot be reached; nothing was recorded, retry later", null));
        }
        LOG.error("unexpected failure", e);
        return ProblemResponses.of(problem(500, "Internal error", "INTERNAL_ERROR",
                "unexpected failure; nothing is known to be recorded, retry with the same Idempotency-Key", null));
    }

    private static Response retryLater(Problem problem) {
        return ProblemResponses.of(problem.retryAfter(1));
    }

    /** The suite's one shape (service-http); title before code, as this service's mappers read. */
    private static Problem problem(int status, String title, String code, String detail, List<FieldError> errors) {
        Problem problem = Problem.of(status, code, title, detail);
        return errors == null || errors.isEmpty() ? problem
                : problem.withErrors(errors.stream().map(e -> new Problem.FieldError(e.field(), e.message())).toList());
    }
}
