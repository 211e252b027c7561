package io.sfpulse.ingest.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV as EventLogFile writes it: comma separated, fields optionally in double quotes,
 * quotes doubled inside quoted fields (which also covers Salesforce's "triple-quoted" values),
 * CRLF or LF line ends, line breaks allowed inside quoted fields. Pure.
 */
public final class CsvParser {

    private CsvParser() {}

    public static List<List<String>> parse(final String text) {
        final List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        final StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    any = true;
                }
                case ',' -> {
                    row.add(field.toString());
                    field.setLength(0);
                    any = true;
                }
                case '\r' -> {
                    // part of CRLF; the LF ends the row
                }
                case '\n' -> {
                    if (any || field.length() > 0) {
                        row.add(field.toString());
                        rows.add(row);
                    }
                    row = new ArrayList<>();
                    field.setLength(0);
                    any = false;
                }
                default -> {
                    field.append(c);
                    any = true;
                }
            }
        }
        if (any || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
