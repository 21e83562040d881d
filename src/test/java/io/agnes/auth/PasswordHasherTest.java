package io.agnes.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1_000);

    @Test
    void aHashMatchesItsPasswordOnly() {
        String hash = hasher.hash("correct horse");
        assertThat(hasher.matches("correct horse", hash)).isTrue();
        assertThat(hasher.matches("correct horsf", hash)).isFalse();
        assertThat(hasher.matches("", hash)).isFalse();
    }

    @Test
    void hashesAreSaltedAndRecordTheirWorkFactor() {
        String first = hasher.hash("same");
        String second = hasher.hash("same");
        assertThat(first).isNotEqualTo(second).startsWith("pbkdf2-sha256$1000$");
        // a hash made with another work factor still verifies
        assertThat(new PasswordHasher(2_000).matches("same", first)).isTrue();
    }

    @Test
    void malformedOrMissingHashesNeverMatch() {
        assertThat(hasher.matches("x", null)).isFalse();
        assertThat(hasher.matches("x", "plain-text")).isFalse();
        assertThat(hasher.matches("x", "pbkdf2-sha256$abc$$")).isFalse();
        assertThat(hasher.matches(null, hasher.hash("x"))).isFalse();
    }
}
