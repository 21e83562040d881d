package io.agnes.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The load driver reads wrk's summary right ({@code mvn -Pbench test -Dtest='WrkTest,LoadRunTest'}). */
class WrkTest {

    private static final String OUTPUT = """
            Running 3s test @ http://127.0.0.1:41234/debug/page?kb=30
              1 threads and 8 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.23ms  456.00us  10.00ms   90.00%
                Req/Sec     6.50k   100.00     7.00k    80.00%
              Latency Distribution
                 50%  812.00us
                 75%    1.30ms
                 90%    1.60ms
                 99%    1.02s
              19500 requests in 3.00s, 585.94MB read
              Socket errors: connect 1, read 2, write 3, timeout 4
              Non-2xx or 3xx responses: 17
            Requests/sec:   6500.25
            Transfer/sec:    195.31MB
            """;

    @Test
    void readsThroughputPercentilesInMillisecondsAndErrors() {
        Wrk.Result result = Wrk.parse(OUTPUT);

        assertThat(result.requestsPerSecond()).isEqualTo(6500.25);
        assertThat(result.p50Millis()).isCloseTo(0.812, within(1e-9));
        assertThat(result.p99Millis()).isCloseTo(1020, within(1e-9));
        assertThat(result.requests()).isEqualTo(19500);
        assertThat(result.non2xx()).isEqualTo(17);
        assertThat(result.socketErrors()).isEqualTo(10);
    }

    @Test
    void aCleanRunHasNoErrors() {
        Wrk.Result result = Wrk.parse(OUTPUT.replaceAll(".*(Socket errors|Non-2xx).*\\n", ""));
        assertThat(result.non2xx()).isZero();
        assertThat(result.socketErrors()).isZero();
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(LoadRun.median(java.util.List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(LoadRun.median(java.util.List.of(0.9, 1.1, 1.0))).isEqualTo(1.0);
    }
}
