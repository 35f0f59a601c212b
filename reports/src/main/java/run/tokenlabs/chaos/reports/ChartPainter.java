package run.tokenlabs.chaos.reports;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.TimeZone;
import java.util.TreeSet;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.ClusteredXYBarRenderer;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a {@link ChartSpec} as a PNG with JFreeChart, in the JVM that read the journal: no script,
 * so the page that embeds it renders in a mail client, in print and in Allure's image viewer alike.
 */
final class ChartPainter {
  static final int WIDTH = 960;
  static final int HEIGHT = 440;
  private static final Color[] PALETTE = {new Color(0x0969da), new Color(0xcf222e), new Color(0x1a7f37),
      new Color(0x9a6700), new Color(0x8250df), new Color(0xbc4c00), new Color(0x1b7c83), new Color(0x6e7781)};
  private static final Color PENDING = new Color(0xd4a72c);
  private static final Color FIRING = new Color(0xcf222e);
  private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final int MARKER_LABEL_CHARS = 40;

  private ChartPainter() {}

  /** The chart as PNG bytes, {@value #WIDTH} x {@value #HEIGHT}. */
  static byte[] png(ChartSpec spec) {
    JFreeChart chart = chart(spec);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot draw chart '" + spec.title() + "' as PNG: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  static JFreeChart chart(ChartSpec spec) {
    XYPlot plot = switch (spec.kind()) {
      case "stacked" -> stacked(spec);
      case "timeline" -> timeline(spec);
      case "bars" -> bars(spec);
      default -> lines(spec);
    };
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xd0d7de));
    plot.setRangeGridlinePaint(new Color(0xd0d7de));
    for (ChartSpec.Band b : spec.bands()) {
      // the tint is in the colour, not the marker's alpha: that would fade the label too
      IntervalMarker band = new IntervalMarker(b.from(), b.to(), new Color(9, 105, 218, 18), new BasicStroke(0.5f), null,
          null, 1f);
      label(band, b.label(), RectangleAnchor.TOP_LEFT, TextAnchor.TOP_LEFT);
      plot.addDomainMarker(band, Layer.BACKGROUND);
    }
    int n = 0;
    for (ChartSpec.Marker m : spec.markers()) {
      ValueMarker line = new ValueMarker(m.at(), new Color(0x57606a),
          new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {5f, 4f}, 0f));
      boolean vertical = !"y".equals(m.axis());
      // staggered labels: several markers close in x must not print over each other
      RectangleAnchor anchor = vertical ? (n++ % 2 == 0 ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.BOTTOM_RIGHT)
          : RectangleAnchor.TOP_LEFT;
      label(line, m.label(), anchor, vertical ? (anchor == RectangleAnchor.TOP_RIGHT ? TextAnchor.TOP_LEFT
          : TextAnchor.BOTTOM_LEFT) : TextAnchor.BOTTOM_LEFT);
      if (vertical) {
        plot.addDomainMarker(line, Layer.FOREGROUND);
      } else {
        plot.addRangeMarker(line, Layer.FOREGROUND);
      }
    }
    includeMarkers(plot, spec);
    if (!"timeline".equals(spec.kind())) {
      plot.getRangeAxis().setUpperMargin(0.12); // room for the marker labels above the highest point
    }
    JFreeChart chart = new JFreeChart(spec.title(), new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    if (!spec.note().isEmpty()) {
      TextTitle note = new TextTitle(spec.note(), new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      note.setPaint(new Color(0x57606a));
      chart.addSubtitle(note);
    }
    return chart;
  }

  /** Widens the x axis to the x markers outside the data (a timeline's fault, rollback and recovery). */
  private static void includeMarkers(XYPlot plot, ChartSpec spec) {
    double[] range = spec.xRange();
    double lo = range[0];
    double hi = range[1];
    for (ChartSpec.Marker m : spec.markers()) {
      if (!"y".equals(m.axis())) {
        lo = Math.min(lo, m.at());
        hi = Math.max(hi, m.at());
      }
    }
    if ((lo < range[0] || hi > range[1]) && hi > lo) {
      double margin = (hi - lo) * 0.03;
      plot.getDomainAxis().setRange(lo - margin, hi + margin);
    }
  }

  /** Marker labels stay short (a fault's description can be a line long) and let the data show through. */
  private static void label(Marker marker, String text, RectangleAnchor anchor, TextAnchor textAnchor) {
    if (text != null && !text.isEmpty()) {
      marker.setLabel(Values.abbreviate(text, MARKER_LABEL_CHARS));
      marker.setLabelBackgroundColor(new Color(255, 255, 255, 170));
      marker.setLabelFont(SMALL);
      marker.setLabelAnchor(anchor);
      marker.setLabelTextAnchor(textAnchor);
    }
  }

  private static XYPlot lines(ChartSpec spec) {
    XYSeriesCollection data = new XYSeriesCollection();
    boolean scatter = "scatter".equals(spec.kind());
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    int i = 0;
    for (ChartSpec.Series s : spec.series()) {
      XYSeries xy = new XYSeries(s.name(), false, true);
      double lastY = Double.NaN;
      for (double[] p : s.points()) {
        if (s.step() && !Double.isNaN(lastY)) {
          xy.add(p[0], lastY);
        }
        xy.add(p[0], p[1]);
        lastY = p[1];
      }
      data.addSeries(xy);
      boolean dots = scatter || s.dots();
      renderer.setSeriesLinesVisible(i, !dots);
      renderer.setSeriesShapesVisible(i, dots);
      renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      i++;
    }
    XYPlot plot = new XYPlot(data, xAxis(spec.x()), yAxis(spec.y(), !scatter), renderer);
    plot.setOrientation(PlotOrientation.VERTICAL);
    return plot;
  }

  /** Areas stacked per x; a series without a point at some x counts 0 there. */
  private static XYPlot stacked(ChartSpec spec) {
    TreeSet<Double> xs = new TreeSet<>();
    spec.series().forEach(s -> s.points().forEach(p -> xs.add(p[0])));
    DefaultTableXYDataset data = new DefaultTableXYDataset();
    StackedXYAreaRenderer2 renderer = new StackedXYAreaRenderer2();
    int i = 0;
    for (ChartSpec.Series s : spec.series()) {
      XYSeries xy = new XYSeries(s.name(), true, false);
      xs.forEach(x -> xy.add(x, Double.valueOf(0)));
      s.points().forEach(p -> xy.addOrUpdate(p[0], p[1]));
      data.addSeries(xy);
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      i++;
    }
    return new XYPlot(data, xAxis(spec.x()), yAxis(spec.y(), true), renderer);
  }

  /** One row per alert (or state machine): pending in amber, firing in red, the bound as a black bar. */
  private static XYPlot timeline(ChartSpec spec) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    List<ChartSpec.Row> rows = spec.rows();
    int i = 0;
    for (int r = 0; r < rows.size(); r++) {
      ChartSpec.Row row = rows.get(r);
      for (ChartSpec.Segment s : row.segments()) {
        XYSeries xy = new XYSeries(row.name() + " " + s.state() + " #" + i, false, true);
        xy.add(s.from(), r);
        xy.add(s.to(), r);
        data.addSeries(xy);
        Paint paint = "firing".equalsIgnoreCase(s.state()) ? FIRING
            : "pending".equalsIgnoreCase(s.state()) ? PENDING : PALETTE[r % PALETTE.length];
        renderer.setSeriesPaint(i, paint);
        renderer.setSeriesStroke(i, new BasicStroke(14f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        renderer.setSeriesVisibleInLegend(i, false);
        i++;
      }
      if (row.bound() != null && !row.bound().isNaN()) {
        XYSeries bound = new XYSeries("bound " + row.name(), false, true);
        bound.add(row.bound().doubleValue(), r);
        data.addSeries(bound);
        renderer.setSeriesLinesVisible(i, false);
        renderer.setSeriesShapesVisible(i, true);
        renderer.setSeriesShape(i, new Rectangle2D.Double(-2, -12, 4, 24));
        renderer.setSeriesPaint(i, Color.BLACK);
        renderer.setSeriesVisibleInLegend(i, false);
        i++;
      }
    }
    SymbolAxis names = new SymbolAxis(spec.y().label(), rows.stream().map(ChartSpec.Row::name).toArray(String[]::new));
    names.setTickLabelFont(SMALL);
    names.setGridBandsVisible(false);
    names.setRange(-0.6, Math.max(0.6, rows.size() - 0.4));
    return new XYPlot(data, xAxis(spec.x()), names, renderer);
  }

  /** One group of bars per category (a hop, a bucket), a bar per series, from zero. */
  private static XYPlot bars(ChartSpec spec) {
    XYSeriesCollection data = new XYSeriesCollection();
    data.setIntervalWidth(0.8);
    ClusteredXYBarRenderer renderer = new ClusteredXYBarRenderer();
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    int i = 0;
    for (ChartSpec.Series s : spec.series()) {
      XYSeries xy = new XYSeries(s.name(), false, true);
      s.points().forEach(p -> xy.add(p[0], p[1]));
      data.addSeries(xy);
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      i++;
    }
    SymbolAxis names = new SymbolAxis(spec.x().label(), spec.categories().toArray(String[]::new));
    names.setTickLabelFont(SMALL);
    names.setGridBandsVisible(false);
    names.setRange(-0.6, Math.max(0.6, spec.categories().size() - 0.4));
    return new XYPlot(data, names, yAxis(spec.y(), true), renderer);
  }

  private static ValueAxis xAxis(ChartSpec.Axis axis) {
    if (axis.time()) {
      DateAxis time = new DateAxis(axis.label().isEmpty() ? "time (UTC)" : axis.label());
      SimpleDateFormat format = new SimpleDateFormat("HH:mm:ss");
      format.setTimeZone(TimeZone.getTimeZone("UTC"));
      time.setDateFormatOverride(format);
      time.setTimeZone(TimeZone.getTimeZone("UTC"));
      return time;
    }
    NumberAxis number = new NumberAxis(axis.label());
    number.setAutoRangeIncludesZero(false);
    return number;
  }

  private static NumberAxis yAxis(ChartSpec.Axis axis, boolean fromZero) {
    NumberAxis number = new NumberAxis(axis.label());
    number.setAutoRangeIncludesZero(fromZero);
    return number;
  }
}
