package io.agnes.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdTest {

    @Test
    void keepsOnlySafeCharactersOfTheCallersId() {
        assertThat(RequestId.fromHeader("abc-DEF_123")).isEqualTo("abc-DEF_123");
        assertThat(RequestId.fromHeader("a b\r\nc<script>")).isEqualTo("abcscript");
        assertThat(RequestId.fromHeader("é-ü-1")).isEqualTo("--1");
    }

    @Test
    void capsTheIdAtSixtyFourCharacters() {
        assertThat(RequestId.fromHeader("z".repeat(500))).hasSize(64);
    }

    @Test
    void makesTwelveRandomHexCharactersWhenNothingUsableWasSent() {
        assertThat(RequestId.fromHeader(null)).matches("[0-9a-f]{12}");
        assertThat(RequestId.fromHeader("<>;;  ")).matches("[0-9a-f]{12}");
        assertThat(RequestId.fromHeader(null)).isNotEqualTo(RequestId.fromHeader(null));
    }
}
