/*
 * The card's SCP03 static keys (ENC, MAC, DEK: AES-128, -192 or -256, all three one length) kept in
 * the board's NVS, which a release build encrypts: CONFIG_NVS_ENCRYPTION with its keys in the
 * flash-encrypted "nvs_keys" partition (sdkconfig.defaults.release, partitions.csv). ESP-IDF's
 * nvs_flash_init() then opens the default "nvs" partition encrypted (components/nvs_flash,
 * nvs_api.cpp), so this file only reads and writes one blob. A build without NVS encryption, or a
 * board whose flash encryption is off, refuses to store or load keys rather than keep them in clear.
 *
 * No error text, log line or return value carries key bytes; every C buffer that held them is wiped.
 * Blob "scp03" in namespace "dmcard": one byte L (16, 24 or 32), then ENC, MAC and DEK, L bytes each.
 */
#include "xsmc.h"
#include <string.h>
#include "nvs.h"
#include "esp_flash_encrypt.h"

#define CARD_KEYS_NAMESPACE "dmcard"
#define CARD_KEYS_NAME "scp03"
#define CARD_KEY_MAX (32)

/* a memset the compiler may not drop: the buffer dies right after */
static void wipe(void* data, size_t length)
{
	volatile uint8_t* at = data;
	while (length--) *at++ = 0;
}

static void requireEncryptedNvs(xsMachine* the)
{
#if !CONFIG_NVS_ENCRYPTION
	xsUnknownError("build for release to keep SCP03 keys: this build's NVS is not encrypted (sdkconfig.defaults.release)");
#else
	if (!esp_flash_encryption_enabled())
		xsUnknownError("enable flash encryption to keep SCP03 keys: NVS encryption's keys depend on it on the ESP32");
#endif
}

static nvs_handle_t openKeys(xsMachine* the, nvs_open_mode_t mode)
{
	nvs_handle_t handle;
	esp_err_t err = nvs_open(CARD_KEYS_NAMESPACE, mode, &handle);
	if (err == ESP_ERR_NVS_NOT_FOUND) return 0;	/* read-only and never written: no keys */
	if (err != ESP_OK) xsUnknownError("cannot open NVS for the card's keys (ESP error %d)", (int)err);
	return handle;
}

/* store(enc, mac, dek): replaces the keys (each 16, 24 or 32 bytes, all three the same length) */
void xs_card_keys_store(xsMachine* the)
{
	requireEncryptedNvs(the);
	uint8_t blob[1 + 3 * CARD_KEY_MAX];
	xsUnsignedValue length = 0;
	for (int i = 0; i < 3; i++) {
		void* key;
		xsUnsignedValue keyLength;
		xsmcGetBufferReadable(xsArg(i), &key, &keyLength);
		if ((keyLength != 16) && (keyLength != 24) && (keyLength != 32)) { wipe(blob, sizeof(blob)); xsRangeError("give SCP03 keys of 16, 24 or 32 bytes"); }
		if (i && (keyLength != length)) { wipe(blob, sizeof(blob)); xsRangeError("give ENC, MAC and DEK of one length"); }
		length = keyLength;
		memcpy(blob + 1 + i * length, key, length);
	}
	blob[0] = (uint8_t)length;
	nvs_handle_t handle = openKeys(the, NVS_READWRITE);
	esp_err_t err = nvs_set_blob(handle, CARD_KEYS_NAME, blob, 1 + 3 * length);
	wipe(blob, sizeof(blob));
	if (err == ESP_OK) err = nvs_commit(handle);
	nvs_close(handle);
	if (err != ESP_OK) xsUnknownError("could not write the card's keys to NVS (ESP error %d)", (int)err);
}

/* load() → { enc, mac, dek } as ArrayBuffers, or undefined when none are stored */
void xs_card_keys_load(xsMachine* the)
{
	requireEncryptedNvs(the);
	nvs_handle_t handle = openKeys(the, NVS_READONLY);
	if (!handle) return;
	uint8_t blob[1 + 3 * CARD_KEY_MAX];
	size_t size = sizeof(blob);
	esp_err_t err = nvs_get_blob(handle, CARD_KEYS_NAME, blob, &size);
	nvs_close(handle);
	if (err == ESP_ERR_NVS_NOT_FOUND) return;
	size_t length = blob[0];
	if ((err != ESP_OK) || ((length != 16) && (length != 24) && (length != 32)) || (size != 1 + 3 * length)) {
		wipe(blob, sizeof(blob));
		xsUnknownError("the card's keys in NVS are unreadable: store them again (ESP error %d)", (int)err);
	}
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	static const char* const names[3] = { "enc", "mac", "dek" };
	for (int i = 0; i < 3; i++) {
		xsmcSetArrayBuffer(xsVar(0), blob + 1 + i * length, (xsUnsignedValue)length);
		xsmcSet(xsResult, xsID(names[i]), xsVar(0));
	}
	wipe(blob, sizeof(blob));
}

/* erase(): forgets the keys (a card withdrawn from service) */
void xs_card_keys_erase(xsMachine* the)
{
	nvs_handle_t handle = openKeys(the, NVS_READWRITE);
	esp_err_t err = nvs_erase_key(handle, CARD_KEYS_NAME);
	if (err == ESP_OK) err = nvs_commit(handle);
	nvs_close(handle);
	if ((err != ESP_OK) && (err != ESP_ERR_NVS_NOT_FOUND)) xsUnknownError("could not erase the card's keys from NVS (ESP error %d)", (int)err);
}
