package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {

    @TempDir
    Path dataDir;

    AnalyticsFixture fixture;
    Catalog catalog;

    @BeforeEach
    void setUp() {
        fixture = new AnalyticsFixture(dataDir);
        catalog = new Catalog(fixture.analytics, fixture.sources, fixture.ledger);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void beforeTheFirstSyncTheCatalogSaysThereIsNoData() {
        assertThatThrownBy(() -> catalog.tables()).isInstanceOf(NoDataYetException.class);
    }

    @Test
    void listsEveryTableWithColumnsRowCountsAndTheDescriptionFromTheSourcesFile() {
        fixture.rebuilder.rebuild();

        List<CatalogTable> tables = catalog.tables();

        assertThat(tables).extracting(CatalogTable::name).containsExactly("customers", "orders", "products");
        CatalogTable orders = tables.get(1);
        assertThat(orders.source()).isEqualTo("shop");
        assertThat(orders.rowCount()).isEqualTo(500);
        assertThat(orders.description()).startsWith("One row per order line").isEqualTo(orders.sourceDescription());
        assertThat(orders.tags()).isEmpty();
        assertThat(orders.describedAt()).isNull();
        assertThat(orders.columns()).extracting(CatalogTable.Column::name).containsExactly("order_id", "customer_id",
                "product_id", "order_date", "quantity", "unit_price", "discount_pct", "status", "channel");
        assertThat(orders.columns()).contains(new CatalogTable.Column("order_date", "DATE"),
                new CatalogTable.Column("status", "VARCHAR"));
    }

    @Test
    void aStoredDescriptionAndTagsShowInTheCatalogAndSurviveTheNextSync() {
        fixture.rebuilder.rebuild();

        CatalogTable described = catalog.describe("customers", "  People who bought something.  ",
                List.of("CRM", " people ", "crm", ""));

        assertThat(described.description()).isEqualTo("People who bought something.");
        assertThat(described.sourceDescription()).startsWith("Customers with country");
        assertThat(described.tags()).containsExactly("crm", "people");
        assertThat(described.describedAt()).isNotNull();
        fixture.rebuilder.rebuild();
        assertThat(catalog.table("customers").tags()).containsExactly("crm", "people");

        CatalogTable cleared = catalog.describe("customers", " ", List.of());
        assertThat(cleared.description()).as("back to the sources file's").startsWith("Customers with country");
        assertThat(cleared.tags()).isEmpty();
    }

    @Test
    void describingSomethingThatIsNotATableOrWithBadTagsIsRefused() {
        fixture.rebuilder.rebuild();

        assertThatThrownBy(() -> catalog.describe("invoices", "x", List.of()))
                .isInstanceOf(UnknownTableException.class).hasMessageContaining("\"invoices\"");
        assertThatThrownBy(() -> catalog.describe("orders", "x", List.of("a,b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no comma");
        assertThatThrownBy(() -> catalog.describe("orders", "x", java.util.stream.IntStream.range(0, 21)
                .mapToObj(i -> "t" + i).toList()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 20 tags");
    }
}
