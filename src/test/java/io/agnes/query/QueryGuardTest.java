package io.agnes.query;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryGuardTest {

    final QueryGuard guard = new QueryGuard();

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM orders",
            "select count(*) from orders;",
            "select 1;  ;  ",
            "  -- top customers\n WITH t AS (SELECT customer_id, sum(quantity) q FROM orders GROUP BY 1) SELECT * FROM t ORDER BY q DESC LIMIT 5",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT * FROM n",
            "VALUES (1, 'a'), (2, 'b')",
            "FROM orders LIMIT 3",
            "TABLE orders",
            "SHOW TABLES",
            "DESCRIBE orders",
            "SUMMARIZE orders",
            "EXPLAIN SELECT 1",
            "EXPLAIN ANALYZE SELECT count(*) FROM orders",
            "PIVOT orders ON status USING count(*)",
            "(SELECT 1) UNION ALL (SELECT 2)",
            "SELECT 'drop table orders; delete from x' AS text",
            "SELECT \"update\", \"insert\", \"read_csv\" FROM t",
            "SELECT load, export, copy, \"set\" FROM servers",
            "SELECT status, count(*) FROM orders WHERE status = 'it''s' GROUP BY status; -- trailing comment",
            "SELECT $$read_csv('x'); drop table t$$ AS s",
            "SELECT $tag$ ; $tag$ AS s",
            "SELECT * FROM orders /* a ; comment /* nested */ still comment */ WHERE 1 = 1",
            "SELECT e'it\\'s; drop' AS x",
            "SELECT * FROM orders WHERE order_date > DATE '2024-01-01' AND channel IN ('web', 'store')",
            "SELECT delete FROM t",
            "SELECT (update) FROM t",
    })
    void acceptsSingleReadQueries(String sql) {
        assertThatCode(() -> guard.check(sql)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            DROP TABLE orders                                         | this one starts with DROP
            insert into orders values (1)                             | this one starts with INSERT
            UPDATE orders SET quantity = 0                            | this one starts with UPDATE
            DELETE FROM orders                                        | this one starts with DELETE
            CREATE TABLE x AS SELECT 1                                | this one starts with CREATE
            ALTER TABLE orders ADD COLUMN x INT                       | this one starts with ALTER
            ATTACH '/tmp/x.db' AS x                                   | this one starts with ATTACH
            DETACH shop                                               | this one starts with DETACH
            COPY orders TO '/tmp/out.csv'                             | this one starts with COPY
            INSTALL httpfs                                            | this one starts with INSTALL
            LOAD httpfs                                               | this one starts with LOAD
            PRAGMA version                                            | this one starts with PRAGMA
            SET threads = 1                                           | this one starts with SET
            CALL pragma_version()                                     | this one starts with CALL
            EXPORT DATABASE '/tmp/x'                                  | this one starts with EXPORT
            USE shop                                                  | this one starts with USE
            CHECKPOINT                                                | this one starts with CHECKPOINT
            BEGIN TRANSACTION                                         | this one starts with BEGIN
            /* SELECT */ DROP TABLE orders                            | this one starts with DROP
            -- SELECT \\n DROP TABLE orders                           | this one starts with DROP
            EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1                | this one starts with CREATE
            EXPLAIN (FORMAT json) DELETE FROM orders                  | this one starts with DELETE
            SELECT 1; DROP TABLE orders                               | Only one statement can run at a time; this has 2
            SELECT 1; SELECT 2                                        | Only one statement
            SELECT 1 /* ; */; DELETE FROM orders                      | Only one statement
            WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x | "DELETE" changes data
            WITH x AS (INSERT INTO orders VALUES (1) RETURNING *) SELECT * FROM x | "INSERT" changes data
            WITH x AS (UPDATE orders SET quantity = 0 RETURNING *) SELECT 1 | "UPDATE" changes data
            SELECT * FROM read_csv('/etc/passwd')                     | read_csv() reads files
            SELECT * FROM READ_PARQUET('s3://bucket/x.parquet')       | read_parquet() reads files
            SELECT * FROM "read_csv_auto"('/etc/passwd')              | read_csv_auto() reads files
            SELECT * FROM main.read_json('/x.json')                   | read_json() reads files
            SELECT * FROM read_text('/etc/hostname')                  | read_text() reads files
            SELECT * FROM glob('/etc/*')                              | glob() reads files
            SELECT * FROM query('SELECT 1')                           | query() reads files, URLs or runs SQL text
            SELECT * FROM sqlite_scan('x.db', 't')                    | sqlite_scan() reads files
            SELECT * FROM parquet_metadata('x.parquet')               | parquet_metadata() reads files
            FROM '/etc/passwd'                                        | Reading a file or URL (FROM '/etc/passwd') is not allowed
            SELECT * FROM orders JOIN 'https://x.test/y.csv' USING (id) | Reading a file or URL
            SELECT 'unterminated                                      | A string literal is not closed
            SELECT "unterminated                                      | A quoted name is not closed
            SELECT 1 /* open comment                                  | A /* comment is not closed
            SELECT $$ open                                            | A $$ quoted string is not closed
            '   ;  '                                                  | The query is empty
            (                                                         | The query is incomplete
            """)
    void refusesAnythingElseWithAClearMessage(String sql, String message) {
        String query = sql.replace("\\n", "\n");
        assertThatThrownBy(() -> guard.check(query))
                .isInstanceOf(QueryRefusedException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void refusesEmptyQueries(String sql) {
        assertThatThrownBy(() -> guard.check(sql)).isInstanceOf(QueryRefusedException.class).hasMessage("The query is empty");
    }
}
