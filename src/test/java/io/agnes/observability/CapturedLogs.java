package io.agnes.observability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records what the given loggers log while open (the loggers are held strongly so JUL keeps them). */
final class CapturedLogs extends Handler implements AutoCloseable {

    private final List<Logger> loggers;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    CapturedLogs(Class<?>... sources) {
        loggers = java.util.Arrays.stream(sources).map(c -> Logger.getLogger(c.getName())).toList();
        setLevel(Level.ALL);
        loggers.forEach(logger -> logger.addHandler(this));
    }

    /** Each record's message, plus its exception's text when it has one. */
    List<String> lines() {
        return records.stream().map(r -> r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown())).toList();
    }

    List<String> lines(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    List<String> linesContaining(String text) {
        return lines().stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.removeHandler(this));
    }
}
