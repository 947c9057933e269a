package io.editlab.store.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * Brings the database to the newest schema: the scripts {@code V<n>__<what>.sql} next to this
 * class run in order, each in one transaction together with its row in {@code schema_history}, so a
 * crash leaves the database at a whole version. A database newer than this code is refused.
 */
final class Migrations {

    /** Every migration, oldest first; add new ones at the end, never change a released one. */
    static final List<String> SCRIPTS = List.of("V1__host.sql", "V2__models.sql");

    private Migrations() {}

    /** Applies the missing migrations and returns the schema version. */
    static int apply(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS schema_history (version INT PRIMARY KEY, script VARCHAR(200) "
                    + "NOT NULL, applied TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
        }
        int current = current(connection);
        if (current > SCRIPTS.size()) {
            throw new SQLException("the database is at schema version " + current + " but this host knows only "
                    + SCRIPTS.size() + ": use a newer EditLab");
        }
        for (int version = current + 1; version <= SCRIPTS.size(); version++) {
            String script = SCRIPTS.get(version - 1);
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(read(script))) {
                    statement.execute(sql);
                }
                statement.execute(
                        "INSERT INTO schema_history (version, script) VALUES (" + version + ", '" + script + "')");
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw new SQLException("migration " + script + " failed: " + e.getMessage(), e);
            } finally {
                connection.setAutoCommit(true);
            }
        }
        return SCRIPTS.size();
    }

    private static int current(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_history")) {
            row.next();
            return row.getInt(1);
        }
    }

    /** The statements of a script: separated by a semicolon at the end of a line; comment lines dropped. */
    static List<String> statements(String script) {
        StringBuilder text = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        return Arrays.stream(text.toString().split(";\\s*\n"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String read(String script) throws SQLException {
        try (InputStream in = Migrations.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new SQLException("migration " + script + " is missing from the store bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read migration " + script + ": " + e.getMessage(), e);
        }
    }
}
