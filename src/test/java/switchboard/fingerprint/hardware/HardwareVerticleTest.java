package switchboard.fingerprint.hardware;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.config.ConfigReader;
import switchboard.fingerprint.FingerprintConfig;
import switchboard.fingerprint.FingerprintDefinition;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static switchboard.testing.Await.await;

/** Verifies the hardware verticle: its worker thread, USB through usb4java, hot-plug, the simulated driver. */
class HardwareVerticleTest {

  private Vertx vertx;
  private Platform platform;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private static FingerprintConfig config(JsonObject hardware) {
    return FingerprintConfig.read(new ConfigReader(new JsonObject().put("port", 0).put("hardware", hardware)));
  }

  /** Collects the frames published on fingerprint.device.events. */
  private List<JsonObject> events() {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.FINGERPRINT_DEVICE_EVENTS,
        m -> events.add(m.body()));
    await(consumer.completion());
    return events;
  }

  private void eventually(java.util.function.BooleanSupplier condition) {
    for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
      io.vertx.core.Promise<Void> tick = io.vertx.core.Promise.promise();
      vertx.setTimer(25, id -> tick.complete());
      await(tick.future());
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  /** Verifies that the definition deploys the hardware verticle on a worker thread, not an event loop. */
  @Test
  void runsOnAWorkerThread() {
    // GIVEN the deployment options the definition uses
    HardwareVerticle hardware = new HardwareVerticle(platform, config(new JsonObject()
        .put("usb", new JsonObject().put("enabled", false))), Usb4JavaBus::new);
    // WHEN it is deployed
    await(vertx.deployVerticle(hardware, FingerprintDefinition.hardwareDeployment()));
    // THEN start() ran on a worker context and thread
    assertThat(hardware.startedOnWorker()).isTrue();
    assertThat(hardware.threadName()).contains("worker").doesNotContain("eventloop");
  }

  /** Verifies that usb4java either opens the bus and lists readers, or reports why it cannot, with a message. */
  @Test
  void usb4javaInitialisesOrReportsAbsence() {
    Usb4JavaBus bus = new Usb4JavaBus();
    try {
      bus.open();
      List<UsbBus.UsbReader> readers = bus.readers(List.of(new HardwareConfig.UsbReaderId(0x1b55, 0x0120, "ZKTeco SLK20R")));
      assertThat(readers).isNotNull();
      bus.close();
    } catch (UsbBus.UsbUnavailableException e) {
      assertThat(e.getMessage()).startsWith("libusb could not");
    }
  }

  /** Verifies that the real bus through the verticle either polls or reports its problem, and readers attach. */
  @Test
  void realUsbBusPollsOrReports() {
    List<JsonObject> events = events();
    HardwareVerticle hardware = new HardwareVerticle(platform, config(new JsonObject()
        .put("usb", new JsonObject().put("enabled", true).put("pollIntervalMs", 100))), Usb4JavaBus::new);
    await(vertx.deployVerticle(hardware, FingerprintDefinition.hardwareDeployment()));
    assertThat(hardware.usbAvailable()).isEqualTo(hardware.usbProblem() == null);
    eventually(() -> events.stream().anyMatch(e -> "device:connected".equals(e.getString("type"))));
  }

  /** Verifies that when libusb cannot start the verticle says so once, and the simulated readers still work. */
  @Test
  void usbAbsenceIsReportedOnceAndSimulatedReadersWork() {
    // GIVEN a machine whose USB bus cannot be opened
    UsbBus absent = new UsbBus() {
      @Override
      public void open() {
        throw new UsbUnavailableException("libusb could not start: LIBUSB_ERROR_OTHER", null);
      }

      @Override
      public List<UsbReader> readers(List<HardwareConfig.UsbReaderId> wanted) {
        throw new AssertionError("never listed after a failed open");
      }

      @Override
      public void close() {
        throw new AssertionError("never closed after a failed open");
      }
    };
    List<JsonObject> events = events();
    // WHEN the verticle starts with USB polling on
    HardwareVerticle hardware = new HardwareVerticle(platform, config(new JsonObject()
        .put("usb", new JsonObject().put("enabled", true).put("pollIntervalMs", 100))), () -> absent);
    await(vertx.deployVerticle(hardware, FingerprintDefinition.hardwareDeployment()));
    // THEN it reports the problem once, as one warn log entry
    assertThat(hardware.usbAvailable()).isFalse();
    assertThat(hardware.usbProblem()).contains("LIBUSB_ERROR_OTHER");
    eventually(() -> events.stream().anyMatch(e -> "device:connected".equals(e.getString("type"))));
    Promise<Void> later = Promise.promise();
    vertx.setTimer(300, id -> later.complete());
    await(later.future());
    assertThat(events.stream().filter(e -> "log:entry".equals(e.getString("type"))
        && e.getString("message").contains("USB")).toList()).singleElement()
        .satisfies(e -> assertThat(e.getString("level")).isEqualTo("warn"));
    // AND the simulated reader is attached and scannable
    assertThat(events.stream().filter(e -> "device:connected".equals(e.getString("type")))
        .map(e -> e.getJsonObject("device").getString("id")).toList()).containsExactly("device-001");
    JsonObject started = await(vertx.eventBus().<JsonObject>request(Addresses.fingerprintCommands(platform.nodeId()),
        new JsonObject().put("command", "scan:start").put("deviceId", "device-001").put("principal", "key:test")
            .put("timeout", 10_000L).put("qualityThreshold", 0).put("scansRequired", 1))).body();
    assertThat(started.getString("scanId")).startsWith("scan-");
  }

  /** Verifies that a reader appearing on the bus is device:connected with its descriptors, and disconnected when gone. */
  @Test
  void hotPlugPublishesConnectAndDisconnect() {
    // GIVEN a bus whose contents the test controls
    AtomicReference<List<UsbBus.UsbReader>> present = new AtomicReference<>(List.of());
    List<Boolean> closed = new ArrayList<>();
    UsbBus fake = new UsbBus() {
      @Override
      public void open() {
      }

      @Override
      public List<UsbReader> readers(List<HardwareConfig.UsbReaderId> wanted) {
        assertThat(wanted).extracting(HardwareConfig.UsbReaderId::vendorId).containsExactly(0x1b55);
        return present.get();
      }

      @Override
      public void close() {
        closed.add(true);
      }
    };
    List<JsonObject> events = events();
    HardwareVerticle hardware = new HardwareVerticle(platform, config(new JsonObject()
        .put("usb", new JsonObject().put("pollIntervalMs", 100))
        .put("simulated", new JsonObject().put("enabled", false))), () -> fake);
    await(vertx.deployVerticle(hardware, FingerprintDefinition.hardwareDeployment()));
    assertThat(hardware.usbAvailable()).isTrue();
    // WHEN a reader is plugged in
    present.set(List.of(new UsbBus.UsbReader("usb-1b55-0120-ABC123", "ABC123", "ZKTeco SLK20R", "5.00")));
    eventually(() -> events.stream().anyMatch(e -> "device:connected".equals(e.getString("type"))));
    // THEN device:connected carries serial, model and firmware
    JsonObject connected = events.stream().filter(e -> "device:connected".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(connected.getJsonObject("device")).isEqualTo(new JsonObject().put("id", "usb-1b55-0120-ABC123")
        .put("serialNumber", "ABC123").put("model", "ZKTeco SLK20R").put("status", "connected").put("firmwareVersion", "5.00"));
    // WHEN it is unplugged THEN device:disconnected
    present.set(List.of());
    eventually(() -> events.stream().anyMatch(e -> "device:disconnected".equals(e.getString("type"))));
    JsonObject gone = events.stream().filter(e -> "device:disconnected".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(gone.getString("deviceId")).isEqualTo("usb-1b55-0120-ABC123");
    assertThat(gone.getString("reason")).isEqualTo("Device unplugged");
    // AND the bus is closed when the verticle stops
    await(vertx.undeploy(vertx.deploymentIDs().iterator().next()));
    assertThat(closed).containsExactly(true);
  }

  /** Verifies that with captureDriver "none" a USB reader is attached, but its scans fail with 5001. */
  @Test
  void readerWithoutCaptureDriverFailsScans() {
    UsbBus oneReader = new UsbBus() {
      @Override
      public void open() {
      }

      @Override
      public List<UsbReader> readers(List<HardwareConfig.UsbReaderId> wanted) {
        return List.of(new UsbReader("usb-1b55-0120-XYZ", "XYZ", "ZKTeco SLK20R", "5.00"));
      }

      @Override
      public void close() {
      }
    };
    List<JsonObject> events = events();
    await(vertx.deployVerticle(new HardwareVerticle(platform, config(new JsonObject()
        .put("usb", new JsonObject().put("captureDriver", "none"))
        .put("simulated", new JsonObject().put("enabled", false))), () -> oneReader),
        FingerprintDefinition.hardwareDeployment()));
    eventually(() -> events.stream().anyMatch(e -> "device:connected".equals(e.getString("type"))));
    JsonObject started = await(vertx.eventBus().<JsonObject>request(Addresses.fingerprintCommands(platform.nodeId()),
        new JsonObject().put("command", "scan:start").put("deviceId", "usb-1b55-0120-XYZ").put("principal", "key:test")
            .put("timeout", 10_000L).put("qualityThreshold", 50).put("scansRequired", 1))).body();
    eventually(() -> events.stream().anyMatch(e -> "scan:error".equals(e.getString("type"))));
    JsonObject error = events.stream().filter(e -> "scan:error".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(error.getString("scanId")).isEqualTo(started.getString("scanId"));
    assertThat(error.getInteger("code")).isEqualTo(5001);
    assertThat(error.getString("error")).isEqualTo("No capture driver for this reader model");
    eventually(() -> events.stream().anyMatch(e -> "device:status".equals(e.getString("type"))
        && "error".equals(e.getString("status"))));
  }

  /** Verifies that two simulated readers with the same seed and id capture the same qualities and templates. */
  @Test
  void simulatedDriverIsDeterministic() {
    HardwareConfig.SimulatedReader reader = HardwareConfig.read(new ConfigReader(new JsonObject()
        .put("simulated", new JsonObject().put("devices", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("id", "r1").put("detectDelayMs", 1).put("captureTimeMs", 1)))))).simulated().devices().get(0);
    List<String> first = captures(new SimulatedReaderDriver(vertx, reader, 99));
    List<String> second = captures(new SimulatedReaderDriver(vertx, reader, 99));
    List<String> other = captures(new SimulatedReaderDriver(vertx, reader, 100));
    assertThat(first).hasSize(3).isEqualTo(second).isNotEqualTo(other);
  }

  private List<String> captures(SimulatedReaderDriver driver) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
      vertx.runOnContext(v -> driver.capture(new ReaderDriver.CaptureListener() {
        @Override
        public void fingerDetected(int quality) {
        }

        @Override
        public void captured(int quality, byte[] template) {
          done.complete(quality + ":" + java.util.HexFormat.of().formatHex(template));
        }

        @Override
        public void failed(String reason) {
          done.fail(reason);
        }

        @Override
        public void disconnected() {
          done.fail("disconnected");
        }
      }));
      out.add(await(done.future()));
    }
    return out;
  }

  /** Verifies that a hex id that is not one is a config error naming the key. */
  @Test
  void badUsbIdIsAConfigError() {
    assertThatThrownBy(() -> config(new JsonObject().put("usb", new JsonObject().put("readers",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("vendorId", "zz").put("productId", "0120"))))))
        .hasMessageContaining("hardware.usb.readers[0].vendorId")
        .hasMessageContaining("hex");
  }
}
