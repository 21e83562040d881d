package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesFileTest {

    @TempDir
    Path dir;

    @Test
    void theSampleDeclaresTheShopTablesWithFilesBesideIt() {
        Path file = SampleSources.install(dir.resolve("sample"));

        List<Source> sources = SourcesFile.read(file);

        assertThat(sources).singleElement().satisfies(shop -> {
            assertThat(shop.name()).isEqualTo("shop");
            assertThat(shop.kind()).isEqualTo(Source.Kind.CSV);
            assertThat(shop.tables()).extracting(SourceTable::name).containsExactly("orders", "customers", "products");
            assertThat(shop.tables()).allSatisfy(t -> {
                assertThat(t.file()).exists().hasParent(dir.resolve("sample"));
                assertThat(t.description()).isNotBlank();
            });
        });
    }

    @Test
    void readsCsvAndJdbcSourcesAndResolvesRelativePathsAgainstTheFilesDirectory() throws IOException {
        Path file = write("""
                {"sources": [
                  {"name": "shop", "kind": "csv", "tables": [
                    {"name": "orders", "file": "data/orders.csv", "description": "Orders"},
                    {"name": "rates", "url": "https://example.com/rates.csv?token=secret"}]},
                  {"name": "crm", "kind": "jdbc", "url": "jdbc:postgresql://db/crm?password=hunter2",
                   "user_env": "CRM_USER", "password_env": "CRM_PASSWORD",
                   "tables": [{"name": "accounts", "query": "SELECT * FROM accounts"}]}
                ]}""");

        List<Source> sources = SourcesFile.read(file);

        Source shop = sources.get(0);
        assertThat(shop.table("orders").orElseThrow().file()).isEqualTo(dir.resolve("data/orders.csv"));
        assertThat(shop.table("rates").orElseThrow().location())
                .as("no query string: it may carry a token").isEqualTo("https://example.com/rates.csv");
        Source crm = sources.get(1);
        assertThat(crm.kind()).isEqualTo(Source.Kind.JDBC);
        assertThat(crm.userEnv()).isEqualTo("CRM_USER");
        assertThat(crm.passwordEnv()).isEqualTo("CRM_PASSWORD");
        assertThat(crm.table("accounts").orElseThrow().query()).isEqualTo("SELECT * FROM accounts");
        assertThat(SourceExtractor.redactUrl(crm.jdbcUrl())).doesNotContain("hunter2");
    }

    @Test
    void everyProblemIsReportedWithTheSourceTheFieldAndWhatIsExpected() throws IOException {
        Path file = write("""
                {"sources": [
                  {"name": "Bad-Name", "kind": "csv", "tables": [{"name": "t", "file": "t.csv"}]},
                  {"name": "shop", "kind": "excel", "tables": [{"name": "t2", "file": "t.csv"}]},
                  {"name": "files", "kind": "csv", "tables": [
                    {"name": "both", "file": "a.csv", "url": "https://x/a.csv"},
                    {"name": "none"},
                    {"name": "ftp", "url": "ftp://x/a.csv"},
                    {"name": "typo", "file": "a.csv", "descripton": "oops"}]},
                  {"name": "crm", "kind": "jdbc", "url": "postgres://db", "password_env": "hunter2!",
                   "tables": [{"name": "accounts"}]},
                  {"name": "empty", "kind": "csv", "tables": []}
                ]}""");

        assertThatThrownBy(() -> SourcesFile.read(file))
                .isInstanceOf(InvalidSourcesException.class)
                .satisfies(e -> assertThat(((InvalidSourcesException) e).problems()).containsExactlyInAnyOrder(
                        "source \"Bad-Name\", field \"name\": expected an identifier matching [a-z][a-z0-9_]{0,62}, found \"Bad-Name\"",
                        "source \"shop\", field \"kind\": expected \"csv\" or \"jdbc\", found \"excel\"",
                        "source \"files\", table \"both\": expected exactly one of \"file\" (a local CSV path) or \"url\" (an http(s) URL)",
                        "source \"files\", table \"none\": expected exactly one of \"file\" (a local CSV path) or \"url\" (an http(s) URL)",
                        "source \"files\", table \"ftp\", field \"url\": expected an http:// or https:// URL, found \"ftp://x/a.csv\"",
                        "source \"files\", table \"typo\": unknown field \"descripton\" (expected description, file, name, url)",
                        "source \"crm\", field \"url\": expected a JDBC URL starting with \"jdbc:\"",
                        "source \"crm\", field \"password_env\": expected the NAME of an environment variable (like CRM_DB_PASSWORD), not the value itself",
                        "source \"crm\", table \"accounts\", field \"query\": expected the SQL query that returns the table's rows",
                        "source \"empty\", field \"tables\": expected a non-empty array of tables"))
                .message().doesNotContain("hunter2");
    }

    @Test
    void tableNamesMustBeUniqueAcrossSourcesBecauseUsersQueryThemUnqualified() throws IOException {
        Path file = write("""
                {"sources": [
                  {"name": "shop", "kind": "csv", "tables": [{"name": "customers", "file": "a.csv"}]},
                  {"name": "crm", "kind": "jdbc", "url": "jdbc:h2:mem:x", "tables": [{"name": "customers", "query": "SELECT 1"}]},
                  {"name": "shop", "kind": "csv", "tables": [{"name": "other", "file": "b.csv"}]},
                  {"name": "main", "kind": "csv", "tables": [{"name": "third", "file": "b.csv"}]}
                ]}""");

        assertThatThrownBy(() -> SourcesFile.read(file))
                .isInstanceOfSatisfying(InvalidSourcesException.class, e -> assertThat(e.problems()).containsExactly(
                        "source \"crm\", table \"customers\": the name is already used by source \"shop\" (expected table"
                                + " names unique across all sources: they are the names users query)",
                        "source \"shop\": the name is used twice (expected unique source names)",
                        "source \"main\", field \"name\": \"main\" is reserved by DuckDB (expected another name)"));
    }

    @Test
    void aMissingOrMalformedFileSaysSo() throws IOException {
        assertThatThrownBy(() -> SourcesFile.read(dir.resolve("nope.json")))
                .isInstanceOf(InvalidSourcesException.class).hasMessageContaining("nope.json").hasMessageContaining("does not exist");
        Path broken = write("{\"sources\": [");
        assertThatThrownBy(() -> SourcesFile.read(broken))
                .isInstanceOf(InvalidSourcesException.class).hasMessageContaining("not valid JSON");
        Path noSources = write("{\"source\": []}");
        assertThatThrownBy(() -> SourcesFile.read(noSources))
                .isInstanceOf(InvalidSourcesException.class)
                .hasMessageContaining("unknown top-level field \"source\"")
                .hasMessageContaining("field \"sources\": expected an array of sources");
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("sources-" + System.nanoTime() + ".json");
        Files.writeString(file, json);
        return file;
    }
}
