ALTER TABLE `journal` RENAME COLUMN `dedupe_key` TO `entry_key`;--> statement-breakpoint
ALTER TABLE `journal` RENAME COLUMN `item_ref` TO `ref`;--> statement-breakpoint
ALTER TABLE `journal` RENAME COLUMN `uid_validity` TO `scope`;--> statement-breakpoint
ALTER TABLE `journal` RENAME COLUMN `min_uid` TO `watermark`;--> statement-breakpoint
UPDATE `journal` SET `ref` = CAST(`uid` AS TEXT) WHERE `uid` IS NOT NULL;--> statement-breakpoint
UPDATE `journal` SET `ref` = `folder` WHERE `kind` = 'folder' AND `ref` IS NULL;--> statement-breakpoint
UPDATE `journal` SET `entry_key` = 'mail' WHERE `kind` = 'folder';--> statement-breakpoint
UPDATE `journal` SET `entry_key` = `folder` WHERE `kind` = 'snapshot';--> statement-breakpoint
ALTER TABLE `journal` DROP COLUMN `uid`;
