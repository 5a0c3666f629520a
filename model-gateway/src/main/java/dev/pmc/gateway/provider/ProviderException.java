package dev.pmc.gateway.provider;

/**
 * A failed provider call, classified for the retry policy. Messages never contain the request, headers or key.
 */
public class ProviderException extends RuntimeException {
    /**
     * rate_limited (429), server_error (5xx, 529), timeout, malformed (unparseable 2xx body), connect, client_error (other
     * 4xx), quota_exhausted (the account's quota, credit or spend limit is used up: no retry can succeed).
     */
    public enum Kind {
        RATE_LIMITED("rate_limited"), SERVER_ERROR("server_error"), TIMEOUT("timeout"), MALFORMED("malformed"),
        CONNECT("connect_error"), CLIENT_ERROR("client_error"), QUOTA_EXHAUSTED("quota_exhausted");

        public final String label;

        Kind(String label) {
            this.label = label;
        }

        public boolean retryable() {
            return this != CLIENT_ERROR && this != QUOTA_EXHAUSTED;
        }
    }

    private final Kind kind;
    private final int status;
    private final RateLimitInfo limits;

    public ProviderException(Kind kind, int status, String message, RateLimitInfo limits) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.limits = limits == null ? RateLimitInfo.NONE : limits;
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return status;
    }

    public RateLimitInfo limits() {
        return limits;
    }
}
