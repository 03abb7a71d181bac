package switchboard.fingerprint.hardware;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
@ExtendWith(VertxExtension.class)
class HardwareVerticleTest {

  private Vertx vertx;
  private Platform platform;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    platform = TestPlatform.single(vertx);
  }

  /** A scan:start command to this node's hardware verticle. */
  private JsonObject scanStart(String deviceId, int qualityThreshold) {
    return new JsonObject().put("command", "scan:start").put("deviceId", deviceId).put("principal", "key:test")
        .put("timeout", 10_000L).put("qualityThreshold", qualityThreshold).put("scansRequired", 1);
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
      Promise<Void> tick = Promise.promise();
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
    // AND the simulated reader is attached and scannable
    assertThat(events.stream().filter(e -> "device:connected".equals(e.getString("type")))
        .map(e -> e.getJsonObject("device").getString("id")).toList()).containsExactly("device-001");
    JsonObject started = await(vertx.eventBus().<JsonObject>request(Addresses.fingerprintCommands(platform.nodeId()),
        scanStart("device-001", 0))).body();
    assertThat(started.getString("scanId")).startsWith("scan-");
    // AND no second USB warning came before the scan's events, which the verticle publishes after it, in order
    eventually(() -> events.stream().anyMatch(e -> "device:status".equals(e.getString("type"))));
    assertThat(events.stream().filter(e -> "log:entry".equals(e.getString("type"))
        && e.getString("message").contains("USB")).toList()).singleElement()
        .satisfies(e -> assertThat(e.getString("level")).isEqualTo("warn"));
  }

  /** Verifies that a reader appearing on the bus is device:connected with its descriptors, and disconnected when gone. */
  @Test
  void hotPlugPublishesConnectAndDisconnect(VertxTestContext ctx) {
    // GIVEN a bus whose contents the test controls
    AtomicReference<List<UsbBus.UsbReader>> present = new AtomicReference<>(List.of());
    List<Boolean> closed = new CopyOnWriteArrayList<>();
    UsbBus fake = new UsbBus() {
      @Override
      public void open() {
      }

      @Override
      public List<UsbReader> readers(List<HardwareConfig.UsbReaderId> wanted) {
        ctx.verify(() -> assertThat(wanted).extracting(HardwareConfig.UsbReaderId::vendorId).containsExactly(0x1b55));
        return present.get();
      }

      @Override
      public void close() {
        closed.add(true);
      }
    };
    HardwareVerticle hardware = new HardwareVerticle(platform, config(new JsonObject()
        .put("usb", new JsonObject().put("pollIntervalMs", 100))
        .put("simulated", new JsonObject().put("enabled", false))), () -> fake);
    Checkpoint connected = ctx.checkpoint();
    Checkpoint disconnected = ctx.checkpoint();
    Checkpoint busClosed = ctx.checkpoint();
    AtomicReference<String> deployment = new AtomicReference<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.FINGERPRINT_DEVICE_EVENTS, m -> {
      JsonObject e = m.body();
      if ("device:connected".equals(e.getString("type"))) {
        // THEN device:connected carries serial, model and firmware
        ctx.verify(() -> assertThat(e.getJsonObject("device")).isEqualTo(new JsonObject().put("id", "usb-1b55-0120-ABC123")
            .put("serialNumber", "ABC123").put("model", "ZKTeco SLK20R").put("status", "connected")
            .put("firmwareVersion", "5.00")));
        connected.flag();
        // WHEN it is unplugged
        present.set(List.of());
      } else if ("device:disconnected".equals(e.getString("type"))) {
        // THEN device:disconnected
        ctx.verify(() -> {
          assertThat(e.getString("deviceId")).isEqualTo("usb-1b55-0120-ABC123");
          assertThat(e.getString("reason")).isEqualTo("Device unplugged");
        });
        disconnected.flag();
        // AND the bus is closed when the verticle stops
        vertx.undeploy(deployment.get()).onComplete(ctx.succeeding(v -> {
          ctx.verify(() -> assertThat(closed).containsExactly(true));
          busClosed.flag();
        }));
      }
    }).completion()
        .compose(v -> vertx.deployVerticle(hardware, FingerprintDefinition.hardwareDeployment()))
        .onComplete(ctx.succeeding(id -> {
          deployment.set(id);
          ctx.verify(() -> assertThat(hardware.usbAvailable()).isTrue());
          // WHEN a reader is plugged in
          present.set(List.of(new UsbBus.UsbReader("usb-1b55-0120-ABC123", "ABC123", "ZKTeco SLK20R", "5.00")));
        }));
  }

  /** Verifies that with captureDriver "none" a USB reader is attached, but its scans fail with 5001. */
  @Test
  void readerWithoutCaptureDriverFailsScans(VertxTestContext ctx) {
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
    Checkpoint failed = ctx.checkpoint();
    Checkpoint inError = ctx.checkpoint();
    Promise<String> scanId = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.FINGERPRINT_DEVICE_EVENTS, m -> {
      JsonObject e = m.body();
      switch (e.getString("type")) {
        case "device:connected" -> vertx.eventBus().<JsonObject>request(Addresses.fingerprintCommands(platform.nodeId()),
            scanStart("usb-1b55-0120-XYZ", 50)).onComplete(ctx.succeeding(reply -> scanId.complete(reply.body().getString("scanId"))));
        case "scan:error" -> scanId.future().onSuccess(id -> {
          ctx.verify(() -> {
            assertThat(e.getString("scanId")).isEqualTo(id);
            assertThat(e.getInteger("code")).isEqualTo(5001);
            assertThat(e.getString("error")).isEqualTo("No capture driver for this reader model");
          });
          failed.flag();
        });
        case "device:status" -> {
          if ("error".equals(e.getString("status"))) {
            inError.flag();
          }
        }
        default -> {
        }
      }
    }).completion()
        .compose(v -> vertx.deployVerticle(new HardwareVerticle(platform, config(new JsonObject()
            .put("usb", new JsonObject().put("captureDriver", "none"))
            .put("simulated", new JsonObject().put("enabled", false))), () -> oneReader),
            FingerprintDefinition.hardwareDeployment()))
        .onComplete(ctx.succeeding(id -> { }));
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
      Promise<String> done = Promise.promise();
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
