package io.agnes.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** config/.env.template is the operator's copy of {@link Setting}: every key, with the same default. */
class ConfigTemplateTest {

    @Test
    void theTemplateListsEverySettingWithItsDefault() throws IOException {
        Map<String, String> template = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("config/.env.template"))) {
            String entry = line.startsWith("# ") && line.contains("=") && line.substring(2).matches("[A-Z_]+=.*") ? line.substring(2) : line;
            if (entry.matches("[A-Z_][A-Z0-9_]*=.*")) {
                template.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
            }
        }
        for (Setting setting : Setting.values()) {
            assertThat(template).as("config/.env.template lists " + setting.name()).containsKey(setting.name());
            assertThat(template.get(setting.name())).as("default of " + setting.name()).isEqualTo(setting.defaultValue());
        }
    }
}
