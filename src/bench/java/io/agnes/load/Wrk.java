package io.agnes.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code wrk} (closed loop, fixed connections, bounded by time) and reads its summary. */
final class Wrk {

    /**
     * @param requestsPerSecond completed requests per second (any status)
     * @param p50Millis         median latency
     * @param p99Millis         99th percentile latency
     * @param non2xx            responses with a status outside 2xx/3xx
     * @param socketErrors      connect, read, write errors and timeouts together
     */
    record Result(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long non2xx, long socketErrors) {
    }

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)%\\s+([0-9.]+)(us|ms|s|m)\\s*$", Pattern.MULTILINE);
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    static Result run(URI uri, List<String> headers, int connections, int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", "1", "-c", String.valueOf(connections), "-d", seconds + "s",
                "--timeout", "10s", "--latency"));
        for (String header : headers) {
            command.add("-H");
            command.add(header);
        }
        command.add(uri.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return parse(out);
    }

    static Result parse(String out) {
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher m = PERCENTILE.matcher(out);
        while (m.find()) {
            double millis = millis(Double.parseDouble(m.group(2)), m.group(3));
            if (m.group(1).equals("50")) {
                p50 = millis;
            } else {
                p99 = millis;
            }
        }
        Matcher rps = RPS.matcher(out);
        Matcher requests = REQUESTS.matcher(out);
        if (!rps.find() || !requests.find() || Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IllegalStateException("unexpected wrk output: " + out);
        }
        Matcher non2xx = NON_2XX.matcher(out);
        Matcher socket = SOCKET.matcher(out);
        long socketErrors = 0;
        if (socket.find()) {
            for (int i = 1; i <= 4; i++) {
                socketErrors += Long.parseLong(socket.group(i));
            }
        }
        return new Result(Double.parseDouble(rps.group(1)), p50, p99, Long.parseLong(requests.group(1)),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors);
    }

    private static double millis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            default -> value * 60_000;
        };
    }
}
