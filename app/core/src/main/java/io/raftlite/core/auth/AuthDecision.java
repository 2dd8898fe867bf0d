package io.raftlite.core.auth;

/**
 * What the auth file says about one request.
 *
 * @param outcome what to answer
 * @param user    the authenticated user name, or null when none was (anonymous, or refused credentials); the
 *                name that was sent is never reported for refused credentials, so a password typed into the
 *                user field cannot reach a log
 * @param reason  a short reason for a refusal (no credentials, wrong credentials, missing permission), null
 *                when allowed
 */
public record AuthDecision(Outcome outcome, String user, String reason) {

    /** ALLOWED: serve; UNAUTHENTICATED: 401 with a challenge; FORBIDDEN: 403. */
    public enum Outcome { ALLOWED, UNAUTHENTICATED, FORBIDDEN }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }

    static AuthDecision allow(String user) {
        return new AuthDecision(Outcome.ALLOWED, user, null);
    }

    static AuthDecision unauthenticated(String reason) {
        return new AuthDecision(Outcome.UNAUTHENTICATED, null, reason);
    }

    static AuthDecision forbidden(String user, String reason) {
        return new AuthDecision(Outcome.FORBIDDEN, user, reason);
    }
}
