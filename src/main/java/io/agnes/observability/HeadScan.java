package io.agnes.observability;

import java.io.IOException;

/**
 * The scan of one streamed body for the end of its head, and the look-behind window that scan needs: every unit
 * fed goes on at once, except the last few that could still be the start of {@code </head>} (at most {@link
 * StreamingHeadMatcher#MAX_PENDING}); those are held until the next units say whether they are. When the tag
 * completes, everything before it has gone on and the tag itself is held, so the caller can write the snippet
 * before it and then {@link #release()} it.
 *
 * <p>Units are chars of a writer or bytes (0-255) of a stream; the window stores either as chars. Where units go
 * is the caller's: {@link Units#emit} for the units of the current write, {@link HeldOutput} for held ones. Not
 * thread-safe.
 */
final class HeadScan {

    /** The units of one write, whatever their type, and where to pass a range of them on. */
    interface Units {
        int at(int index);

        /**
         * The index of the first unit in {@code [from, to)} that can start a match
         * ({@link StreamingHeadMatcher#startsMatch}), or {@code to}: one call for the run of units an idle matcher
         * would only look at and pass over, most of a head.
         */
        int nextMatchStart(int from, int to);

        void emit(int from, int to) throws IOException;
    }

    /** Where held units go when they turn out not to be the start of {@code </head>}. */
    @FunctionalInterface
    interface HeldOutput {
        void write(char[] units, int from, int to) throws IOException;
    }

    /** How a call to {@link #feed} ended. */
    enum Outcome {
        /** All units were scanned; all but the window went on. */
        MORE,
        /** {@code </head…>} ended at {@link #resumeAt()} - 1: the units before the tag went on, the tag is held. */
        HEAD_END,
        /** {@code posthog.init} is in the body: the window went on, the units of this write did not. */
        POSTHOG_INIT,
        /** {@code limit} units were scanned without a head end: the window went on, this write's units did not. */
        LIMIT
    }

    private final StreamingHeadMatcher matcher = new StreamingHeadMatcher();
    private final char[] held = new char[StreamingHeadMatcher.MAX_PENDING + 1];
    private final HeldOutput heldOutput;
    private final long limit;
    private int heldCount;
    private int highWater;
    private long scanned;
    private int resumeAt;

    HeadScan(HeldOutput heldOutput, long limit) {
        this.heldOutput = heldOutput;
        this.limit = limit;
    }

    /** Scans {@code units[from, to)}; see {@link Outcome} for what went on. */
    Outcome feed(Units units, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            if (matcher.idle()) {
                int stop = (int) Math.min(to, i + (limit - scanned)); // scanned < limit: checked after every unit
                int next = units.nextMatchStart(i, stop);
                scanned += next - i;
                i = next;
                if (i == stop) {
                    if (scanned >= limit) {
                        release();
                        return Outcome.LIMIT;
                    }
                    break;
                }
            }
            StreamingHeadMatcher.Found found = matcher.feed(units.at(i));
            scanned++;
            if (found == StreamingHeadMatcher.Found.HEAD_END) {
                holdLast(units, from, i + 1, matcher.matchLength()); // everything before the tag goes on
                resumeAt = i + 1;
                return Outcome.HEAD_END;
            }
            if (found == StreamingHeadMatcher.Found.POSTHOG_INIT || scanned >= limit) {
                release();
                return found == StreamingHeadMatcher.Found.POSTHOG_INIT ? Outcome.POSTHOG_INIT : Outcome.LIMIT;
            }
        }
        holdLast(units, from, to, matcher.pending());
        return Outcome.MORE;
    }

    /** After {@link Outcome#HEAD_END}: the index of the first unit after the tag. */
    int resumeAt() {
        return resumeAt;
    }

    /** Passes every held unit on: the head's end was dealt with, or the body ends or stops being scanned. */
    void release() throws IOException {
        write(0, heldCount);
        heldCount = 0;
    }

    /** Forgets what is held and scanned: the body was discarded, and the next one is scanned afresh. */
    void reset() {
        heldCount = 0;
        matcher.reset();
        scanned = 0;
    }

    /** The most units ever held at once. */
    int highWater() {
        return highWater;
    }

    /** Units looked at since the last {@link #reset()}. */
    long scanned() {
        return scanned;
    }

    /**
     * Passes on everything held and {@code units[from, to)} except the last {@code keep} units, which become the
     * window. The window only ever holds units fed to the matcher as a possible {@code </head…>}.
     */
    private void holdLast(Units units, int from, int to, int keep) throws IOException {
        int fresh = to - from;
        if (keep >= fresh) {
            int keepHeld = keep - fresh;
            write(0, heldCount - keepHeld);
            System.arraycopy(held, heldCount - keepHeld, held, 0, keepHeld);
            heldCount = keepHeld;
            for (int i = from; i < to; i++) {
                held[heldCount++] = (char) units.at(i);
            }
        } else {
            write(0, heldCount);
            heldCount = 0;
            units.emit(from, to - keep);
            for (int i = to - keep; i < to; i++) {
                held[heldCount++] = (char) units.at(i);
            }
        }
        highWater = Math.max(highWater, heldCount);
    }

    private void write(int from, int to) throws IOException {
        if (to > from) {
            heldOutput.write(held, from, to);
        }
    }
}
