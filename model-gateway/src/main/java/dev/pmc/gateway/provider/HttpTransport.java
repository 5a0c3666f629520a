package dev.pmc.gateway.provider;

import dev.pmc.core.security.BaseUrlPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * POSTs JSON over the Vert.x HTTP client (non-blocking, pooled keep-alive connections on the event loop).
 * One transport per target, pool size = the target's in-flight cap. Timeouts fail the call with
 * {@link ProviderException.Kind#TIMEOUT}; connection failures with CONNECT.
 */
public final class HttpTransport {
    /** Status, header lookup (case-insensitive) and body of a response. */
    public record Reply(int status, Function<String, String> header, String body) {
    }

    /** Largest provider response read (1 MiB). */
    public static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final HttpClient client;
    /** Calls are made on this event-loop context: from a foreign thread the response could arrive before its body handler is set. */
    private final io.vertx.core.Context context;

    /**
     * Picks the address a call connects to, checked at that moment (SSRF: a name that resolves elsewhere after
     * registration, DNS rebinding); null connects by name without a check (a base URL the operator allowed).
     */
    public interface AddressGuard {
        java.net.InetAddress connectAddress(String host) throws java.net.UnknownHostException;
    }

    private final AddressGuard guard;
    private final Vertx vertx;

    public HttpTransport(Vertx vertx, int poolSize) {
        this(vertx, poolSize, null);
    }

    public HttpTransport(Vertx vertx, int poolSize, AddressGuard guard) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(Math.max(1, poolSize)).setKeepAlive(true)
                .setConnectTimeout(5000).setPipelining(false));
        this.context = vertx.getOrCreateContext();
        this.guard = guard;
        this.vertx = vertx;
    }

    public CompletableFuture<Reply> post(URI uri, Map<String, String> headers, byte[] body, long timeoutMs) {
        boolean tls = "https".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(port).setSsl(tls)
                .setURI(path).setTimeout(timeoutMs).setFollowRedirects(false);
        headers.forEach(options::putHeader);
        options.putHeader("Content-Type", "application/json");
        CompletableFuture<Reply> out = new CompletableFuture<>();
        if (guard == null) {
            context.runOnContext(v -> send(options, body, out));
        } else {
            // resolve and check off the event loop (a DNS lookup blocks), then connect to exactly the checked address;
            // the name stays the Host header and the TLS server name. Pooled connections are keyed by that address,
            // so a changed answer gets a new, checked connection.
            String host = uri.getHost();
            vertx.<java.net.InetAddress>executeBlocking(() -> guard.connectAddress(host), false).onComplete(ar -> {
                if (ar.failed()) {
                    Throwable err = ar.cause();
                    out.completeExceptionally(err instanceof BaseUrlPolicy.RefusedAddressException
                            ? new ProviderException(ProviderException.Kind.CLIENT_ERROR, 0, "refused to connect: " + err.getMessage(), null)
                            : new ProviderException(ProviderException.Kind.CONNECT, 0, "cannot resolve " + host, null));
                    return;
                }
                options.setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, ar.result().getHostAddress()));
                context.runOnContext(v -> send(options, body, out));
            });
        }
        // a deadline of our own too, so no call can hang whatever happens to its connection
        return out.orTimeout(timeoutMs + 2000, java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionallyCompose(err -> CompletableFuture.failedFuture(
                        err instanceof java.util.concurrent.TimeoutException ? classify(err) : err));
    }

    private void send(RequestOptions options, byte[] body, CompletableFuture<Reply> out) {
        try {
            client.request(options)
                    .compose(req -> req.send(Buffer.buffer(body)))
                    .onSuccess(resp -> readCapped(resp, out))
                    .onFailure(err -> out.completeExceptionally(classify(err)));
        } catch (RuntimeException closed) {
            // the target was deleted (its client closed) while this call was being dispatched: the call fails, so the
            // prompt is settled or dropped instead of waiting for ever (RobustnessIT saw one pending prompt stay)
            out.completeExceptionally(new ProviderException(ProviderException.Kind.CONNECT, 0, "client closed", null));
        }
    }

    /**
     * Reads the body up to {@link #MAX_RESPONSE_BYTES}; a larger one (an MFQ answer is a few hundred bytes, a
     * misbehaving or hostile endpoint may stream without end) fails the call as malformed and closes the connection.
     */
    private static void readCapped(io.vertx.core.http.HttpClientResponse resp, CompletableFuture<Reply> out) {
        String declared = resp.getHeader("Content-Length");
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > MAX_RESPONSE_BYTES) {
            tooLarge(resp, out);
            return;
        }
        Buffer acc = Buffer.buffer();
        resp.handler(chunk -> {
            if (out.isDone()) return;
            if (acc.length() + chunk.length() > MAX_RESPONSE_BYTES) tooLarge(resp, out);
            else acc.appendBuffer(chunk);
        });
        resp.exceptionHandler(err -> out.completeExceptionally(classify(err)));
        resp.endHandler(e -> out.complete(new Reply(resp.statusCode(), resp.headers()::get, acc.toString())));
    }

    private static void tooLarge(io.vertx.core.http.HttpClientResponse resp, CompletableFuture<Reply> out) {
        out.completeExceptionally(new ProviderException(ProviderException.Kind.MALFORMED, resp.statusCode(),
                "response body larger than " + MAX_RESPONSE_BYTES + " bytes", null));
        resp.request().reset();
    }

    static ProviderException classify(Throwable err) {
        String name = err.getClass().getSimpleName();
        String msg = String.valueOf(err.getMessage());
        if (name.contains("Timeout") || msg.contains("timeout period")) {
            return new ProviderException(ProviderException.Kind.TIMEOUT, 0, "timeout", null);
        }
        if (err instanceof java.net.ConnectException || name.contains("Connect")) {
            return new ProviderException(ProviderException.Kind.CONNECT, 0, "cannot connect", null);
        }
        return new ProviderException(ProviderException.Kind.CONNECT, 0, name, null);
    }

    public void close() {
        client.close();
    }
}
