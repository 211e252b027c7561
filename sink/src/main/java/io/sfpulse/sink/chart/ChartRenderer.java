package io.sfpulse.sink.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import javax.imageio.ImageIO;

/** Draws a before/after bar chart of a per-step metric as PNG: grey before the deploy, red after, a line at the deploy. Stateless. */
public final class ChartRenderer {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 300;
    private static final int LEFT = 50;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 40;
    private static final DateTimeFormatter HHMM =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public byte[] render(
            final String title,
            final MetricSeries series,
            final long markerMs,
            final String markerLabel) {
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            final double[] v = series.values();
            final double max = Math.max(1, java.util.Arrays.stream(v).max().orElse(1));
            final int plotW = WIDTH - LEFT - RIGHT;
            final int plotH = HEIGHT - TOP - BOTTOM;
            final double barW = v.length == 0 ? plotW : (double) plotW / v.length;
            for (int i = 0; i < v.length; i++) {
                final long t = series.startMs() + i * series.stepMs();
                final int h = (int) Math.round(v[i] / max * plotH);
                g.setColor(
                        t >= markerMs ? new Color(0xD9, 0x3F, 0x3F) : new Color(0x9A, 0xA4, 0xAE));
                g.fillRect(
                        LEFT + (int) (i * barW),
                        TOP + plotH - h,
                        Math.max(1, (int) Math.ceil(barW) - (barW > 3 ? 1 : 0)),
                        h);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
            g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
            final long endMs = series.startMs() + (long) v.length * series.stepMs();
            if (markerMs >= series.startMs() && markerMs <= endMs && endMs > series.startMs()) {
                final int x =
                        LEFT
                                + (int)
                                        ((double) (markerMs - series.startMs())
                                                / (endMs - series.startMs())
                                                * plotW);
                g.setColor(new Color(0x1F, 0x5F, 0xBF));
                g.setStroke(
                        new BasicStroke(
                                2f,
                                BasicStroke.CAP_BUTT,
                                BasicStroke.JOIN_MITER,
                                10f,
                                new float[] {6f, 4f},
                                0f));
                g.drawLine(x, TOP - 5, x, TOP + plotH);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(markerLabel, Math.min(x + 4, WIDTH - RIGHT - 160), TOP + 8);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title, LEFT, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(String.valueOf((long) max), 8, TOP + 10);
            g.drawString("0", 30, TOP + plotH);
            g.drawString(
                    HHMM.format(Instant.ofEpochMilli(series.startMs())) + " UTC",
                    LEFT,
                    HEIGHT - 15);
            g.drawString(
                    HHMM.format(Instant.ofEpochMilli(endMs)) + " UTC",
                    WIDTH - RIGHT - 60,
                    HEIGHT - 15);
        } finally {
            g.dispose();
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
