package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadScanTest {

    private final StringBuilder out = new StringBuilder();
    private final HeadScan scan = new HeadScan((units, from, to) -> out.append(units, from, to - from), 1_000);

    /** A write of a String's chars; what it emits goes to {@link #out}. */
    private HeadScan.Units units(String text) {
        return new HeadScan.Units() {
            @Override
            public int at(int index) {
                return text.charAt(index);
            }

            @Override
            public int nextMatchStart(int from, int to) {
                return StreamingHeadMatcher.nextMatchStart(text, from, to);
            }

            @Override
            public void emit(int from, int to) {
                out.append(text, from, to);
            }
        };
    }

    /** Writes {@code body} in pieces cut at {@code cuts}, inserting "[S]" at the head's end as the response does. */
    private List<HeadScan.Outcome> write(String body, int... cuts) throws IOException {
        List<HeadScan.Outcome> outcomes = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : body.length();
            String piece = body.substring(from, to);
            HeadScan.Outcome outcome = scan.feed(units(piece), 0, piece.length());
            outcomes.add(outcome);
            if (outcome == HeadScan.Outcome.HEAD_END) {
                out.append("[S]");
                scan.release();
                out.append(piece, scan.resumeAt(), piece.length());
                out.append(body, to, body.length());
                return outcomes;
            }
            from = to;
        }
        return outcomes;
    }

    @Test
    void theSnippetGoesRightBeforeTheTagWhereverTheWritesAreCut() throws IOException {
        String body = "<html><head><title>a < b</title></HEAD \n><body></head></body>";
        String expected = "<html><head><title>a < b</title>[S]</HEAD \n><body></head></body>";
        for (int cut = 0; cut <= body.length(); cut++) {
            out.setLength(0);
            scan.reset();
            List<HeadScan.Outcome> outcomes = write(body, cut);
            assertThat(out).as("cut at %d", cut).hasToString(expected);
            assertThat(outcomes).as("cut at %d", cut).endsWith(HeadScan.Outcome.HEAD_END);
        }
        assertThat(scan.highWater()).isLessThanOrEqualTo(StreamingHeadMatcher.MAX_PENDING + 1);
    }

    @Test
    void unitsThatCannotStartTheTagGoOnAtOnceAndOnlyAPossibleStartIsHeld() throws IOException {
        assertThat(scan.feed(units("<html><head></h"), 0, 15)).isEqualTo(HeadScan.Outcome.MORE);
        assertThat(out).hasToString("<html><head>");
        assertThat(scan.feed(units("eader>"), 0, 6)).isEqualTo(HeadScan.Outcome.MORE);
        assertThat(out).as("</header> is not the head's end").hasToString("<html><head></header>");
        assertThat(scan.scanned()).isEqualTo(21);
    }

    @Test
    void theGuardEndsTheScanWithTheWindowPassedOnAndTheWriteLeftToTheCaller() throws IOException {
        scan.feed(units("<head><"), 0, 7);
        HeadScan.Outcome outcome = scan.feed(units("script>posthog.init(1)"), 0, 22);
        assertThat(outcome).isEqualTo(HeadScan.Outcome.POSTHOG_INIT);
        assertThat(out).hasToString("<head><");
    }

    @Test
    void theScanGivesUpAfterItsLimitAndResetStartsAfresh() throws IOException {
        String filler = "x".repeat(999);
        assertThat(scan.feed(units(filler + "<"), 0, 1_000)).isEqualTo(HeadScan.Outcome.LIMIT);
        assertThat(scan.scanned()).isEqualTo(1_000);
        scan.reset();
        assertThat(scan.feed(units(filler), 0, 999)).isEqualTo(HeadScan.Outcome.MORE);
        assertThat(scan.feed(units("xx</head>"), 0, 9)).as("the limit falls inside a run of units passed over")
                .isEqualTo(HeadScan.Outcome.LIMIT);
        assertThat(scan.scanned()).isEqualTo(1_000);

        out.setLength(0);
        scan.reset();
        assertThat(scan.scanned()).isZero();
        assertThat(scan.feed(units("</hea"), 0, 5)).isEqualTo(HeadScan.Outcome.MORE);
        assertThat(out).as("a possible start of the tag is held").isEmpty();
        scan.reset();
        assertThat(scan.feed(units("d></head>"), 0, 9)).isEqualTo(HeadScan.Outcome.HEAD_END);
        scan.release();
        assertThat(out).as("nothing of a discarded body is held or matched").hasToString("d></head>");
    }
}
