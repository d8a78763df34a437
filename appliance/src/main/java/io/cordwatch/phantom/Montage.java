package io.cordwatch.phantom;

import io.cordwatch.grade.bilsky.Grade;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A contact sheet for people: one row per grade, a few crops around the spinal canal with the
 * label's box drawn, so a radiologist can check at a glance that pixels and labels agree. Each crop
 * is 48 mm square around the box centre, windowed to its own 99.5th percentile like a viewer's
 * auto-window, and shows the grade, level and scanner.
 */
public final class Montage {
  private static final int CELL = 200;
  private static final int LABEL = 18;

  private final int perGrade;
  private final Map<Grade, List<BufferedImage>> cells = new EnumMap<>(Grade.class);

  /** A sheet with up to {@code perGrade} examples per grade. */
  public Montage(int perGrade) {
    this.perGrade = perGrade;
    for (Grade g : Grade.values()) {
      cells.put(g, new ArrayList<>());
    }
  }

  /** Whether the sheet still wants an example of {@code g}. */
  public boolean wants(Grade g) {
    return cells.get(g).size() < perGrade;
  }

  /** Adds the slice as an example of its grade (ignored once the row is full). */
  public void add(PhantomWriter.Written w, double spacing, String scanner) {
    Grade g = w.findings().grade();
    Acquisition.Image img = w.image();
    if (!wants(g) || img.x0() < 0) {
      return;
    }
    int n = img.size();
    double cx = (img.x0() + img.x1() + 1) / 2.0;
    double cy = (img.y0() + img.y1() + 1) / 2.0;
    double half = 24 / spacing;
    int[] hist = new int[4096];
    for (int y = (int) Math.max(0, cy - half); y < Math.min(n, cy + half); y++) {
      for (int x = (int) Math.max(0, cx - half); x < Math.min(n, cx + half); x++) {
        hist[img.pixels()[y * n + x] & 0xFFF]++;
      }
    }
    int total = 0;
    for (int h : hist) {
      total += h;
    }
    int top = 4095;
    for (int acc = 0, v = 0; v < 4096; v++) {
      acc += hist[v];
      if (acc >= 0.995 * total) {
        top = Math.max(1, v);
        break;
      }
    }
    BufferedImage cell = new BufferedImage(CELL, CELL + LABEL, BufferedImage.TYPE_INT_RGB);
    double scale = 2 * half / CELL;
    for (int j = 0; j < CELL; j++) {
      for (int i = 0; i < CELL; i++) {
        double sx = cx - half + (i + 0.5) * scale;
        double sy = cy - half + (j + 0.5) * scale;
        int v = 0;
        if (sx >= 0 && sy >= 0 && sx < n && sy < n) {
          int p = img.pixels()[(int) sy * n + (int) sx] & 0xFFF;
          v = (int) Math.min(255, 255.0 * p / top);
        }
        cell.setRGB(i, j, v << 16 | v << 8 | v);
      }
    }
    Graphics2D gr = cell.createGraphics();
    gr.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    gr.setColor(g.high() ? new Color(255, 70, 70) : new Color(80, 220, 80));
    gr.setStroke(new BasicStroke(1.5f));
    int bx = (int) Math.round((img.x0() - (cx - half)) / scale);
    int by = (int) Math.round((img.y0() - (cy - half)) / scale);
    int bw = (int) Math.round((img.x1() + 1 - img.x0()) / scale);
    int bh = (int) Math.round((img.y1() + 1 - img.y0()) / scale);
    gr.drawRect(bx, by, bw, bh);
    gr.setColor(Color.WHITE);
    gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    gr.drawString(g.label() + "  " + w.level() + "  " + scanner, 4, CELL + 13);
    gr.dispose();
    cells.get(g).add(cell);
  }

  /** Writes the sheet as a PNG. */
  public void write(Path file) throws IOException {
    int head = 60;
    BufferedImage sheet =
        new BufferedImage(
            head + perGrade * (CELL + 4), Grade.values().length * (CELL + LABEL + 4), 1);
    Graphics2D gr = sheet.createGraphics();
    gr.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    gr.setColor(new Color(30, 30, 30));
    gr.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
    int row = 0;
    for (Grade g : Grade.values()) {
      int y = row * (CELL + LABEL + 4);
      gr.setColor(g.high() ? new Color(255, 90, 90) : new Color(120, 230, 120));
      gr.drawString(g.label(), 12, y + CELL / 2);
      int col = 0;
      for (BufferedImage c : cells.get(g)) {
        gr.drawImage(c, head + col * (CELL + 4), y, null);
        col++;
      }
      row++;
    }
    gr.dispose();
    ImageIO.write(sheet, "png", file.toFile());
  }
}
