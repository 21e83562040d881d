package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PayloadTruncationTest {

    @Test
    void fiveHundredCharsAtCapHundredKeepHundredAndSayFourHundredWereCut() {
        // original: env override of the cap, exact marker
        String text = "x".repeat(500);

        assertThat(PayloadTruncation.truncate(text, 100)).isEqualTo("x".repeat(100) + "\u2026[truncated 400 chars]");
    }

    @Test
    void aTextUnderTheCapPassesThroughUnchanged() {
        // original: pass-through under the cap
        assertThat(PayloadTruncation.truncate("short text", 100)).isEqualTo("short text");
        assertThat(PayloadTruncation.truncate("x".repeat(100), 100)).isEqualTo("x".repeat(100));
        assertThat(PayloadTruncation.truncate(null, 100)).isNull();
    }

    @Test
    void theDefaultCapKeepsAFiftyThousandCharPayloadUnderThirtyTwoThousandWithTheMarker() {
        // original: truncation under the default cap
        String cut = PayloadTruncation.truncate("y".repeat(50_000), PayloadTruncation.DEFAULT_MAX_CHARS);

        assertThat(cut).hasSizeLessThan(32_000).endsWith("\u2026[truncated 20000 chars]");
    }

    @Test
    void theMarkerHasOneEllipsisCharacterAndNoThousandsSeparators() {
        String cut = PayloadTruncation.truncate("z".repeat(1_234_567), 7);

        assertThat(cut).isEqualTo("zzzzzzz\u2026[truncated 1234560 chars]");
        assertThat(cut).doesNotContain("...").doesNotContain(",");
    }

    @Test
    void charactersAreCodePointsSoAnEmojiIsNeverCutInHalf() {
        String text = "\uD83D\uDE00".repeat(10); // 10 emoji, 20 UTF-16 units

        String cut = PayloadTruncation.truncate(text, 3);

        assertThat(cut).isEqualTo("\uD83D\uDE00".repeat(3) + "\u2026[truncated 7 chars]");
        assertThat(PayloadTruncation.truncate(text, 10)).isEqualTo(text);
    }

    @Test
    void truncatingAgainCountsFromTheOriginalLengthWithOneMarker() {
        String once = PayloadTruncation.truncate("a".repeat(500), 100);

        String twice = PayloadTruncation.truncate(once, 50);

        assertThat(twice).isEqualTo("a".repeat(50) + "\u2026[truncated 450 chars]");
        assertThat(PayloadTruncation.originalLength(twice)).isEqualTo(500);
        assertThat(PayloadTruncation.truncate(once, 100)).isEqualTo(once);
    }

    @Test
    void aNegativeCapIsAProgrammingError() {
        assertThatThrownBy(() -> PayloadTruncation.truncate("x", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
