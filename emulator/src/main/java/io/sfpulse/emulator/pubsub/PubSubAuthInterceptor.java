package io.sfpulse.emulator.pubsub;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.sfpulse.emulator.auth.TokenStore;

/**
 * Checks the three auth headers of every call ({@code accesstoken}, {@code instanceurl},
 * {@code tenantid}): a live token of this org and the org's id, else {@code UNAUTHENTICATED}.
 */
final class PubSubAuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> ACCESS_TOKEN =
            Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> INSTANCE_URL =
            Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TENANT_ID =
            Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER);

    /** The call's access token, for streams that must end when it expires. */
    static final io.grpc.Context.Key<String> TOKEN = io.grpc.Context.key("sfpulse-access-token");

    private final TokenStore tokens;
    private final String orgId;

    PubSubAuthInterceptor(final TokenStore tokens, final String orgId) {
        this.tokens = tokens;
        this.orgId = orgId;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            final ServerCall<Q, R> call,
            final Metadata headers,
            final ServerCallHandler<Q, R> next) {
        final String token = headers.get(ACCESS_TOKEN);
        final String tenant = headers.get(TENANT_ID);
        final StatusRuntimeException refusal;
        if (token == null
                || token.isBlank()
                || headers.get(INSTANCE_URL) == null
                || tenant == null
                || tenant.isBlank()) {
            refusal =
                    PubSubErrors.error(
                            io.grpc.Status.UNAUTHENTICATED,
                            "service.auth.headers.invalid",
                            "An authentication exception occurred. Provide valid authentication via metadata headers.");
        } else if (!tokens.isValid(token) || !orgId.equals(tenant)) {
            refusal = PubSubErrors.authError();
        } else {
            return io.grpc.Contexts.interceptCall(
                    io.grpc.Context.current().withValue(TOKEN, token), call, headers, next);
        }
        call.close(refusal.getStatus(), refusal.getTrailers());
        return new ServerCall.Listener<>() {};
    }
}
