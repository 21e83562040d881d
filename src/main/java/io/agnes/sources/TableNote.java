package io.agnes.sources;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A stored description and tags of one table (written by the description job or an admin), kept
 * apart from the sources file so they survive syncs and edits of that file.
 */
@Entity
@Table(name = "agnes_table_note")
public class TableNote {

    @Id
    @Column(name = "table_name", length = 63)
    private String tableName;

    @Column(length = 4000)
    private String description;

    /** Comma-separated, lower-case; a tag never contains a comma. */
    @Column(length = 1000)
    private String tags;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected TableNote() {
    }

    TableNote(String tableName) {
        this.tableName = tableName;
    }

    void update(String description, List<String> tags) {
        this.description = SyncHistoryEntry.clip(description, 4000);
        this.tags = tags.isEmpty() ? null : String.join(",", tags);
        this.updatedAt = Instant.now();
    }

    public String getTableName() {
        return tableName;
    }

    public String getDescription() {
        return description;
    }

    public List<String> getTags() {
        return tags == null || tags.isEmpty() ? List.of() : Arrays.asList(tags.split(","));
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
