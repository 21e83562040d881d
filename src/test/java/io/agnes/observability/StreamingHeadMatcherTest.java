package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.observability.StreamingHeadMatcher.Found;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamingHeadMatcherTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // text fed                                 | what the last unit completes | pending after it
            "'</head>'                                  | HEAD_END     | 0",
            "'</HEAD >'                                 | HEAD_END     | 0",
            "'</hEaD\t\r\n\f >'                         | HEAD_END     | 0",
            "'</header>'                                | NOTHING      | 0",
            "'<head>'                                   | NOTHING      | 0",
            "'</head'                                   | NOTHING      | 6",
            "'</head  '                                 | NOTHING      | 8",
            "'x<'                                       | NOTHING      | 1",
            "'<<'                                       | NOTHING      | 1",
            "'</he</'                                   | NOTHING      | 2",
            "'posthog.init'                             | POSTHOG_INIT | 0",
            "'pposthog.init'                            | POSTHOG_INIT | 0",
            "'PostHog.init'                             | NOTHING      | 0",
    })
    void feeding_units(String text, Found last, int pending) {
        StreamingHeadMatcher matcher = new StreamingHeadMatcher();
        Found found = Found.NOTHING;
        for (int i = 0; i < text.length(); i++) {
            found = matcher.feed(text.charAt(i));
        }
        assertThat(found).isEqualTo(last);
        assertThat(matcher.pending()).isEqualTo(pending);
    }

    @Test
    void theRunOfUnitsThatCannotStartAMatchIsFoundInBytesCharsAndText() {
        String text = "<meta charset=utf-8>Zürich ☃ </title>x posthog";
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        char[] chars = text.toCharArray();
        assertThat(StreamingHeadMatcher.nextMatchStart(text, 0, text.length())).isZero();
        assertThat(StreamingHeadMatcher.nextMatchStart(text, 1, text.length())).isEqualTo(text.indexOf("</title>"));
        assertThat(StreamingHeadMatcher.nextMatchStart(chars, 1, chars.length)).isEqualTo(text.indexOf("</title>"));
        int slashInBytes = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("</title>");
        assertThat(StreamingHeadMatcher.nextMatchStart(bytes, 1, bytes.length)).as("bytes of Ü and ☃ start nothing")
                .isEqualTo(slashInBytes);
        int afterTitle = text.indexOf("</title>") + 1;
        assertThat(StreamingHeadMatcher.nextMatchStart(text, afterTitle, text.length())).isEqualTo(text.indexOf("posthog"));
        assertThat(StreamingHeadMatcher.nextMatchStart(text, afterTitle, text.indexOf("posthog")))
                .as("nothing before the end of the range").isEqualTo(text.indexOf("posthog"));
        assertThat(StreamingHeadMatcher.nextMatchStart(chars, 5, 5)).isEqualTo(5);
    }

    @Test
    void the_match_length_covers_the_tag_and_its_whitespace() {
        StreamingHeadMatcher matcher = new StreamingHeadMatcher();
        "<p></head \n>".chars().forEach(matcher::feed);
        assertThat(matcher.matchLength()).isEqualTo("</head \n>".length());
    }

    @Test
    void utf8_bytes_of_other_characters_never_match_and_never_are_held() {
        StreamingHeadMatcher matcher = new StreamingHeadMatcher();
        for (byte b : "数据📊ü".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            assertThat(matcher.feed(b & 0xFF)).isEqualTo(Found.NOTHING);
            assertThat(matcher.pending()).isZero();
        }
    }

    @Test
    void whitespace_beyond_the_limit_is_not_a_head_end_and_the_window_stays_bounded() {
        StreamingHeadMatcher matcher = new StreamingHeadMatcher();
        "</head".chars().forEach(matcher::feed);
        for (int i = 0; i < 1000; i++) {
            matcher.feed(' ');
            assertThat(matcher.pending()).isLessThanOrEqualTo(StreamingHeadMatcher.MAX_PENDING);
        }
        assertThat(matcher.feed('>')).isEqualTo(Found.NOTHING);
    }
}
