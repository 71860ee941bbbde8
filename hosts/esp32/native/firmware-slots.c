/*
 * modules/firmware's FirmwareSlots on the ESP32 (issue 17), over ESP-IDF's OTA API; the TypeScript
 * side is hosts/esp32/firmware-slots.ts. FUMO writes the payload (an ESP-IDF app image) into the
 * SDK's flash.open({path: "nextota"}), which is esp_ota_get_next_update_partition(NULL); here:
 * - arm: esp_ota_set_boot_partition on that partition, which verifies the app image (header,
 *   segments, checksum and appended SHA-256) before it writes otadata: a torn or foreign image is
 *   refused and the boot choice stays the old one;
 * - boot state: with CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE the boot loader marks a newly chosen app
 *   ESP_OTA_IMG_PENDING_VERIFY on its first boot; if that app restarts without marking itself
 *   valid, the boot loader marks it ESP_OTA_IMG_ABORTED and starts the previous one. So a running
 *   app in PENDING_VERIFY is on trial, and an inactive slot in ABORTED (or INVALID) is a trial that
 *   was rolled back (until the next arm rewrites that slot's otadata entry);
 * - confirm: esp_ota_mark_app_valid_cancel_rollback; restart: esp_restart;
 * - running: esp_app_get_description (project_name as the model, version).
 * ESP-IDF's rollback gives exactly one trial boot: whatever arm's `trials`, the trial is this one
 * boot (bootsLeft 0), and the next restart without confirm() returns to the previous slot.
 */
#include "xsmc.h"
#include "esp_app_desc.h"
#include "esp_err.h"
#include "esp_ota_ops.h"
#include "esp_partition.h"
#include "esp_system.h"

#define FW_SETTLED 0
#define FW_TRIAL 1
#define FW_ROLLED_BACK 2

/* bootState() → 0 settled, 1 trial (the running app awaits confirm()), 2 rolled-back */
void xs_esp32_fw_boot_state(xsMachine* the)
{
	int state = FW_SETTLED;
	esp_ota_img_states_t running;
	const esp_partition_t* self = esp_ota_get_running_partition();
	if (self && (esp_ota_get_state_partition(self, &running) == ESP_OK) && (running == ESP_OTA_IMG_PENDING_VERIFY))
		state = FW_TRIAL;
	else {
		esp_ota_img_states_t other;
		const esp_partition_t* next = esp_ota_get_next_update_partition(NULL);
		if (next && (esp_ota_get_state_partition(next, &other) == ESP_OK) && ((other == ESP_OTA_IMG_ABORTED) || (other == ESP_OTA_IMG_INVALID)))
			state = FW_ROLLED_BACK;
	}
	xsmcSetInteger(xsResult, state);
}

/* running() → { model, version } of the running app image */
void xs_esp32_fw_running(xsMachine* the)
{
	const esp_app_desc_t* app = esp_app_get_description();
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	xsmcSetString(xsVar(0), (char*)app->project_name);
	xsmcSet(xsResult, xsID("model"), xsVar(0));
	xsmcSetString(xsVar(0), (char*)app->version);
	xsmcSet(xsResult, xsID("version"), xsVar(0));
}

/* arm(byteLength): the next boot starts the inactive OTA slot (on trial: see above) */
void xs_esp32_fw_arm(xsMachine* the)
{
	xsIntegerValue length = xsmcToInteger(xsArg(0));
	const esp_partition_t* next = esp_ota_get_next_update_partition(NULL);
	if (!next) xsUnknownError("no inactive OTA slot: flash a partition table with ota_0 and ota_1");
	if ((length <= 0) || ((uint32_t)length > next->size))
		xsRangeError("give the image's length, 1 to %u bytes (the slot's size), not %d", (unsigned)next->size, (int)length);
	esp_err_t err = esp_ota_set_boot_partition(next);   /* verifies the image first */
	if (err == ESP_ERR_OTA_VALIDATE_FAILED) xsUnknownError("download the image again: %s does not hold a valid app image", next->label);
	if (err != ESP_OK) xsUnknownError("cannot arm %s: %s", next->label, esp_err_to_name(err));
}

/* confirm(): the running trial app stays (harmless when it is not on trial) */
void xs_esp32_fw_confirm(xsMachine* the)
{
	esp_ota_img_states_t running;
	const esp_partition_t* self = esp_ota_get_running_partition();
	if (!self || (esp_ota_get_state_partition(self, &running) != ESP_OK) || (running != ESP_OTA_IMG_PENDING_VERIFY))
		return;
	esp_err_t err = esp_ota_mark_app_valid_cancel_rollback();
	if (err != ESP_OK) xsUnknownError("cannot confirm the running app: %s", esp_err_to_name(err));
}

/* restart(): does not return */
void xs_esp32_fw_restart(xsMachine* the)
{
	esp_restart();
}
