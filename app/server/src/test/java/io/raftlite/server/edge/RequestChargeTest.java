package io.raftlite.server.edge;

import io.raftlite.core.api.BadRequestException;
import io.raftlite.core.api.RequestLimits;
import io.raftlite.core.api.RequestParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestChargeTest {

    private static byte[] selects(int n) {
        return ("[" + String.join(",", Collections.nCopies(n, "\"SELECT 1\"")) + "]").getBytes(StandardCharsets.UTF_8);
    }

    private static int parse(BodyBudget budget, byte[] body) throws BadRequestException {
        try (RequestCharge charge = new RequestCharge(budget, body.length)) {
            return RequestParser.parse(body, "application/json", RequestLimits.DEFAULT, charge).size();
        }
    }

    @Test
    void statementsDrawFromTheBudgetUntilTheAnswerAndGiveItBack() throws Exception {
        BodyBudget budget = new BodyBudget(1 << 20);
        byte[] body = selects(1000);
        try (RequestCharge charge = new RequestCharge(budget, body.length)) {
            RequestParser.parse(body, "application/json", RequestLimits.DEFAULT, charge);
            assertEquals(1000 * 128, charge.taken());
            assertEquals(1000 * 128, budget.inUse());
        }
        assertEquals(0, budget.inUse());
    }

    @Test
    void aRequestThatCanNeverFitIs413AndOneCrowdedOutIs503() throws Exception {
        BodyBudget budget = new BodyBudget(1 << 20); // room for about 8,000 statements
        BadRequestException never = assertThrows(BadRequestException.class, () -> parse(budget, selects(9000)));
        assertEquals(413, never.status());
        assertTrue(never.getMessage().contains("split it"), never.getMessage());
        assertEquals(0, budget.inUse(), "a refused request gives back what it took");

        assertTrue(budget.tryReserve(900_000)); // other requests hold most of it
        BadRequestException busy = assertThrows(BadRequestException.class, () -> parse(budget, selects(2000)));
        assertEquals(503, busy.status());
        budget.release(900_000);
        assertEquals(2000, parse(budget, selects(2000)));
    }

    @Test
    void aQueuedWriteKeepsItsShareUntilFlushed() throws Exception {
        BodyBudget budget = new BodyBudget(1 << 20);
        byte[] body = selects(100);
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        try (RequestCharge charge = new RequestCharge(budget, body.length)) {
            RequestParser.parse(body, "application/json", RequestLimits.DEFAULT, charge);
            assertTrue(charge.holdUntil(flushed));
        }
        assertEquals(100 * 128 + body.length, budget.inUse());
        flushed.complete(null);
        assertEquals(0, budget.inUse());

        assertTrue(budget.tryReserve((1 << 20) - 10));
        try (RequestCharge charge = new RequestCharge(budget, 100)) {
            assertFalse(charge.holdUntil(new CompletableFuture<>()), "no room for the body's share now");
        }
        assertEquals((1 << 20) - 10, budget.inUse());
    }
}
