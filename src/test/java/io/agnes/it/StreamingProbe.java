package io.agnes.it;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.CompletableFuture;

/** Test-only JAX-RS endpoints that stream: an SSE feed and an async response, answered from another thread. */
@Path("api/probe/stream")
public class StreamingProbe {

    /** A page-sized JSON body, big enough to be compressed. */
    static String bigJson() {
        StringBuilder json = new StringBuilder("{\"rows\":[");
        for (int i = 0; i < 400; i++) {
            json.append(i == 0 ? "" : ",").append("{\"n\":").append(i).append(",\"text\":\"row number ").append(i).append("\"}");
        }
        return json.append("]}").toString();
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse) {
        CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 3; i++) {
                sink.send(sse.newEvent("tick", "event " + i + " " + "x".repeat(600))).toCompletableFuture().join();
            }
            try {
                sink.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @GET
    @Path("async")
    @Produces(MediaType.APPLICATION_JSON)
    public void async(@Suspended AsyncResponse response) {
        CompletableFuture.runAsync(() -> response.resume(bigJson()));
    }
}
