/*
 * The board's facts the device needs and the SDK has no module for: random bytes from the
 * hardware RNG (esp_fill_random: true random while Wi-Fi or Bluetooth runs, which it does before
 * any session), the chip's base MAC (eFuse) for DevID, and the running image's version for FwV.
 */
#include "xsmc.h"
#include "esp_app_desc.h"
#include "esp_mac.h"
#include "esp_random.h"

/* random(buffer): fills buffer from the hardware RNG */
void xs_esp32_random(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	esp_fill_random(data, length);
}

/* mac() → "aabbccddeeff", the chip's base MAC from eFuse */
void xs_esp32_mac(xsMachine* the)
{
	uint8_t mac[6];
	char text[13];
	static const char hex[] = "0123456789abcdef";
	if (esp_efuse_mac_get_default(mac) != ESP_OK)
		xsUnknownError("cannot read the MAC from eFuse");
	for (int i = 0; i < 6; i++) {
		text[2 * i] = hex[mac[i] >> 4];
		text[2 * i + 1] = hex[mac[i] & 15];
	}
	text[12] = 0;
	xsmcSetString(xsResult, text);
}

/* firmwareVersion() → the running image's version (PROJECT_VER, esp_app_desc_t.version) */
void xs_esp32_firmware_version(xsMachine* the)
{
	const esp_app_desc_t* app = esp_app_get_description();
	xsmcSetString(xsResult, (char*)app->version);
}
