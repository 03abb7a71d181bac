package switchboard.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Bar charts of the results, drawn by XChart; several charts of one scenario go side by side in one PNG. */
public final class Charts {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;

  private Charts() {
  }

  /**
   * A grouped bar chart: one group per category, one bar per series.
   *
   * @param series series name → one value per category (null where the series has no value)
   */
  public static CategoryChart bars(String title, String yAxis, List<String> categories, Map<String, List<Double>> series) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .yAxisTitle(yAxis).build();
    Styler styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setToolTipsEnabled(false);
    chart.getStyler().setLabelsVisible(false);
    chart.getStyler().setYAxisMin(0.0);
    series.forEach((name, values) -> {
      List<Double> clean = values.stream().map(v -> v == null || v.isNaN() ? 0.0 : v).toList();
      chart.addSeries(name, categories, clean);
    });
    return chart;
  }

  /** Writes the charts side by side into one PNG. */
  public static void save(Path png, List<CategoryChart> charts) throws IOException {
    BufferedImage image = new BufferedImage(WIDTH * charts.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), HEIGHT);
    for (int i = 0; i < charts.size(); i++) {
      // each chart drawn on its own image: painting into a clipped sub-graphics loses all but one series
      g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), i * WIDTH, 0, null);
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(image, "png", png.toFile());
  }
}
