package switchboard.fingerprint.hardware;

import java.util.List;

/** The USB bus as the hardware verticle sees it: open once, list the readers present, close. Blocking. */
public interface UsbBus {

  /** Opens the bus; fails with {@link UsbUnavailableException} when there is none (no libusb, no usbfs). */
  void open();

  /** The readers among the configured vendor/product ids that are plugged in now. */
  List<UsbReader> readers(List<HardwareConfig.UsbReaderId> wanted);

  void close();

  /**
   * A reader found on the bus.
   *
   * @param id              stable device id: vendor, product and serial (or bus position without one)
   * @param serialNumber    the serial string descriptor, or "unknown" when the device cannot be opened
   * @param model           the product string descriptor, or the configured model name
   * @param firmwareVersion bcdDevice as "major.minor"
   */
  record UsbReader(String id, String serialNumber, String model, String firmwareVersion) {
  }

  /** The bus cannot be used on this machine. */
  final class UsbUnavailableException extends RuntimeException {
    public UsbUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
