package switchboard.fingerprint.hardware;

import org.usb4java.Context;
import org.usb4java.Device;
import org.usb4java.DeviceDescriptor;
import org.usb4java.DeviceHandle;
import org.usb4java.DeviceList;
import org.usb4java.LibUsb;
import org.usb4java.LibUsbException;

import java.util.ArrayList;
import java.util.List;

/** The real USB bus through usb4java (libusb 1.0). Not thread-safe: used from the hardware worker only. */
public final class Usb4JavaBus implements UsbBus {

  private Context context;

  @Override
  public void open() {
    Context c = new Context();
    int result;
    try {
      result = LibUsb.init(c);
    } catch (LibUsbException | UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
      // The native library could not be loaded for this platform.
      throw new UsbUnavailableException("libusb could not be loaded: " + e.getMessage(), e);
    }
    if (result != LibUsb.SUCCESS) {
      throw new UsbUnavailableException("libusb could not start: " + LibUsb.strError(result), null);
    }
    context = c;
  }

  @Override
  public List<UsbReader> readers(List<HardwareConfig.UsbReaderId> wanted) {
    if (context == null) {
      throw new IllegalStateException("the USB bus is not open");
    }
    DeviceList list = new DeviceList();
    int count = LibUsb.getDeviceList(context, list);
    if (count < 0) {
      throw new UsbUnavailableException("listing USB devices failed: " + LibUsb.strError(count), null);
    }
    List<UsbReader> found = new ArrayList<>();
    try {
      for (Device device : list) {
        DeviceDescriptor descriptor = new DeviceDescriptor();
        if (LibUsb.getDeviceDescriptor(device, descriptor) != LibUsb.SUCCESS) {
          continue;
        }
        int vendor = descriptor.idVendor() & 0xffff;
        int product = descriptor.idProduct() & 0xffff;
        for (HardwareConfig.UsbReaderId id : wanted) {
          if (id.vendorId() == vendor && id.productId() == product) {
            found.add(describe(device, descriptor, id));
            break;
          }
        }
      }
    } finally {
      LibUsb.freeDeviceList(list, true);
    }
    return found;
  }

  private static UsbReader describe(Device device, DeviceDescriptor descriptor, HardwareConfig.UsbReaderId id) {
    String serial = null;
    String product = null;
    DeviceHandle handle = new DeviceHandle();
    // Opening needs permission on the device node (a udev rule); without it the strings stay unknown.
    if (LibUsb.open(device, handle) == LibUsb.SUCCESS) {
      try {
        serial = string(handle, descriptor.iSerialNumber());
        product = string(handle, descriptor.iProduct());
      } finally {
        LibUsb.close(handle);
      }
    }
    int bcd = descriptor.bcdDevice() & 0xffff;
    String firmware = Integer.toHexString(bcd >> 8) + "." + String.format("%02x", bcd & 0xff);
    String position = LibUsb.getBusNumber(device) + "." + LibUsb.getDeviceAddress(device);
    String deviceId = String.format("usb-%04x-%04x-%s", id.vendorId(), id.productId(),
        serial != null ? serial.replaceAll("[^A-Za-z0-9._-]", "") : position);
    return new UsbReader(deviceId, serial != null ? serial : "unknown",
        product != null ? product : id.model(), firmware);
  }

  private static String string(DeviceHandle handle, byte index) {
    if (index == 0) {
      return null;
    }
    try {
      String s = LibUsb.getStringDescriptor(handle, index);
      return s == null || s.isBlank() ? null : s.trim();
    } catch (LibUsbException e) {
      return null;
    }
  }

  @Override
  public void close() {
    if (context != null) {
      LibUsb.exit(context);
      context = null;
    }
  }
}
